// Keys as text: the UTF-8 rule every key must follow, and the form keys take in error messages.
//
// Store::set and friends refuse a key that is not valid UTF-8 (Spin's keys are strings); an
// application or tool can check a key, or a value it means to print as text, by the same rule
// before it calls the store.
//
// Thread-safety: pure functions.
#ifndef LOGKV_KEY_TEXT_H_
#define LOGKV_KEY_TEXT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "logkv/export.h"

namespace logkv {

// Returns the byte offset of the first byte that makes `text` invalid UTF-8 (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF, no truncated sequences), or nullopt
// when all of it is valid.
LOGKV_EXPORT std::optional<size_t> first_invalid_utf8_offset(std::string_view text);

// The key as it appears in error messages: quoted, non-printable bytes escaped as \xNN, cut to
// 64 bytes with "..." so that a hostile key cannot flood a log line.
LOGKV_EXPORT std::string printable_key(std::string_view key);

}  // namespace logkv

#endif  // LOGKV_KEY_TEXT_H_
