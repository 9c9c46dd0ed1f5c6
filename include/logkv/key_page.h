// KeyPage: one page of a key listing, as Store::list_keys returns it.
//
// Thread-safety: a plain value.
#ifndef LOGKV_KEY_PAGE_H_
#define LOGKV_KEY_PAGE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace logkv {

// The most keys one page may ask for.
inline constexpr size_t kListKeysLimitMax = 100000;

struct KeyPage {
  // In byte order (std::string comparison).
  std::vector<std::string> keys;
  // Present when keys after the last one on this page remain: pass it back to list_keys for the
  // next page. Opaque: pass it back unchanged, never build or edit one.
  std::optional<std::string> cursor;
};

}  // namespace logkv

#endif  // LOGKV_KEY_PAGE_H_
