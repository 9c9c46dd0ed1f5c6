#include "bench/json_writer.h"

#include <cmath>
#include <cstdio>

namespace logkv::bench {

void JsonWriter::newline() {
  out_.push_back('\n');
  out_.append(2 * container_has_items_.size(), ' ');
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (container_has_items_.empty()) return;
  if (container_has_items_.back()) out_.push_back(',');
  container_has_items_.back() = true;
  newline();
}

void JsonWriter::begin_object() {
  before_value();
  out_.push_back('{');
  container_has_items_.push_back(false);
}

void JsonWriter::end_object() {
  const bool had_items = container_has_items_.back();
  container_has_items_.pop_back();
  if (had_items) newline();
  out_.push_back('}');
}

void JsonWriter::begin_array() {
  before_value();
  out_.push_back('[');
  container_has_items_.push_back(false);
}

void JsonWriter::end_array() {
  const bool had_items = container_has_items_.back();
  container_has_items_.pop_back();
  if (had_items) newline();
  out_.push_back(']');
}

void JsonWriter::key(std::string_view name) {
  value(name);
  out_.append(": ");
  after_key_ = true;
}

void JsonWriter::value(std::string_view text) {
  before_value();
  out_.push_back('"');
  for (const char c : text) {
    switch (c) {
      case '"':
        out_.append("\\\"");
        break;
      case '\\':
        out_.append("\\\\");
        break;
      case '\n':
        out_.append("\\n");
        break;
      case '\t':
        out_.append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof(escaped), "\\u%04x", static_cast<unsigned char>(c));
          out_.append(escaped);
        } else {
          out_.push_back(c);
        }
    }
  }
  out_.push_back('"');
}

void JsonWriter::value(double number) {
  if (!std::isfinite(number)) {
    null();
    return;
  }
  before_value();
  char text[32];
  std::snprintf(text, sizeof(text), "%.10g", number);
  out_.append(text);
}

void JsonWriter::value(uint64_t number) {
  before_value();
  out_.append(std::to_string(number));
}

void JsonWriter::value(bool flag) {
  before_value();
  out_.append(flag ? "true" : "false");
}

void JsonWriter::null() {
  before_value();
  out_.append("null");
}

}  // namespace logkv::bench
