// HashIndex: the in-memory map from each live key to where its newest record is in the log.
//
// Layout (three arrays, no per-key heap allocation):
//   slots    uint32_t[capacity]: open addressing with linear probing. 0 is empty; otherwise the
//            low index_bits hold (entry index + 1) and the high bits hold a tag taken from the
//            key's hash, so a probe skips most non-matching slots without touching an entry.
//   entries  EntryPages of 24-byte PackedEntry {key_ref, record_bytes, segment|offset,
//            sequence|key_bytes}, dense: entry i for i < size(). Erase moves the last entry into
//            the hole, so the array never has gaps.
//   keys     KeyArena: key bytes back to back, no per-key header (the length is in the entry).
// The home slot of a key is fastrange(hash >> 32, capacity) = ((hash >> 32) * capacity) >> 32,
// which allows any capacity, so growth is 1.3x instead of 2x. Deletion shifts later members of
// the probe chain backwards (no tombstones), recomputing their hashes from the arena; rehashing
// on growth does the same, so no hash is stored beyond the tag.
//
// Memory per key (overhead = memory_bytes() minus the key bytes):
//   entry 24 + slots 4 / load. The table grows at load 0.85 to 1.3x capacity, so load stays in
//   [0.85 / 1.3, 0.85] = [0.654, 0.85] while growing: 4.7 to 6.1 bytes of slots per key, hence
//   28.7 to 30.1 bytes per key. On top comes slack: at most one partly filled entry page
//   (96 KiB) and one partly filled key page (1 MiB), i.e. at most 1.2 bytes per key at
//   1,000,000 keys; and garbage from erased keys, at most the live key bytes (or 64 KiB) before
//   the arena is rebuilt. So at 1,000,000 keys without erases the overhead is at most 31.3 bytes
//   per key (measured: 29.0 for 16-byte keys). Small indexes pay relatively more: the last page
//   of each array grows by doubling, so just past a power of two (e.g. 1,025 keys) up to
//   24 bytes plus the key length per key are allocated but unused, in absolute terms at most
//   1.1 MiB. After mass erases the slot table shrinks (below load 0.2, back to load 0.6).
//   For scale: Bitcask's keydir costs about 91 bytes per key plus the key.
//
// Limits: keys of at most 65,535 bytes; at most 4 GiB of key bytes in the arena (kKeyBytesTotalMax,
// including not yet reclaimed garbage). The store must keep keys_max * key_bytes_max below it.
//
// Thread-safety: none inside. Const methods (find, for_each, size, memory_bytes, ...) only read
// and may run concurrently with each other; any mutation needs exclusive access. The store
// wraps the index in a std::shared_mutex for exactly that.
// Durability: none in itself; the store rebuilds it at open from the index checkpoint
// (index/index_checkpoint.h, through append_image/from_image), hint files or the log.
// Failure: contract violations (field out of range, key over 65,535 bytes) are caught by assert;
// running out of arena space (more than kKeyBytesTotalMax) terminates the process with a
// message, since put() has no error path; allocation failure terminates like any container.
#ifndef LOGKV_INDEX_HASH_INDEX_H_
#define LOGKV_INDEX_HASH_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "index/entry_pages.h"
#include "index/index_entry.h"
#include "index/key_arena.h"

namespace logkv {

class HashIndex {
 public:
  using HashFunction = uint64_t (*)(std::string_view key);

  static constexpr size_t kKeyBytesMax = KeyArena::kKeyBytesMax;
  static constexpr uint64_t kKeyBytesTotalMax =
      uint64_t{KeyArena::kPagesMax} * KeyArena::kPageBytes;

  // Sizes the slot table so that `expected_keys` keys fit without a resize. 0 allocates nothing
  // until the first put().
  explicit HashIndex(size_t expected_keys = 0);
  // For tests: hashes keys with `hash` instead of XXH3_64bits, e.g. a constant to force every
  // key onto the same home slot and tag.
  HashIndex(size_t expected_keys, HashFunction hash);

