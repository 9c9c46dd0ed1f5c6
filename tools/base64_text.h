// Base64 (RFC 4648, standard alphabet, with '=' padding) for the values `logkv dump` writes and
// `logkv load` reads: values are any bytes, and JSON strings carry only text. The codec is
// libsodium's; this file adds the tool's error wording.
//
// Thread-safety: pure functions.
#ifndef LOGKV_TOOLS_BASE64_TEXT_H_
#define LOGKV_TOOLS_BASE64_TEXT_H_

#include <string>
#include <string_view>

#include "logkv/status.h"

namespace logkv::tool {

// The base64 text of `bytes` (empty for empty input).
std::string encode_base64(std::string_view bytes);

// The bytes of `text`. Strict: only the standard alphabet, padding to a multiple of 4, no
// whitespace. Anything else is kInvalidArgument naming the character offset that is wrong.
Result<std::string> decode_base64(std::string_view text);

}  // namespace logkv::tool

#endif  // LOGKV_TOOLS_BASE64_TEXT_H_
