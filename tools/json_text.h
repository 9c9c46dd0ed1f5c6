// A small, strict JSON reader and writer for the tool's multi-key commands (set-many, get-many,
// delete-many), which exchange keys and values as JSON text.
//
// Only the shapes those commands use are read: an object whose values are all strings, and an
// array of strings. Input must be RFC 8259 JSON in UTF-8: no comments, no trailing commas, no
// single quotes, control characters escaped, \u escapes with surrogates in valid pairs, nothing
// but whitespace after the value. A name (or array element) that appears twice is refused, since
// its meaning would be ambiguous. Errors are kInvalidArgument naming the byte offset and what
// was expected there.
//
// Thread-safety: pure functions.
#ifndef LOGKV_TOOLS_JSON_TEXT_H_
#define LOGKV_TOOLS_JSON_TEXT_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "logkv/status.h"

namespace logkv::tool {

// {"name": "text", ...} -> the pairs, in input order.
Result<std::vector<std::pair<std::string, std::string>>> parse_json_string_object(
    std::string_view json);

// ["text", ...] -> the strings, in input order.
Result<std::vector<std::string>> parse_json_string_array(std::string_view json);

// Appends `text` as a JSON string literal (quotes included). Precondition: `text` is valid
// UTF-8; bytes are copied as they are, with '"', '\\' and control characters escaped.
void append_json_string(std::string& out, std::string_view text);

}  // namespace logkv::tool

#endif  // LOGKV_TOOLS_JSON_TEXT_H_
