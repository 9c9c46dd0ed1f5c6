#include "tools/json_text.h"

#include <cstdint>
#include <cstdio>
#include <optional>
#include <unordered_set>

#include "logkv/key_text.h"

namespace logkv::tool {
namespace {

// Reads one JSON text left to right; every error names the byte offset it stopped at.
class JsonReader {
 public:
  explicit JsonReader(std::string_view json) : json_(json) {}

  Status error(std::string_view what) const {
    return Status::invalid_argument("JSON input at byte " + std::to_string(position_) + ": " +
                                    std::string(what));
  }

  void skip_whitespace() {
    while (position_ < json_.size() && (json_[position_] == ' ' || json_[position_] == '\t' ||
                                        json_[position_] == '\n' || json_[position_] == '\r')) {
      ++position_;
    }
  }

  // Skips whitespace, then consumes `c` if it is next.
  bool consume(char c) {
    skip_whitespace();
    if (position_ < json_.size() && json_[position_] == c) {
      ++position_;
      return true;
    }
    return false;
  }

  bool at_end() {
    skip_whitespace();
    return position_ == json_.size();
  }

  // A string literal; skips whitespace before it.
  Result<std::string> string(std::string_view what) {
    skip_whitespace();
    if (position_ >= json_.size() || json_[position_] != '"') {
      return error("expected " + std::string(what) + " (a string in double quotes)");
    }
    ++position_;
    std::string text;
    while (true) {
      if (position_ >= json_.size()) return error("the string is not closed");
      const char c = json_[position_];
      if (c == '"') {
        ++position_;
        return text;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        return error("a control character in a string must be escaped (e.g. \\n)");
      }
      if (c != '\\') {
        text += c;
        ++position_;
        continue;
      }
      LOGKV_RETURN_IF_ERROR(escape(text));
    }
  }

 private:
  // At a backslash: appends what the escape stands for.
  Status escape(std::string& text) {
    if (position_ + 1 >= json_.size()) return error("the string ends inside an escape");
    const char kind = json_[position_ + 1];
    position_ += 2;
    switch (kind) {
      case '"':
      case '\\':
      case '/':
        text += kind;
        return Status::ok();
      case 'b':
        text += '\b';
        return Status::ok();
      case 'f':
        text += '\f';
        return Status::ok();
      case 'n':
        text += '\n';
        return Status::ok();
      case 'r':
        text += '\r';
        return Status::ok();
      case 't':
        text += '\t';
        return Status::ok();
      case 'u':
        return unicode_escape(text);
      default:
        position_ -= 1;
        return error("unknown escape; use \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX");
    }
  }

  std::optional<uint32_t> hex4() {
    if (json_.size() - position_ < 4) return std::nullopt;
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = json_[position_ + i];
      value <<= 4;
      if (c >= '0' && c <= '9') {
        value |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        value |= c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        value |= c - 'A' + 10;
      } else {
        return std::nullopt;
      }
    }
    position_ += 4;
    return value;
  }

  // After "\u": one code point, or a surrogate pair written as two escapes.
  Status unicode_escape(std::string& text) {
    std::optional<uint32_t> unit = hex4();
    if (!unit) return error("\\u must be followed by 4 hex digits");
    uint32_t code_point = *unit;
    if (code_point >= 0xDC00 && code_point <= 0xDFFF) {
      return error("\\u escape of a low surrogate without a high surrogate before it");
    }
    if (code_point >= 0xD800 && code_point <= 0xDBFF) {
      if (json_.substr(position_, 2) != "\\u") {
        return error("\\u escape of a high surrogate must be followed by a low surrogate");
      }
      position_ += 2;
      std::optional<uint32_t> low = hex4();
      if (!low || *low < 0xDC00 || *low > 0xDFFF) {
        return error("\\u escape of a high surrogate must be followed by a low surrogate");
      }
      code_point = 0x10000 + ((code_point - 0xD800) << 10) + (*low - 0xDC00);
    }
    append_utf8(text, code_point);
    return Status::ok();
  }

  static void append_utf8(std::string& text, uint32_t code_point) {
    if (code_point < 0x80) {
      text += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
      text += static_cast<char>(0xC0 | (code_point >> 6));
      text += static_cast<char>(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
      text += static_cast<char>(0xE0 | (code_point >> 12));
      text += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
      text += static_cast<char>(0x80 | (code_point & 0x3F));
    } else {
      text += static_cast<char>(0xF0 | (code_point >> 18));
      text += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
      text += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
      text += static_cast<char>(0x80 | (code_point & 0x3F));
    }
  }

  const std::string_view json_;
  size_t position_ = 0;
};

Status check_utf8(std::string_view json) {
  if (auto bad = first_invalid_utf8_offset(json)) {
    return Status::invalid_argument("JSON input at byte " + std::to_string(*bad) +
                                    ": not valid UTF-8; JSON text must be UTF-8");
  }
  return Status::ok();
}

Status duplicate(std::string_view what, std::string_view text) {
  std::string quoted;
  append_json_string(quoted, text);
  return Status::invalid_argument("JSON input: " + std::string(what) + " " + quoted +
                                  " appears twice; give each key once");
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> parse_json_string_object(
    std::string_view json) {
  LOGKV_RETURN_IF_ERROR(check_utf8(json));
  JsonReader reader(json);
  if (!reader.consume('{')) return reader.error("expected an object ({\"key\": \"value\", ...})");
  std::vector<std::pair<std::string, std::string>> pairs;
  std::unordered_set<std::string> names;
  if (!reader.consume('}')) {
    do {
      Result<std::string> name = reader.string("a key");
      if (!name.is_ok()) return name.status();
      if (!reader.consume(':')) return reader.error("expected ':' after the key");
      Result<std::string> value = reader.string("the key's value");
      if (!value.is_ok()) return value.status();
      if (!names.insert(*name).second) return duplicate("key", *name);
      pairs.emplace_back(std::move(name).value(), std::move(value).value());
    } while (reader.consume(','));
    if (!reader.consume('}')) return reader.error("expected ',' or '}'");
  }
  if (!reader.at_end()) return reader.error("unexpected text after the object");
  return pairs;
}

Result<std::vector<std::string>> parse_json_string_array(std::string_view json) {
  LOGKV_RETURN_IF_ERROR(check_utf8(json));
  JsonReader reader(json);
  if (!reader.consume('[')) return reader.error("expected an array ([\"key\", ...])");
  std::vector<std::string> strings;
  std::unordered_set<std::string> seen;
  if (!reader.consume(']')) {
    do {
      Result<std::string> text = reader.string("a key");
      if (!text.is_ok()) return text.status();
      if (!seen.insert(*text).second) return duplicate("key", *text);
      strings.push_back(std::move(text).value());
    } while (reader.consume(','));
    if (!reader.consume(']')) return reader.error("expected ',' or ']'");
  }
  if (!reader.at_end()) return reader.error("unexpected text after the array");
  return strings;
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned char>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

}  // namespace logkv::tool