  HashIndex(const HashIndex&) = delete;
  HashIndex& operator=(const HashIndex&) = delete;
  HashIndex(HashIndex&&) = default;
  HashIndex& operator=(HashIndex&&) = default;

  // The hash that the default-constructed index uses for `key` (XXH3_64bits). A caller that
  // needs a key's hash anyway (KeyDirectory picks the shard from it) passes it to the overloads
  // below that take `key_hash`, so that a key is hashed once per operation. HashIndex uses the
  // top 32 bits (home slot) and bits above the entry-index bits of the low 32 (tag), never the
  // low 4 bits, so a caller may use those for itself without correlating with the slots.
  static uint64_t default_hash(std::string_view key);
  static constexpr int kHashLowBitsUnused = 4;
  // The hash this index uses for `key`: default_hash() unless built with a test function.
  uint64_t hash_of(std::string_view key) const;

  // Inserts or replaces; returns the entry it replaced, if any.
  // Preconditions (asserted): key.size() <= kKeyBytesMax and index_entry_in_range(entry).
  std::optional<IndexEntry> put(std::string_view key, const IndexEntry& entry) {
    return put(key, hash_of(key), entry);
  }
  // Precondition for every `key_hash` overload: key_hash == hash_of(key). Not asserted: checking
  // would hash every key twice, which is what the overloads exist to avoid.
  std::optional<IndexEntry> put(std::string_view key, uint64_t key_hash, const IndexEntry& entry);

  std::optional<IndexEntry> find(std::string_view key) const { return find(key, hash_of(key)); }
  std::optional<IndexEntry> find(std::string_view key, uint64_t key_hash) const;
  bool contains(std::string_view key) const { return find(key).has_value(); }

  // Removes the key; returns its entry, if it was there.
  std::optional<IndexEntry> erase(std::string_view key) { return erase(key, hash_of(key)); }
  std::optional<IndexEntry> erase(std::string_view key, uint64_t key_hash);

  // Replaces the key's entry only if it still equals `expected`, so that compaction moving a
  // record loses against a concurrent overwrite. Returns whether it replaced. A missing key is
  // not replaced. Precondition (asserted): index_entry_in_range(replacement).
  bool replace_if(std::string_view key, const IndexEntry& expected, const IndexEntry& replacement) {
    return replace_if(key, hash_of(key), expected, replacement);
  }
  bool replace_if(std::string_view key, uint64_t key_hash, const IndexEntry& expected,
                  const IndexEntry& replacement);

  // Hints the CPU to fetch the home slot of a key with hash `key_hash` (hash_of(key)) into the
  // cache. A bulk load issues it for a batch of keys ahead of their puts, so that the slot
  // misses of the batch overlap instead of stalling one after another. No effect on contents.
  // Always inlined: GCC deems a call that only prefetches free of effects and deletes it.
  [[gnu::always_inline]] void prefetch(uint64_t key_hash) const {
    if (capacity_ > 0) __builtin_prefetch(&slots_[home_of(key_hash)]);
  }

  // Sizes the slot table once so that the index holds `keys` keys without growing (at the
  // highest load growth allows, so the table is no larger than growing to `keys` would leave
  // it). Never shrinks the table; a no-op when `keys` fit already. For bulk loads whose key
  // count is known up front: growing by 1.3x rehashes ~20 times on the way to a million keys.
  void reserve(size_t keys);
  // Undoes an overestimated reserve(): when the table is larger than the one that put() alone
  // would have grown to for the current keys, shrinks it to exactly that size (an empty index
  // frees everything). Costs a rehash then; otherwise a few dozen arithmetic steps.
  void shrink_to_growth_load();
  // Gives back the unused ends of the last key page and the last entry page (the next put grows
  // them again). For the end of a bulk load: at a million keys in 16 shards that slack was about
  // 4 bytes per key.
  void release_slack();

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Sum of the lengths of the live keys.
  size_t key_bytes() const { return arena_.live_bytes(); }
  // Bytes of erased keys (and unusable page tails) still held in the key arena; reclaimed once
  // they exceed both the live key bytes and 64 KiB.
  size_t key_garbage_bytes() const { return arena_.garbage_bytes(); }
  // Bytes this index holds: the object, the slot table, entry pages and key pages (allocated
  // capacity, touched or not, including garbage and slack).
  size_t memory_bytes() const;
  // Slots in the table (for tests and stats).
  size_t capacity() const { return capacity_; }

