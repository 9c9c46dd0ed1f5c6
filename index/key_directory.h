// KeyDirectory: the store's index from key to newest record, split into lock-striped shards.
//
// Each shard is a HashIndex behind its own reader-writer lock, on its own cache line, so that
// readers of different keys do not contend on one lock word and a writer blocks only readers of
// keys in the same shard, and only for the index update (never for disk I/O).
//
// Thread-safety: every method may be called from any thread. Mutations must additionally be
// serialised by the caller (the store's writer lock): `find_unlocked_by_writer` relies on it.
// The exception is the `*_for_recovery` bulk path, which takes no lock at all: see there.
#ifndef LOGKV_INDEX_KEY_DIRECTORY_H_
#define LOGKV_INDEX_KEY_DIRECTORY_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "index/hash_index.h"

namespace logkv {

class KeyDirectory {
 public:
  static constexpr size_t kShards = 16;
  // The shard comes from low hash bits that HashIndex leaves unused, so that within a shard the
  // slots stay as evenly spread as in a lone index.
  static_assert(kShards <= size_t{1} << HashIndex::kHashLowBitsUnused);

  explicit KeyDirectory(size_t expected_keys = 0);

  // The hash every method derives a key's shard and slot from; computed once per key.
  static uint64_t hash_key(std::string_view key) { return HashIndex::default_hash(key); }
  // The shard of a key with hash `key_hash`, in [0, kShards).
  static size_t shard_of(uint64_t key_hash) { return key_hash & (kShards - 1); }

  // Calls fn(const IndexEntry&) while holding the key's shard lock shared, if the key is
  // present, and returns its result; nullopt when absent. Holding the lock while `fn` reads the
  // record is what keeps the record's segment alive (compaction swaps entries under the lock).
  template <typename Fn>
  auto with_entry(std::string_view key, Fn&& fn) const
      -> std::optional<decltype(fn(std::declval<const IndexEntry&>()))> {
    const uint64_t key_hash = hash_key(key);
    const Shard& shard = shards_[shard_of(key_hash)];
    std::shared_lock lock(shard.mutex);
    std::optional<IndexEntry> entry = shard.index.find(key, key_hash);
    if (!entry) return std::nullopt;
    return fn(*entry);
  }

  std::optional<IndexEntry> find(std::string_view key) const;

  // For the single writer: a lookup without the shard lock. Safe because only the writer
  // mutates, and concurrent readers do not.
  std::optional<IndexEntry> find_unlocked_by_writer(std::string_view key) const;

  // Mutations (writer only). Return the entry replaced or removed, if any.
  std::optional<IndexEntry> put(std::string_view key, const IndexEntry& entry);
  std::optional<IndexEntry> erase(std::string_view key);
  // Compaction's swap: replaces the key's entry with `replacement` only if it still equals
  // `expected` (a concurrent overwrite or delete wins), under the shard's lock, so that a reader
  // sees either entry whole. Returns whether it replaced. Writer only, like put().
  bool replace_if(std::string_view key, const IndexEntry& expected, const IndexEntry& replacement);

  // Bulk loading while a store opens, before any other thread can reach the directory. No
  // locks are taken and size() is not maintained until finish_recovery(), which recovery calls
  // once at the end. Calls for keys of different shards (shard_of) may run on different threads
  // at once, since shards share nothing; calls for one shard must not overlap. `key_hash` must
  // be hash_key(key). Never call these on a directory that a store already serves.
  //
  // reserve_for_recovery sizes every shard for about `keys` keys in all (an upper bound is
  // fine: the shards are sized for their expected share plus a few standard deviations).
  void reserve_for_recovery(size_t keys);
  std::optional<IndexEntry> put_for_recovery(std::string_view key, uint64_t key_hash,
                                             const IndexEntry& entry) {
    return shards_[shard_of(key_hash)].index.put(key, key_hash, entry);
  }
  std::optional<IndexEntry> erase_for_recovery(std::string_view key, uint64_t key_hash) {
    return shards_[shard_of(key_hash)].index.erase(key, key_hash);
  }
  std::optional<IndexEntry> find_for_recovery(std::string_view key, uint64_t key_hash) const {
    return shards_[shard_of(key_hash)].index.find(key, key_hash);
  }
  // Always inlined, like HashIndex::prefetch.
  [[gnu::always_inline]] void prefetch_for_recovery(uint64_t key_hash) const {
    shards_[shard_of(key_hash)].index.prefetch(key_hash);
  }
  // Ends the bulk load: recounts size() and gives back what reserve_for_recovery() reserved
  // beyond what growth would have left (HashIndex::shrink_to_growth_load) and the unused ends of
  // each shard's last pages (HashIndex::release_slack).
  void finish_recovery();
  // Empties a directory a failed recovery left half filled, so that recovery can run again
  // (a read-only open retries when a writer's compaction removed a file it listed).
  void clear_for_recovery();

  // For the index checkpoint (index/index_checkpoint.h). append_image() appends every shard's
  // HashIndex::append_image, in shard order, each under its shard's shared lock; the caller
  // keeps the directory from changing meanwhile (the writer lock). image_bytes() is what it
  // appends. load_shard_image_for_recovery() replaces shard `shard`'s index with the image at
  // the front of `image` and advances past it: the bulk-load path, with its rules (above).
  void append_image(std::string& out) const;
  size_t image_bytes() const;
  bool load_shard_image_for_recovery(size_t shard, std::string_view& image, std::string& problem);

  size_t size() const { return size_.load(std::memory_order_relaxed); }
  size_t memory_bytes() const;
  std::vector<std::string> keys() const;

  // Calls fn(std::string_view key) for every key, one shard at a time under that shard's shared
  // lock, in no particular order. A key that is present throughout is visited exactly once; one
  // added or removed meanwhile may or may not be. `fn` must not call into the directory.
  template <typename Fn>
  void for_each_key(Fn&& fn) const {
    for (const Shard& shard : shards_) {
      std::shared_lock lock(shard.mutex);
      shard.index.for_each([&fn](std::string_view key, const IndexEntry&) { fn(key); });
    }
  }

 private:
  struct alignas(64) Shard {
    mutable std::shared_mutex mutex;
    HashIndex index;
    // Sized ahead (the constructor, reserve_for_recovery) for more keys than it may get: for
    // finish_recovery() to trim. Recovery path only.
    bool reserved = false;
  };

  std::array<Shard, kShards> shards_;
  std::atomic<size_t> size_{0};
};

}  // namespace logkv

#endif  // LOGKV_INDEX_KEY_DIRECTORY_H_
