#include "tools/json_text.h"

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_set>

#include "logkv/key_text.h"

namespace logkv::tool {
namespace {

using Json = nlohmann::json;

// An iterator over the input that remembers how many bytes the parser has read. nlohmann's SAX
// callbacks carry no position, and a value of the wrong type (a number where a string belongs)
// is refused from a callback; this count lets that error name a byte offset too.
class CountingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  CountingIterator(const char* at, const char* begin, size_t* read_bytes)
      : at_(at), begin_(begin), read_bytes_(read_bytes) {}

  const char& operator*() const {
    *read_bytes_ = static_cast<size_t>(at_ - begin_) + 1;
    return *at_;
  }
  CountingIterator& operator++() {
    ++at_;
    return *this;
  }
  CountingIterator operator++(int) {
    CountingIterator before = *this;
    ++at_;
    return before;
  }
  bool operator==(const CountingIterator& other) const { return at_ == other.at_; }
  bool operator!=(const CountingIterator& other) const { return at_ != other.at_; }

 private:
  const char* at_;
  const char* begin_;
  size_t* read_bytes_;
};

// nlohmann's message without its "[json.exception...] parse error at line 1, column N: " prefix
// (the offset is given our way) and without the "last read: '...'" excerpt, which can hold a
// whole megabyte-long string of raw input.
std::string describe_parse_error(const std::string& what) {
  std::string text = what;
  if (size_t colon = text.find(": "); colon != std::string::npos) text.erase(0, colon + 2);
  if (size_t last_read = text.find("; last read: '"); last_read != std::string::npos) {
    size_t end = text.find("'; expected", last_read);
    text.erase(last_read, end == std::string::npos ? std::string::npos : end + 1 - last_read);
  }
  return text;
}

Status error_at(size_t offset, std::string_view what) {
  return Status::invalid_argument("JSON input at byte " + std::to_string(offset) + ": " +
                                  std::string(what));
}

// A SAX handler that accepts one object of strings or one array of strings and refuses
// anything else at the position it was found.
class StringsHandler : public nlohmann::json_sax<Json> {
 public:
  enum class Shape { kObject, kArray };

  StringsHandler(Shape shape, std::string_view json, const size_t* read_bytes)
      : shape_(shape), json_(json), read_bytes_(read_bytes) {}

  std::vector<std::pair<std::string, std::string>> pairs;  // kObject
  std::vector<std::string> strings;                        // kArray
  std::optional<Status> error;

  bool null() override { return wrong_type("null"); }
  bool boolean(bool) override { return wrong_type("true or false"); }
  bool number_integer(number_integer_t) override { return wrong_type("a number"); }
  bool number_unsigned(number_unsigned_t) override { return wrong_type("a number"); }
  bool number_float(number_float_t, const string_t&) override { return wrong_type("a number"); }
  bool binary(binary_t&) override { return wrong_type("binary data"); }

  bool string(string_t& text) override {
    if (depth_ != 1 || (shape_ == Shape::kObject && !after_name_)) return wrong_type("a string");
    if (shape_ == Shape::kArray && !seen_.insert(text).second) return duplicate(text);
    if (shape_ == Shape::kObject) {
      pairs.back().second = std::move(text);
      after_name_ = false;
    } else {
      strings.push_back(std::move(text));
    }
    accepted();
    return true;
  }

  bool key(string_t& name) override {
    if (!seen_.insert(name).second) return duplicate(name);
    pairs.emplace_back(std::move(name), std::string());
    after_name_ = true;
    accepted();
    return true;
  }

  bool start_object(std::size_t) override {
    if (depth_ != 0 || shape_ != Shape::kObject) return wrong_type("an object");
    ++depth_;
    accepted();
    return true;
  }
  bool start_array(std::size_t) override {
    if (depth_ != 0 || shape_ != Shape::kArray) return wrong_type("an array");
    ++depth_;
    accepted();
    return true;
  }
  bool end_object() override {
    --depth_;
    accepted();
    return true;
  }
  bool end_array() override {
    --depth_;
    accepted();
    return true;
  }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    error = error_at(position > 0 ? position - 1 : 0, describe_parse_error(ex.what()));
    return false;
  }

 private:
  // Every token accepted so far ended exactly where the parser stopped reading (strings and
  // brackets need no look-ahead), so the refused token starts after it, past whitespace and
  // at most one ':' or ','.
  void accepted() { accepted_end_ = *read_bytes_; }

  size_t refused_token_offset() const {
    size_t at = accepted_end_;
    auto skip_whitespace = [&] {
      while (at < json_.size() &&
             (json_[at] == ' ' || json_[at] == '\t' || json_[at] == '\n' || json_[at] == '\r')) {
        ++at;
      }
    };
    skip_whitespace();
    if (at < json_.size() && (json_[at] == ':' || json_[at] == ',')) {
      ++at;
      skip_whitespace();
    }
    return at;
  }

  bool wrong_type(std::string_view found) {
    std::string expected;
    if (depth_ == 0) {
      expected = shape_ == Shape::kObject ? "an object ({\"key\": \"value\", ...})"
                                          : "an array ([\"key\", ...])";
    } else {
      expected = shape_ == Shape::kObject ? "the key's value as a string in double quotes"
                                          : "a key (a string in double quotes)";
    }
    error =
        error_at(refused_token_offset(), "expected " + expected + ", found " + std::string(found));
    return false;
  }

  bool duplicate(std::string_view text) {
    std::string quoted;
    append_json_string(quoted, text);
    error = Status::invalid_argument("JSON input: key " + quoted +
                                     " appears twice; give each key once");
    return false;
  }

  const Shape shape_;
  const std::string_view json_;
  const size_t* read_bytes_;
  size_t accepted_end_ = 0;
  int depth_ = 0;
  bool after_name_ = false;
  std::unordered_set<std::string> seen_;
};

// Parses `json` into `handler`; the error it recorded, if any.
Status parse_strings(std::string_view json, StringsHandler::Shape shape,
                     std::optional<StringsHandler>& handler) {
  // nlohmann refuses bad UTF-8 inside strings only; this names the first bad byte anywhere.
  if (auto bad = first_invalid_utf8_offset(json)) {
    return error_at(*bad, "not valid UTF-8; JSON text must be UTF-8");
  }
  size_t read_bytes = 0;
  handler.emplace(shape, json, &read_bytes);
  const char* begin = json.data();
  const bool parsed = Json::sax_parse(CountingIterator(begin, begin, &read_bytes),
                                      CountingIterator(begin + json.size(), begin, &read_bytes),
                                      &*handler, nlohmann::detail::input_format_t::json,
                                      /*strict=*/true);
  if (handler->error.has_value()) return *handler->error;
  if (!parsed) return error_at(read_bytes, "the JSON text is not complete");
  return Status::ok();
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> parse_json_string_object(
    std::string_view json) {
  std::optional<StringsHandler> handler;
  LOGKV_RETURN_IF_ERROR(parse_strings(json, StringsHandler::Shape::kObject, handler));
  return std::move(handler->pairs);
}

Result<std::vector<std::string>> parse_json_string_array(std::string_view json) {
  std::optional<StringsHandler> handler;
  LOGKV_RETURN_IF_ERROR(parse_strings(json, StringsHandler::Shape::kArray, handler));
  return std::move(handler->strings);
}

void append_json_string(std::string& out, std::string_view text) {
  // error_handler_t::replace: the precondition says valid UTF-8, and a broken one must not
  // throw out of the tool; it would print U+FFFD instead.
  out += Json(text).dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace logkv::tool