  // Calls fn(std::string_view key, const IndexEntry&) for every key, in no particular order.
  // fn must not modify the index. The key view is valid until the next mutation.
  template <typename Fn>
  void for_each(Fn&& fn) const {
    for (size_t i = 0; i < size_; ++i) {
      const PackedEntry& packed = entries_[i];
      const IndexEntry entry = packed.unpack();
      fn(arena_.view(packed.key_ref, packed.key_bytes()), entry);
    }
  }

  // Removes every key and frees all memory.
  void clear();

  // The index as bytes, for the index checkpoint (index/index_checkpoint.h), appended to `out`:
  //   u64 capacity | u64 size | u64 key_bytes | u32 index_mask | u32 reserved (0) |
  //   u32 slot[capacity] | entry[size] | key bytes
  // with entry = u32 record_bytes | u64 segment_and_offset | u64 sequence_and_key_bytes
  // (PackedEntry without key_ref), keys back to back in entry order, all little-endian. The slot
  // table is kept as it is, so that loading does not hash a single key; it is only meaningful
  // with default_hash(). Precondition (asserted): built without a test hash function.
  void append_image(std::string& out) const;
  // The bytes append_image() writes for this index.
  size_t image_bytes() const;
  // Rebuilds an index from the image at the front of `image` and advances `image` past it. The
  // checkpoint's checksum has vouched for the bytes; this checks what a wrong writer could get
  // wrong (sizes that do not fit, a slot naming no entry, key lengths that do not add up) and
  // returns nullopt with `problem` set then.
  static std::optional<HashIndex> from_image(std::string_view& image, std::string& problem);

 private:
  struct Probe {
    size_t slot;  // the slot holding the key, or the empty slot where it would go
    bool found;
  };

  size_t home_of(uint64_t hash) const {
    return static_cast<size_t>(((hash >> 32) * capacity_) >> 32);
  }
  size_t next_slot(size_t slot) const { return slot + 1 == capacity_ ? 0 : slot + 1; }
  uint32_t make_slot(uint64_t hash, size_t entry_index) const {
    return (static_cast<uint32_t>(hash) & ~index_mask_) | static_cast<uint32_t>(entry_index + 1);
  }
  size_t entry_index_of(uint32_t slot_value) const { return (slot_value & index_mask_) - 1; }
  std::string_view key_of(size_t entry_index) const {
    const PackedEntry& packed = entries_[entry_index];
    return arena_.view(packed.key_ref, packed.key_bytes());
  }

  // Precondition: capacity_ > 0.
  Probe probe(std::string_view key, uint64_t hash) const;
  // The slot that refers to entry `entry_index`.
  size_t slot_of_entry(size_t entry_index) const;
  // Empties `hole` and shifts the rest of its probe chain back over it.
  void remove_slot(size_t hole);
  uint32_t append_key(std::string_view key);
  void rehash(size_t new_capacity);
  void shrink_if_sparse();
  void rebuild_arena_if_mostly_garbage();
  void rebuild_arena();

  HashFunction hash_ = nullptr;  // nullptr: XXH3_64bits
  std::unique_ptr<uint32_t[]> slots_;
  size_t capacity_ = 0;
  size_t size_ = 0;
  size_t size_max_ = 0;      // grow before size_ would exceed this
  uint32_t index_mask_ = 0;  // slot bits holding entry index + 1; the rest is the tag
  EntryPages entries_;
  KeyArena arena_;
};

}  // namespace logkv

#endif  // LOGKV_INDEX_HASH_INDEX_H_
