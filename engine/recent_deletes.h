// RecentDeletes: the newest delete of any key in each of a few thousand hash buckets, so that a
// compare-and-swap that saw its key absent can tell whether the key was set and deleted again
// since (A -> B -> A for an absent key, which has no record to carry a version).
//
// A bucket holds the highest sequence of a delete staged for any key hashing to it. A swap with
// a token taken while its key was absent at sequence S is refused when the key's bucket is newer
// than S: its key, or another of the bucket, was deleted since. Sharing a bucket, or a delete
// whose group then failed, can only refuse a swap that could have gone through, never let one
// through that must not: the caller retries with the fresh token it gets back. At open every
// bucket starts at the newest recovered sequence, so a token from before the open is refused
// when anything was written after it, rather than trusted.
//
// Thread-safety: none inside; the store touches it only under its writer lock (from the group
// commit's leader).
#ifndef LOGKV_ENGINE_RECENT_DELETES_H_
#define LOGKV_ENGINE_RECENT_DELETES_H_

#include <array>
#include <cstddef>
#include <cstdint>

namespace logkv {

class RecentDeletes {
 public:
  static constexpr size_t kBuckets = 4096;  // 32 KiB

  // Every bucket starts at `sequence` (the newest sequence in the store at open).
  void reset(uint64_t sequence) { buckets_.fill(sequence); }

  void note_delete(uint64_t key_hash, uint64_t sequence) {
    uint64_t& bucket = buckets_[bucket_of(key_hash)];
    if (sequence > bucket) bucket = sequence;
  }

  // Whether a key with hash `key_hash` may have been deleted after `sequence`.
  bool deleted_after(uint64_t key_hash, uint64_t sequence) const {
    return buckets_[bucket_of(key_hash)] > sequence;
  }

 private:
  // High bits: the low ones pick the key directory's shard.
  static size_t bucket_of(uint64_t key_hash) { return (key_hash >> 40) % kBuckets; }

  std::array<uint64_t, kBuckets> buckets_{};
};

}  // namespace logkv

#endif  // LOGKV_ENGINE_RECENT_DELETES_H_
