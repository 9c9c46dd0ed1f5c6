// The lines `logkv dump` writes and `logkv load` reads.
//
// JSON Lines (one JSON object per line, UTF-8, '\n' after each):
//   {"key":"<the key as a JSON string>","value_b64":"<the value in base64>"}
//   {"key":"<the key>"}                                       (dump --keys-only)
// Keys are UTF-8 text (the store refuses any other key), so they are plain JSON strings; values
// are any bytes, so they travel in base64 (RFC 4648 with padding).
//
// The text form (dump --format text) is for people, not for load:
//   <key><TAB><value>
// with every byte outside printable ASCII, and the backslash, written as \xNN, so that each
// record stays on one line with exactly one TAB.
//
// Thread-safety: pure functions.
#ifndef LOGKV_TOOLS_JSONL_RECORDS_H_
#define LOGKV_TOOLS_JSONL_RECORDS_H_

#include <string>
#include <string_view>

#include "logkv/log_records.h"
#include "logkv/status.h"

namespace logkv::tool {

// One line of a dump, '\n' included. Precondition: `key` is valid UTF-8.
std::string format_jsonl_record(std::string_view key, std::string_view value);
std::string format_jsonl_key(std::string_view key);

// `text` with bytes outside printable ASCII (and '\\') escaped as \xNN.
std::string escape_text(std::string_view text);

// One line of the text form, '\n' included; `value` null: the key alone.
std::string format_text_record(std::string_view key, const std::string* value);

// One line of `dump --all-versions` in JSON Lines or text (see dump_load_commands.h);
// `with_value` false leaves the value out (a delete, or --keys-only).
std::string format_log_record_jsonl(const LogRecord& record, bool with_value);
std::string format_log_record_text(const LogRecord& record, bool with_value);

struct JsonlRecord {
  std::string key;
  std::string value;
};

// Reads one line (without its '\n') of a dump. It must be an object with exactly the members
// "key" and "value_b64", both strings, the second valid base64. Errors are kInvalidArgument
// saying what is wrong (the byte offset for JSON errors); the caller adds the line number.
Result<JsonlRecord> parse_jsonl_record(std::string_view line);

}  // namespace logkv::tool

#endif  // LOGKV_TOOLS_JSONL_RECORDS_H_
