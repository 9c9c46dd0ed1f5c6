#include "app_data_json.h"

#include <cstddef>
#include <optional>

namespace page_views {
namespace {

using logkv::Result;
using logkv::Status;

void append_utf8(uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

// A cursor over the document. Every error names the byte offset where reading stopped, so a
// user can find the damage in `logkv get app-data` output.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  void skip_whitespace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool at_end() const { return pos_ >= text_.size(); }

  // Skips whitespace, then consumes `expected` if it is next.
  bool consume(char expected) {
    skip_whitespace();
    if (at_end() || text_[pos_] != expected) return false;
    ++pos_;
    return true;
  }

  Status expect(char expected) {
    if (consume(expected)) return Status::ok();
    return error(std::string("expected '") + expected + "'");
  }

  Status error(std::string_view what) const {
    return Status::invalid_argument("app-data is not the expected JSON: " + std::string(what) +
                                    " at byte " + std::to_string(pos_));
  }

  Result<std::string> read_string() {
    LOGKV_RETURN_IF_ERROR(expect('"'));
    std::string out;
    while (!at_end()) {
      const auto byte = static_cast<unsigned char>(text_[pos_]);
      if (byte == '"') {
        ++pos_;
        if (!is_valid_utf8(out)) return error("string is not valid UTF-8");
        return out;
      }
      if (byte < 0x20) return error("raw control character in a string");
      if (byte != '\\') {
        out += static_cast<char>(byte);
        ++pos_;
        continue;
      }
      ++pos_;
      if (at_end()) break;
      const char escape = text_[pos_++];
      switch (escape) {
        case '"':
        case '\\':
        case '/':
          out += escape;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          Result<uint32_t> code_point = read_unicode_escape();
          if (!code_point.is_ok()) return code_point.status();
          append_utf8(*code_point, out);
          break;
        }
        default:
          --pos_;
          return error("unknown escape in a string");
      }
    }
    return error("unterminated string");
  }

  // The digits of `views`: JSON's integer grammar without a sign, capped at kViewsMax.
  Result<uint64_t> read_views() {
    skip_whitespace();
    const size_t start = pos_;
    uint64_t number = 0;
    while (!at_end() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      if (pos_ > start && text_[start] == '0') return error("views has a leading zero");
      number = number * 10 + static_cast<uint64_t>(text_[pos_] - '0');
      if (number > kViewsMax) return error("views is larger than 2^53 - 1");
      ++pos_;
    }
    if (pos_ == start) return error("views must be a non-negative integer");
    if (!at_end() && (text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E')) {
      return error("views must be a whole number");
    }
    return number;
  }

 private:
  std::optional<uint32_t> read_hex4() {
    if (text_.size() - pos_ < 4) return std::nullopt;
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_ + i];
      uint32_t digit;
      if (c >= '0' && c <= '9') {
        digit = static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        digit = static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return std::nullopt;
      }
      value = value * 16 + digit;
    }
    pos_ += 4;
    return value;
  }

  // After "\u": one code unit, or a surrogate pair spelled as two escapes.
  Result<uint32_t> read_unicode_escape() {
    std::optional<uint32_t> high = read_hex4();
    if (!high) return error("\\u needs four hex digits");
    if (*high >= 0xDC00 && *high <= 0xDFFF) return error("unpaired low surrogate");
    if (*high < 0xD800 || *high > 0xDBFF) return *high;
    if (text_.substr(pos_, 2) != "\\u") return error("unpaired high surrogate");
    pos_ += 2;
    std::optional<uint32_t> low = read_hex4();
    if (!low || *low < 0xDC00 || *low > 0xDFFF) return error("unpaired high surrogate");
    return 0x10000 + ((*high - 0xD800) << 10) + (*low - 0xDC00);
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

Result<AppData> parse_app_data(std::string_view json) {
  Reader reader(json);
  LOGKV_RETURN_IF_ERROR(reader.expect('{'));
  AppData data;
  bool have_views = false;
  bool have_previous_request = false;
  if (!reader.consume('}')) {
    while (true) {
      Result<std::string> name = reader.read_string();
      if (!name.is_ok()) return name.status();
      LOGKV_RETURN_IF_ERROR(reader.expect(':'));
      if (*name == "views") {
        if (have_views) return reader.error("\"views\" appears twice");
        Result<uint64_t> views = reader.read_views();
        if (!views.is_ok()) return views.status();
        data.views = *views;
        have_views = true;
      } else if (*name == "previous_request") {
        if (have_previous_request) return reader.error("\"previous_request\" appears twice");
        Result<std::string> previous = reader.read_string();
        if (!previous.is_ok()) return previous.status();
        data.previous_request = std::move(previous).value();
        have_previous_request = true;
      } else {
        return reader.error("unknown member (only \"views\" and \"previous_request\" belong)");
      }
      if (reader.consume(',')) continue;
      LOGKV_RETURN_IF_ERROR(reader.expect('}'));
      break;
    }
  }
  reader.skip_whitespace();
  if (!reader.at_end()) return reader.error("data after the closing '}'");
  if (!have_views) return reader.error("\"views\" is missing");
  if (!have_previous_request) return reader.error("\"previous_request\" is missing");
  return data;
}

std::string format_app_data(const AppData& data) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string json = "{\"views\":" + std::to_string(data.views) + ",\"previous_request\":\"";
  for (const char c : data.previous_request) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        json += "\\\"";
        break;
      case '\\':
        json += "\\\\";
        break;
      case '\n':
        json += "\\n";
        break;
      case '\r':
        json += "\\r";
        break;
      case '\t':
        json += "\\t";
        break;
      case '\b':
        json += "\\b";
        break;
      case '\f':
        json += "\\f";
        break;
      default:
        if (byte < 0x20) {
          json += "\\u00";
          json += kHex[byte >> 4];
          json += kHex[byte & 0xF];
        } else {
          json += c;
        }
    }
  }
  json += "\"}";
  return json;
}

bool is_valid_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    size_t length;
    uint32_t code_point;
    uint32_t smallest;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code_point = lead & 0x1F;
      smallest = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code_point = lead & 0x0F;
      smallest = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code_point = lead & 0x07;
      smallest = 0x10000;
    } else {
      return false;
    }
    if (text.size() - i < length) return false;
    for (size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (next & 0x3F);
    }
    if (code_point < smallest || code_point > 0x10FFFF) return false;
    if (code_point >= 0xD800 && code_point <= 0xDFFF) return false;
    i += length;
  }
  return true;
}

}  // namespace page_views
