#include "index/key_arena.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace logkv {

namespace {

size_t round_up(size_t bytes, size_t multiple) {
  return (bytes + multiple - 1) / multiple * multiple;
}

}  // namespace

std::optional<uint32_t> KeyArena::append_to_new_space(std::string_view key) {
  if (key.empty()) return uint32_t{0};
  if (pages_.empty() || last_page_used_ + key.size() > kPageBytes) {
    if (pages_.size() == kPagesMax) return std::nullopt;
    if (!pages_.empty()) {
      // The tail of the full page is never used; counting it as garbage lets a rebuild
      // reclaim it like the bytes of erased keys.
      const size_t skipped = kPageBytes - last_page_used_;
      used_bytes_ += skipped;
      garbage_bytes_ += skipped;
    }
    const size_t capacity = std::max(kFirstPageBytes, std::bit_ceil(key.size()));
    pages_.push_back(std::make_unique_for_overwrite<char[]>(capacity));
    last_page_capacity_ = capacity;
    last_page_used_ = 0;
  } else if (last_page_used_ + key.size() > last_page_capacity_) {
    // Doubling up to the first page size, then steps of a quarter: the unused end of the last
    // page (the arena's slack) stays under a fifth of it instead of up to half. Each index
    // shard has a last page, so this slack counts many times over.
    const size_t needed = last_page_used_ + key.size();
    const size_t grown =
        last_page_capacity_ < kGrowthStepMin
            ? std::bit_ceil(needed)
            : round_up(std::max(needed, last_page_capacity_ / 4 * 5), kFirstPageBytes);
    resize_last_page(std::min(kPageBytes, grown));
  }
  const auto ref = static_cast<uint32_t>(((pages_.size() - 1) << kPageBytesLog2) | last_page_used_);
  std::memcpy(pages_.back().get() + last_page_used_, key.data(), key.size());
  last_page_used_ += key.size();
  used_bytes_ += key.size();
  return ref;
}

void KeyArena::clear() {
  pages_.clear();
  pages_.shrink_to_fit();
  last_page_capacity_ = 0;
  last_page_used_ = 0;
  used_bytes_ = 0;
  garbage_bytes_ = 0;
}

size_t KeyArena::allocated_bytes() const {
  size_t bytes = pages_.capacity() * sizeof(pages_[0]);
  if (!pages_.empty()) bytes += (pages_.size() - 1) * kPageBytes + last_page_capacity_;
  return bytes;
}

void KeyArena::trim_last_page() {
  if (pages_.empty() || last_page_capacity_ == last_page_used_) return;
  resize_last_page(last_page_used_);
}

void KeyArena::resize_last_page(size_t bytes) {
  assert(!pages_.empty() && bytes >= last_page_used_ && bytes <= kPageBytes);
  auto page = std::make_unique_for_overwrite<char[]>(bytes);
  std::memcpy(page.get(), pages_.back().get(), last_page_used_);
  pages_.back() = std::move(page);
  last_page_capacity_ = bytes;
}

}  // namespace logkv
