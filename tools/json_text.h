// The tool's JSON, read and written through nlohmann-json: the shapes the multi-key commands
// (set-many, get-many, delete-many) and `logkv load` exchange, and JSON string literals for
// everything the tool prints as JSON.
//
// Only two shapes are read: an object whose values are all strings, and an array of strings.
// Input must be RFC 8259 JSON in UTF-8 (nlohmann's strict parser: no comments, no trailing
// commas, no single quotes, control characters escaped, \u escapes with surrogates in valid
// pairs, nothing but whitespace after the value). A name (or array element) that appears twice
// is refused, since its meaning would be ambiguous. Errors are kInvalidArgument naming the byte
// offset and what was wrong there.
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
// UTF-8 (check with first_invalid_utf8_offset); '"', '\\' and control characters are escaped,
// other bytes copied as they are.
void append_json_string(std::string& out, std::string_view text);

}  // namespace logkv::tool

#endif  // LOGKV_TOOLS_JSON_TEXT_H_
