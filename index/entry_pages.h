// EntryPages: the hash index's dense array of PackedEntry, stored in fixed-size pages.
//
// A single growable array would keep up to half its capacity as slack after each doubling
// (12 bytes per key at worst with 24-byte entries). Pages bound the slack to one partly filled
// page: every page holds kEntriesPerPage entries when full, and only the last page is partial.
// The last page itself grows by doubling from kFirstPageEntries, so a small index (a store with
// the default 1,024-key limit) does not pay for a whole page.
//
// Thread-safety: const methods only read and may run concurrently; others need exclusive access.
// Failure: allocation failure terminates (std::bad_alloc is not caught), like any container.
#ifndef LOGKV_INDEX_ENTRY_PAGES_H_
#define LOGKV_INDEX_ENTRY_PAGES_H_

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "index/index_entry.h"

namespace logkv {

class EntryPages {
 public:
  static constexpr int kEntriesPerPageLog2 = 12;
  static constexpr size_t kEntriesPerPage = size_t{1} << kEntriesPerPageLog2;  // 96 KiB
  static constexpr size_t kFirstPageEntries = 64;

  EntryPages() = default;
  EntryPages(const EntryPages&) = delete;
  EntryPages& operator=(const EntryPages&) = delete;
  EntryPages(EntryPages&&) = default;
  EntryPages& operator=(EntryPages&&) = default;

  size_t size() const { return size_; }

  PackedEntry& operator[](size_t index) {
    assert(index < size_);
    return pages_[index >> kEntriesPerPageLog2][index & (kEntriesPerPage - 1)];
  }
  const PackedEntry& operator[](size_t index) const {
    assert(index < size_);
    return pages_[index >> kEntriesPerPageLog2][index & (kEntriesPerPage - 1)];
  }

  void push_back(const PackedEntry& entry) {
    const size_t slot = size_ & (kEntriesPerPage - 1);
    // Inline unless a page must be added or grown: a bulk load pushes an entry per insert.
    if ((size_ >> kEntriesPerPageLog2) == pages_.size() ||
        slot == page_capacity(size_ >> kEntriesPerPageLog2)) {
      make_room_for_next();
    }
    pages_[size_ >> kEntriesPerPageLog2][slot] = entry;
    ++size_;
  }
  // Removes the last entry. Keeps its page: see release_unused_pages().
  void pop_back();
  // Frees pages beyond the one holding the last entry, and trims that one to a power of two
  // that still fits. Called after the index shrinks, not on every pop_back(), so that a put/erase
  // pair at a page boundary does not allocate and free a page each time.
  void release_unused_pages();
  void clear();

  // Bytes allocated for entries and for the page table.
  size_t allocated_bytes() const;

 private:
  // Capacity in entries of page `page`: full for all but the last, which may be smaller.
  size_t page_capacity(size_t page) const {
    return page + 1 == pages_.size() ? last_page_capacity_ : kEntriesPerPage;
  }
  // Adds or grows the last page so that entry size_ has a place.
  void make_room_for_next();
  void resize_last_page(size_t entries);

  std::vector<std::unique_ptr<PackedEntry[]>> pages_;
  size_t last_page_capacity_ = 0;
  size_t size_ = 0;
};

}  // namespace logkv

#endif  // LOGKV_INDEX_ENTRY_PAGES_H_
