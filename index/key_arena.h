// KeyArena: the bytes of every key in the hash index, packed back to back in 1 MiB pages.
//
// A key is named by a 32-bit reference, (page << 20) | offset, and its length, which the caller
// keeps (the index stores it in its entry). The arena stores no per-key header, so a key costs
// exactly its length. A key never straddles pages: when it does not fit in the rest of the last
// page, that rest is left unused (counted as garbage) and a new page starts. The last page grows
// by doubling from 4 KiB to 64 KiB, then by a quarter at a time, so small indexes hold little
// slack and a large one at most a fifth of its last page; at most one page is partly used.
// trim_last_page() gives the slack back after a bulk load.
//
// Keys are never freed one by one: release() only counts their bytes as garbage, and the owner
// rebuilds the arena (copies the live keys into a fresh one) when garbage dominates. References
// therefore stay valid until the arena is replaced or cleared.
//
// Capacity: 4,096 pages of 1 MiB, i.e. 4 GiB of key bytes including garbage. append() reports
// a full arena by returning no reference.
//
// Thread-safety: const methods only read and may run concurrently; others need exclusive access.
#ifndef LOGKV_INDEX_KEY_ARENA_H_
#define LOGKV_INDEX_KEY_ARENA_H_

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace logkv {

class KeyArena {
 public:
  static constexpr int kPageBytesLog2 = 20;
  static constexpr size_t kPageBytes = size_t{1} << kPageBytesLog2;
  static constexpr size_t kPagesMax = size_t{1} << (32 - kPageBytesLog2);
  static constexpr size_t kFirstPageBytes = 4096;
  // The last page doubles while smaller than this, then grows by a quarter.
  static constexpr size_t kGrowthStepMin = 64 * 1024;
  // The longest key an arena accepts: a page must always be able to take one.
  static constexpr size_t kKeyBytesMax = 65535;
  static_assert(kKeyBytesMax <= kPageBytes);

  KeyArena() = default;
  KeyArena(const KeyArena&) = delete;
  KeyArena& operator=(const KeyArena&) = delete;
  KeyArena(KeyArena&&) = default;
  KeyArena& operator=(KeyArena&&) = default;

  // Copies `key` (at most kKeyBytesMax bytes) into the arena and returns its reference, or
  // nothing when the arena has no room left (4 GiB used, including garbage). An empty key
  // takes no space and gets reference 0.
  // The common case (the key fits the last page) is inline, so that the result stays in
  // registers: index bulk loads append a key per insert.
  std::optional<uint32_t> append(std::string_view key) {
    assert(key.size() <= kKeyBytesMax);
    if (key.empty() || last_page_used_ + key.size() > last_page_capacity_) {
      return append_to_new_space(key);
    }
    const auto ref =
        static_cast<uint32_t>(((pages_.size() - 1) << kPageBytesLog2) | last_page_used_);
    std::memcpy(pages_.back().get() + last_page_used_, key.data(), key.size());
    last_page_used_ += key.size();
    used_bytes_ += key.size();
    return ref;
  }

  // The key stored at `ref` with `key_bytes` bytes, as returned by append().
  std::string_view view(uint32_t ref, size_t key_bytes) const {
    if (key_bytes == 0) return {};
    assert((ref >> kPageBytesLog2) < pages_.size());
    return {pages_[ref >> kPageBytesLog2].get() + (ref & (kPageBytes - 1)), key_bytes};
  }

  // Counts a key's bytes as garbage; the bytes stay readable until the arena is replaced.
  void release(size_t key_bytes) {
    garbage_bytes_ += key_bytes;
    assert(garbage_bytes_ <= used_bytes_);
  }

  void clear();
  // Shrinks the last page to the bytes it holds (the next append grows it again). For the end
  // of a bulk load, when no more keys are expected soon.
  void trim_last_page();

  // Bytes of keys appended and not released.
  size_t live_bytes() const { return used_bytes_ - garbage_bytes_; }
  // Bytes of released keys plus page tails left unused because the next key did not fit.
  size_t garbage_bytes() const { return garbage_bytes_; }
  // Bytes allocated for pages and for the page table.
  size_t allocated_bytes() const;

 private:
  // append() when the key does not fit the last page (or is empty).
  std::optional<uint32_t> append_to_new_space(std::string_view key);
  void resize_last_page(size_t bytes);

  std::vector<std::unique_ptr<char[]>> pages_;
  size_t last_page_capacity_ = 0;
  size_t last_page_used_ = 0;
  size_t used_bytes_ = 0;  // live + garbage, including skipped page tails
  size_t garbage_bytes_ = 0;
};

}  // namespace logkv

#endif  // LOGKV_INDEX_KEY_ARENA_H_
