#include "wal/verified_records.h"

#include <cassert>

namespace logkv {

void VerifiedRecords::insert(uint64_t offset) {
  // The store passes offsets of records it located in a segment, which the format bounds.
  assert(offset <= kSegmentBytesMax);
  std::atomic<uint64_t>* words = words_.load(std::memory_order_acquire);
  if (words == nullptr) {
    std::lock_guard lock(allocate_mutex_);
    if (owned_words_ == nullptr) {
      owned_words_ = std::make_unique<std::atomic<uint64_t>[]>(kWords);
      for (size_t i = 0; i < kWords; ++i) owned_words_[i].store(0, std::memory_order_relaxed);
      words_.store(owned_words_.get(), std::memory_order_release);
    }
    words = owned_words_.get();
  }
  const uint64_t bit = offset / kRecordBytesMin;
  words[bit / 64].fetch_or(uint64_t{1} << (bit % 64), std::memory_order_relaxed);
}

}  // namespace logkv
