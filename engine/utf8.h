// Strict UTF-8 validation for keys.
#ifndef LOGKV_ENGINE_UTF8_H_
#define LOGKV_ENGINE_UTF8_H_

#include <cstddef>
#include <optional>
#include <string_view>

namespace logkv {

// Returns the byte offset of the first byte that makes `text` invalid UTF-8 (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF, no truncated sequences), or nullopt
// when all of it is valid.
std::optional<size_t> first_invalid_utf8_offset(std::string_view text);

}  // namespace logkv

#endif  // LOGKV_ENGINE_UTF8_H_
