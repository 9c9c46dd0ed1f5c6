#include "index/entry_pages.h"

#include <algorithm>
#include <bit>

namespace logkv {

void EntryPages::make_room_for_next() {
  const size_t page = size_ >> kEntriesPerPageLog2;
  if (page == pages_.size()) {
    pages_.push_back(std::make_unique_for_overwrite<PackedEntry[]>(kFirstPageEntries));
    last_page_capacity_ = kFirstPageEntries;
  } else {
    assert((size_ & (kEntriesPerPage - 1)) == page_capacity(page));
    resize_last_page(last_page_capacity_ * 2);
  }
}

void EntryPages::pop_back() {
  assert(size_ > 0);
  --size_;
}

void EntryPages::release_unused_pages() {
  const size_t pages_needed = (size_ + kEntriesPerPage - 1) >> kEntriesPerPageLog2;
  if (pages_.size() > pages_needed) {
    pages_.resize(pages_needed);
    last_page_capacity_ = pages_needed == 0 ? 0 : kEntriesPerPage;
  }
  if (pages_.empty()) return;
  const size_t entries_in_last = size_ - ((pages_.size() - 1) << kEntriesPerPageLog2);
  const size_t fitting = std::max(kFirstPageEntries, std::bit_ceil(entries_in_last));
  if (fitting < last_page_capacity_) resize_last_page(fitting);
  pages_.shrink_to_fit();
}

void EntryPages::clear() {
  pages_.clear();
  pages_.shrink_to_fit();
  last_page_capacity_ = 0;
  size_ = 0;
}

size_t EntryPages::allocated_bytes() const {
  size_t entries = 0;
  if (!pages_.empty()) entries = ((pages_.size() - 1) << kEntriesPerPageLog2) + last_page_capacity_;
  return entries * sizeof(PackedEntry) + pages_.capacity() * sizeof(pages_[0]);
}

void EntryPages::resize_last_page(size_t entries) {
  assert(!pages_.empty() && entries <= kEntriesPerPage);
  const size_t entries_in_last = size_ - ((pages_.size() - 1) << kEntriesPerPageLog2);
  assert(entries >= entries_in_last);
  auto page = std::make_unique_for_overwrite<PackedEntry[]>(entries);
  std::copy_n(pages_.back().get(), entries_in_last, page.get());
  pages_.back() = std::move(page);
  last_page_capacity_ = entries;
}

}  // namespace logkv
