#include "tools/jsonl_records.h"

#include <cstdio>
#include <utility>
#include <vector>

#include "tools/base64_text.h"
#include "tools/json_text.h"

namespace logkv::tool {

std::string format_jsonl_record(std::string_view key, std::string_view value) {
  std::string line = "{\"key\":";
  append_json_string(line, key);
  line += ",\"value_b64\":\"";
  line += encode_base64(value);  // the base64 alphabet needs no JSON escaping
  line += "\"}\n";
  return line;
}

std::string format_jsonl_key(std::string_view key) {
  std::string line = "{\"key\":";
  append_json_string(line, key);
  line += "}\n";
  return line;
}

std::string escape_text(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7F && byte != '\\') {
      escaped += c;
    } else {
      char code[5];
      std::snprintf(code, sizeof code, "\\x%02x", byte);
      escaped += code;
    }
  }
  return escaped;
}

std::string format_text_record(std::string_view key, const std::string* value) {
  std::string line = escape_text(key);
  if (value != nullptr) {
    line += '\t';
    line += escape_text(*value);
  }
  line += '\n';
  return line;
}

namespace {

std::string_view kind_name(LogRecordKind kind) {
  return kind == LogRecordKind::kDelete ? "delete" : "set";
}

}  // namespace

std::string format_log_record_jsonl(const LogRecord& record, bool with_value) {
  std::string line = "{\"segment\":" + std::to_string(record.segment_id) +
                     ",\"offset\":" + std::to_string(record.offset) +
                     ",\"sequence\":" + std::to_string(record.sequence) + ",\"kind\":\"" +
                     std::string(kind_name(record.kind)) +
                     "\",\"batch_continues\":" + (record.batch_continues ? "true" : "false") +
                     ",\"key\":";
  append_json_string(line, record.key);
  if (with_value) {
    line += ",\"value_b64\":\"";
    line += encode_base64(record.value);
    line += '"';
  }
  line += "}\n";
  return line;
}

std::string format_log_record_text(const LogRecord& record, bool with_value) {
  std::string line =
      std::to_string(record.segment_id) + '\t' + std::to_string(record.offset) + '\t' +
      std::to_string(record.sequence) + '\t' + std::string(kind_name(record.kind)) +
      (record.batch_continues ? "\tbatch-continues\t" : "\t-\t") + escape_text(record.key);
  if (with_value) {
    line += '\t';
    line += escape_text(record.value);
  }
  line += '\n';
  return line;
}

Result<JsonlRecord> parse_jsonl_record(std::string_view line) {
  Result<std::vector<std::pair<std::string, std::string>>> members = parse_json_string_object(line);
  if (!members.is_ok()) return members.status();
  JsonlRecord record;
  bool have_key = false;
  bool have_value = false;
  for (auto& [name, text] : *members) {
    if (name == "key") {
      record.key = std::move(text);
      have_key = true;
    } else if (name == "value_b64") {
      Result<std::string> value = decode_base64(text);
      if (!value.is_ok()) {
        return Status::invalid_argument("\"value_b64\": " + value.status().message());
      }
      record.value = std::move(value).value();
      have_value = true;
    } else {
      std::string quoted;
      append_json_string(quoted, name);
      return Status::invalid_argument("unknown member " + quoted +
                                      " (a line holds only \"key\" and \"value_b64\")");
    }
  }
  if (!have_key) return Status::invalid_argument("the line has no \"key\"");
  if (!have_value) {
    return Status::invalid_argument(
        "the line has no \"value_b64\" (a `dump --keys-only` line cannot be loaded)");
  }
  return record;
}

}  // namespace logkv::tool
