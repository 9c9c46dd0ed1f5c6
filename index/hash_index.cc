#include "index/hash_index.h"

// Inline XXH3 (header-only mode): a call into the shared library per key costs more than
// hashing a short key.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "base/endian_coding.h"

namespace logkv {
namespace {

// Growth at 85% load to 1.3x capacity keeps the load in [0.654, 0.85]; see the header for the
// memory arithmetic. Linear probing stays short enough there because tags in the slots let a
// probe skip non-matching entries without a cache miss on the entry array.
constexpr size_t kLoadMaxPercent = 85;
constexpr size_t kGrowthPercent = 130;
// Below this load after an erase the table shrinks back to kShrinkToLoadPercent.
constexpr size_t kShrinkBelowLoadPercent = 20;
constexpr size_t kShrinkToLoadPercent = 60;
constexpr size_t kCapacityMin = 16;
// Slot values keep at least one tag bit, so entry index + 1 must stay below 2^31.
constexpr size_t kSizeMaxLimit = (size_t{1} << 31) - 1;
constexpr size_t kCapacityMax = kSizeMaxLimit * 100 / kLoadMaxPercent;
// Rebuilding a small arena saves little; wait until garbage is worth a copy.
constexpr size_t kArenaRebuildGarbageBytesMin = 64 << 10;

[[noreturn]] void abort_arena_full(size_t live_key_bytes, size_t key_bytes) {
  std::fprintf(stderr,
               "logkv: the hash index holds %zu bytes of keys and cannot take a key of %zu bytes "
               "(at most %llu in total); lower the store's keys_max or key_bytes_max\n",
               live_key_bytes, key_bytes,
               static_cast<unsigned long long>(HashIndex::kKeyBytesTotalMax));
  std::abort();
}

constexpr size_t size_max_for(size_t capacity) { return capacity * kLoadMaxPercent / 100; }

// Tags never use the entry-index bits, and even the smallest table has at least this many:
// default_hash() promises callers the low bits.
static_assert(std::bit_width(size_max_for(kCapacityMin)) >= HashIndex::kHashLowBitsUnused);

// The smallest capacity that holds `keys` keys at `load_percent` and at most at kLoadMaxPercent.
size_t capacity_for(size_t keys, size_t load_percent) {
  size_t capacity = std::max(kCapacityMin, (keys * 100 + load_percent - 1) / load_percent);
  while (size_max_for(capacity) < keys) ++capacity;
  assert(capacity <= kCapacityMax);
  return capacity;
}

}  // namespace

HashIndex::HashIndex(size_t expected_keys) : HashIndex(expected_keys, nullptr) {}

HashIndex::HashIndex(size_t expected_keys, HashFunction hash) : hash_(hash) {
  if (expected_keys > 0) rehash(capacity_for(expected_keys, kLoadMaxPercent));
}

uint64_t HashIndex::default_hash(std::string_view key) {
  return XXH3_64bits(key.data(), key.size());
}

uint64_t HashIndex::hash_of(std::string_view key) const {
  // A branch instead of defaulting hash_ to a wrapper lets the compiler inline XXH3.
  if (hash_ != nullptr) return hash_(key);
  return XXH3_64bits(key.data(), key.size());
}

void HashIndex::reserve(size_t keys) {
  if (keys <= size_max_) return;
  rehash(capacity_for(keys, kLoadMaxPercent));
}

void HashIndex::shrink_to_growth_load() {
  if (capacity_ == 0) return;
  if (size_ == 0) {
    clear();
    return;
  }
  // The capacity that put() alone reaches for size_ keys, step by step from an empty table
  // (about 40 steps for a billion keys).
  size_t grown = kCapacityMin;
  while (size_max_for(grown) < size_) {
    grown = capacity_for(size_max_for(grown) + 1, kLoadMaxPercent * 100 / kGrowthPercent);
  }
  if (grown < capacity_) rehash(grown);
}

HashIndex::Probe HashIndex::probe(std::string_view key, uint64_t hash) const {
  assert(capacity_ > 0);
  const uint32_t tag = static_cast<uint32_t>(hash) & ~index_mask_;
  size_t slot = home_of(hash);
  // The load is below 1, so an empty slot ends every chain; the bound only guards the invariant.
  for (size_t probes = 0; probes < capacity_; ++probes) {
    const uint32_t value = slots_[slot];
    if (value == 0) return {slot, false};
    if ((value & ~index_mask_) == tag) {
      const PackedEntry& packed = entries_[entry_index_of(value)];
      if (packed.key_bytes() == key.size() &&
          arena_.view(packed.key_ref, packed.key_bytes()) == key) {
        return {slot, true};
      }
    }
    slot = next_slot(slot);
  }
  assert(false && "hash index slot table has no empty slot");
  return {slot, false};
}

size_t HashIndex::slot_of_entry(size_t entry_index) const {
  size_t slot = home_of(hash_of(key_of(entry_index)));
  for (size_t probes = 0; probes < capacity_; ++probes) {
    const uint32_t value = slots_[slot];
    assert(value != 0 && "an entry has no slot");
    if (entry_index_of(value) == entry_index) return slot;
    slot = next_slot(slot);
  }
  assert(false && "an entry has no slot");
  return slot;
}

std::optional<IndexEntry> HashIndex::find(std::string_view key, uint64_t key_hash) const {
  if (size_ == 0) return std::nullopt;
  const Probe found = probe(key, key_hash);
  if (!found.found) return std::nullopt;
  return entries_[entry_index_of(slots_[found.slot])].unpack();
}

std::optional<IndexEntry> HashIndex::put(std::string_view key, uint64_t hash,
                                         const IndexEntry& entry) {
  assert(key.size() <= kKeyBytesMax && "keys are at most 65,535 bytes");
  assert(index_entry_in_range(entry) && "segment_id < 2^24, offset < 2^40, sequence < 2^48");
  Probe empty{0, false};
  if (size_ > 0) {
    const Probe found = probe(key, hash);
    if (found.found) {
      PackedEntry& packed = entries_[entry_index_of(slots_[found.slot])];
      const IndexEntry replaced = packed.unpack();
      packed.set_location(entry);
      return replaced;
    }
    empty = found;  // where the key's chain ended: its slot, unless the table grows now
  }
  if (size_ + 1 > size_max_) {
    rehash(capacity_ == 0 ? kCapacityMin
                          : capacity_for(size_ + 1, kLoadMaxPercent * 100 / kGrowthPercent));
    empty = probe(key, hash);
  } else if (size_ == 0) {
    empty = probe(key, hash);  // a reserved table, not probed above while empty
  }
  assert(!empty.found && slots_[empty.slot] == 0);
  const uint32_t key_ref = append_key(key);
  entries_.push_back(PackedEntry::pack(key_ref, static_cast<uint16_t>(key.size()), entry));
  slots_[empty.slot] = make_slot(hash, size_);
  ++size_;
  return std::nullopt;
}

std::optional<IndexEntry> HashIndex::erase(std::string_view key, uint64_t key_hash) {
  if (size_ == 0) return std::nullopt;
  const Probe found = probe(key, key_hash);
  if (!found.found) return std::nullopt;
  const size_t erased = entry_index_of(slots_[found.slot]);
  const IndexEntry entry = entries_[erased].unpack();
  arena_.release(entries_[erased].key_bytes());
  remove_slot(found.slot);
  const size_t last = size_ - 1;
  if (erased != last) {
    // Keep the entry array dense: the last entry takes the erased one's place, and the slot
    // that referred to it is repointed (its tag is unchanged).
    const size_t slot = slot_of_entry(last);
    entries_[erased] = entries_[last];
    slots_[slot] = (slots_[slot] & ~index_mask_) | static_cast<uint32_t>(erased + 1);
  }
  entries_.pop_back();
  --size_;
  shrink_if_sparse();
  rebuild_arena_if_mostly_garbage();
  return entry;
}

bool HashIndex::replace_if(std::string_view key, uint64_t key_hash, const IndexEntry& expected,
                           const IndexEntry& replacement) {
  assert(index_entry_in_range(replacement) && "segment_id < 2^24, offset < 2^40, sequence < 2^48");
  if (size_ == 0) return false;
  const Probe found = probe(key, key_hash);
  if (!found.found) return false;
  PackedEntry& packed = entries_[entry_index_of(slots_[found.slot])];
  if (packed.unpack() != expected) return false;
  packed.set_location(replacement);
  return true;
}

size_t HashIndex::memory_bytes() const {
  return sizeof(*this) + capacity_ * sizeof(uint32_t) + entries_.allocated_bytes() +
         arena_.allocated_bytes();
}

void HashIndex::clear() {
  slots_.reset();
  capacity_ = 0;
  size_ = 0;
  size_max_ = 0;
  index_mask_ = 0;
  entries_.clear();
  arena_.clear();
}

void HashIndex::remove_slot(size_t hole) {
  size_t slot = hole;
  for (size_t probes = 0; probes < capacity_; ++probes) {
    slot = next_slot(slot);
    const uint32_t value = slots_[slot];
    if (value == 0) break;
    // A member may move back into the hole unless its home lies cyclically in (hole, slot]:
    // then the hole is before its home and moving it would make it unreachable.
    const size_t home = home_of(hash_of(key_of(entry_index_of(value))));
    const bool home_after_hole =
        hole <= slot ? (hole < home && home <= slot) : (hole < home || home <= slot);
    if (!home_after_hole) {
      slots_[hole] = value;
      hole = slot;
    }
  }
  slots_[hole] = 0;
}

uint32_t HashIndex::append_key(std::string_view key) {
  std::optional<uint32_t> ref = arena_.append(key);
  if (!ref.has_value() && arena_.garbage_bytes() > 0) {
    rebuild_arena();
    ref = arena_.append(key);
  }
  if (!ref.has_value()) abort_arena_full(arena_.live_bytes(), key.size());
  return *ref;
}

void HashIndex::rehash(size_t new_capacity) {
  assert(new_capacity >= kCapacityMin && new_capacity <= kCapacityMax);
  assert(size_max_for(new_capacity) >= size_);
  slots_ = std::make_unique<uint32_t[]>(new_capacity);  // zeroed: all empty
  capacity_ = new_capacity;
  size_max_ = size_max_for(new_capacity);
  index_mask_ = static_cast<uint32_t>((uint64_t{1} << std::bit_width(size_max_)) - 1);
  for (size_t i = 0; i < size_; ++i) {
    const uint64_t hash = hash_of(key_of(i));
    size_t slot = home_of(hash);
    while (slots_[slot] != 0) slot = next_slot(slot);
    slots_[slot] = make_slot(hash, i);
  }
}

void HashIndex::release_slack() {
  arena_.trim_last_page();
  entries_.release_unused_pages();
}

void HashIndex::shrink_if_sparse() {
  if (capacity_ <= kCapacityMin || size_ * 100 >= capacity_ * kShrinkBelowLoadPercent) return;
  const size_t new_capacity = capacity_for(size_, kShrinkToLoadPercent);
  if (new_capacity < capacity_) rehash(new_capacity);
  entries_.release_unused_pages();
}

void HashIndex::rebuild_arena_if_mostly_garbage() {
  if (arena_.garbage_bytes() >= kArenaRebuildGarbageBytesMin &&
      arena_.garbage_bytes() > arena_.live_bytes()) {
    rebuild_arena();
  }
}

void HashIndex::rebuild_arena() {
  KeyArena rebuilt;
  for (size_t i = 0; i < size_; ++i) {
    PackedEntry& packed = entries_[i];
    // Live keys took less space than the old arena's total, so they fit a fresh one unless the
    // old one was full to the last page and held almost no garbage.
    const std::optional<uint32_t> ref =
        rebuilt.append(arena_.view(packed.key_ref, packed.key_bytes()));
    if (!ref.has_value()) abort_arena_full(arena_.live_bytes(), packed.key_bytes());
    packed.key_ref = *ref;
  }
  arena_ = std::move(rebuilt);
}

// --- The image (append_image / from_image) ------------------------------------------------------

namespace {

constexpr size_t kImageHeaderBytes = 8 + 8 + 8 + 4 + 4;
constexpr size_t kImageEntryBytes = 4 + 8 + 8;

}  // namespace

size_t HashIndex::image_bytes() const {
  return kImageHeaderBytes + capacity_ * sizeof(uint32_t) + size_ * kImageEntryBytes +
         arena_.live_bytes();
}

void HashIndex::append_image(std::string& out) const {
  assert(hash_ == nullptr);
  const size_t start = out.size();
  out.resize(start + image_bytes());
  char* at = out.data() + start;
  store_little_endian<uint64_t>(at, capacity_);
  store_little_endian<uint64_t>(at + 8, size_);
  store_little_endian<uint64_t>(at + 16, arena_.live_bytes());
  store_little_endian<uint32_t>(at + 24, index_mask_);
  store_little_endian<uint32_t>(at + 28, 0);
  at += kImageHeaderBytes;
  if constexpr (std::endian::native == std::endian::little) {
    if (capacity_ > 0) std::memcpy(at, slots_.get(), capacity_ * sizeof(uint32_t));
    at += capacity_ * sizeof(uint32_t);
  } else {
    for (size_t slot = 0; slot < capacity_; ++slot, at += sizeof(uint32_t)) {
      store_little_endian<uint32_t>(at, slots_[slot]);
    }
  }
  char* keys = at + size_ * kImageEntryBytes;
  for (size_t i = 0; i < size_; ++i, at += kImageEntryBytes) {
    const PackedEntry& packed = entries_[i];
    store_little_endian<uint32_t>(at, packed.record_bytes);
    store_little_endian<uint64_t>(at + 4, packed.segment_and_offset);
    store_little_endian<uint64_t>(at + 12, packed.sequence_and_key_bytes);
    const std::string_view key = arena_.view(packed.key_ref, packed.key_bytes());
    if (!key.empty()) std::memcpy(keys, key.data(), key.size());
    keys += key.size();
  }
  assert(keys == out.data() + out.size());
}

std::optional<HashIndex> HashIndex::from_image(std::string_view& image, std::string& problem) {
  if (image.size() < kImageHeaderBytes) {
    problem = "the index image is cut short";
    return std::nullopt;
  }
  const char* at = image.data();
  const uint64_t capacity = load_little_endian<uint64_t>(at);
  const uint64_t size = load_little_endian<uint64_t>(at + 8);
  const uint64_t key_bytes = load_little_endian<uint64_t>(at + 16);
  const uint32_t index_mask = load_little_endian<uint32_t>(at + 24);
  const bool empty_table = capacity == 0 && size == 0;
  if (!empty_table && (capacity < kCapacityMin || capacity > kCapacityMax ||
                       size > size_max_for(capacity) || key_bytes > kKeyBytesTotalMax ||
                       index_mask != (uint64_t{1} << std::bit_width(size_max_for(capacity))) - 1)) {
    problem = "the index image has a table of " + std::to_string(capacity) + " slots for " +
              std::to_string(size) + " keys, which no index makes";
    return std::nullopt;
  }
  const uint64_t body = capacity * sizeof(uint32_t) + size * kImageEntryBytes + key_bytes;
  if (image.size() - kImageHeaderBytes < body) {
    problem = "the index image is cut short";
    return std::nullopt;
  }
  at += kImageHeaderBytes;

  HashIndex index;
  if (!empty_table) {
    index.slots_ = std::make_unique_for_overwrite<uint32_t[]>(capacity);
    index.capacity_ = capacity;
    index.size_max_ = size_max_for(capacity);
    index.index_mask_ = index_mask;
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(index.slots_.get(), at, capacity * sizeof(uint32_t));
    } else {
      for (size_t slot = 0; slot < capacity; ++slot) {
        index.slots_[slot] = load_little_endian<uint32_t>(at + slot * sizeof(uint32_t));
      }
    }
    at += capacity * sizeof(uint32_t);
    // Every entry must be named by exactly one slot: count the slots in use and check each
    // names an entry. (Which slot names which entry is the writer's word; a wrong one only
    // makes a key unfindable, and the checksum stands for the writer.)
    size_t used = 0;
    for (size_t slot = 0; slot < capacity; ++slot) {
      const uint32_t value = index.slots_[slot];
      if (value == 0) continue;
      ++used;
      if ((value & index_mask) == 0 || (value & index_mask) > size) used = capacity + 1;
    }
    if (used != size) {
      problem =
          "the index image's slot table does not name its " + std::to_string(size) + " entries";
      return std::nullopt;
    }
  }
  const char* keys = at + size * kImageEntryBytes;
  uint64_t keys_left = key_bytes;
  for (size_t i = 0; i < size; ++i, at += kImageEntryBytes) {
    PackedEntry packed;
    packed.record_bytes = load_little_endian<uint32_t>(at);
    packed.segment_and_offset = load_little_endian<uint64_t>(at + 4);
    packed.sequence_and_key_bytes = load_little_endian<uint64_t>(at + 12);
    const size_t length = packed.key_bytes();
    if (length > keys_left) {
      problem = "the index image's keys are shorter than its entries say";
      return std::nullopt;
    }
    const std::optional<uint32_t> ref = index.arena_.append(std::string_view(keys, length));
    if (!ref.has_value()) {
      problem = "the index image holds more key bytes than an index can";
      return std::nullopt;
    }
    packed.key_ref = *ref;
    index.entries_.push_back(packed);
    keys += length;
    keys_left -= length;
  }
  if (keys_left != 0) {
    problem = "the index image's keys are longer than its entries say";
    return std::nullopt;
  }
  index.size_ = size;
  image.remove_prefix(kImageHeaderBytes + body);
  return index;
}

}  // namespace logkv
