// logkv::ValueView: a stored value read without copying it (Store::get_view).
//
// The bytes are the store's own: with the POSIX file system, the part of the segment file's
// memory mapping that holds the value. The view keeps that mapping alive (by reference, with
// the open file) for as long as it or a copy of it exists, also after compaction has deleted
// the segment and after the store is closed, so bytes() never dangles. It holds no lock: a view
// kept for a long time blocks no reader or writer, but the disk space of a segment that
// compaction deleted meanwhile is freed only when the last view into it is gone. Where the
// store cannot map (an in-memory store, a file system without mappings) the view owns a copy.
//
// A view shows the value as it was when get_view read it; a later set or delete of the key does
// not change it. The bytes must not be written to.
//
// Thread-safety: a ValueView is a value type; distinct views (copies included) may be used and
// destroyed on different threads at once.
#ifndef LOGKV_VALUE_VIEW_H_
#define LOGKV_VALUE_VIEW_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace logkv {

class ValueView {
 public:
  // An empty value that pins nothing.
  ValueView() = default;
  // `bytes`, kept valid by `owner` for as long as the view or a copy of it lives.
  ValueView(std::shared_ptr<const void> owner, std::string_view bytes)
      : owner_(std::move(owner)), bytes_(bytes) {}
  // A view that owns `value`.
  explicit ValueView(std::string value) {
    auto owned = std::make_shared<const std::string>(std::move(value));
    bytes_ = *owned;
    owner_ = std::move(owned);
  }

  std::string_view bytes() const { return bytes_; }
  const char* data() const { return bytes_.data(); }
  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  // A copy of the bytes that does not pin anything.
  std::string to_string() const { return std::string(bytes_); }

  // Drops the view's hold on the store's memory; bytes() is empty afterwards.
  void reset() {
    owner_.reset();
    bytes_ = {};
  }

 private:
  std::shared_ptr<const void> owner_;
  std::string_view bytes_;
};

}  // namespace logkv

#endif  // LOGKV_VALUE_VIEW_H_
