// The JSON document the page-view example keeps under the key "app-data":
//   {"views":3,"previous_request":"/goodbye"}
//
// The reader is deliberately strict: the document must be one object holding exactly these two
// members, once each, in either order, with JSON whitespace anywhere JSON allows it (read by
// nlohmann-json). Anything else is refused, a syntax error with its byte offset, because a
// counter silently reset by a lenient parser would lose the data the example exists to keep.
//
// Thread-safety: pure functions. Failure: parse_app_data returns kInvalidArgument and nothing
// else happens.
#ifndef LOGKV_EXAMPLES_APP_DATA_JSON_H_
#define LOGKV_EXAMPLES_APP_DATA_JSON_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "logkv/status.h"

namespace page_views {

// The largest count kept: JavaScript's Number.MAX_SAFE_INTEGER, so that the tutorial's
// TypeScript handler reads the same number this example wrote.
inline constexpr uint64_t kViewsMax = (uint64_t{1} << 53) - 1;

struct AppData {
  uint64_t views = 0;
  std::string previous_request;  // UTF-8
};

// Parses the document. `views` must be an integer in [0, kViewsMax] without sign, fraction,
// exponent or leading zeros; `previous_request` a string whose escapes (including \uXXXX
// surrogate pairs) decode to valid UTF-8.
logkv::Result<AppData> parse_app_data(std::string_view json);

// Writes the document compactly, members in the tutorial's order. Quotes, backslashes and
// control characters are escaped; other UTF-8 is written as is.
// Precondition: data.previous_request is valid UTF-8 (see is_valid_utf8).
std::string format_app_data(const AppData& data);

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or truncated sequences).
bool is_valid_utf8(std::string_view text);

}  // namespace page_views

#endif  // LOGKV_EXAMPLES_APP_DATA_JSON_H_
