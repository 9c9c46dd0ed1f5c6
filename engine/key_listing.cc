#include "engine/key_listing.h"

#include <xxhash.h>

#include <algorithm>
#include <cstdint>
#include <utility>

#include "engine/limits.h"

namespace logkv {
namespace {

constexpr std::string_view kCursorVersion = "v1.";
constexpr size_t kCheckDigits = 16;
constexpr uint64_t kCursorSeed = 0x6c6f676b76637572;  // "logkvcur"
constexpr char kHexDigits[] = "0123456789abcdef";

uint64_t cursor_check(std::string_view key) {
  return XXH3_64bits_withSeed(key.data(), key.size(), kCursorSeed);
}

void append_hex(std::string& out, std::string_view bytes) {
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out += kHexDigits[byte >> 4];
    out += kHexDigits[byte & 0xF];
  }
}

// Lower-case only, so that every position has exactly one cursor text.
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::optional<std::string> decode_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int high = hex_value(hex[i]);
    const int low = hex_value(hex[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    bytes += static_cast<char>((high << 4) | low);
  }
  return bytes;
}

Status not_issued(std::string_view cursor, std::string_view reason) {
  return Status::invalid_argument(
      "cursor " + printable_key(cursor) + " is not one logkv issued (" + std::string(reason) +
      "); pass back the cursor of the previous page unchanged, or no cursor to start from the "
      "first key");
}

}  // namespace

std::string encode_list_cursor(std::string_view last_key) {
  std::string cursor(kCursorVersion);
  cursor.reserve(kCursorVersion.size() + 2 * last_key.size() + 1 + kCheckDigits);
  append_hex(cursor, last_key);
  cursor += '.';
  const uint64_t check = cursor_check(last_key);
  for (int shift = 60; shift >= 0; shift -= 4) cursor += kHexDigits[(check >> shift) & 0xF];
  return cursor;
}

Result<std::string> decode_list_cursor(std::string_view cursor) {
  if (!cursor.starts_with(kCursorVersion)) {
    return not_issued(cursor, "it does not start with \"v1.\"");
  }
  const std::string_view body = cursor.substr(kCursorVersion.size());
  const size_t dot = body.rfind('.');
  if (dot == std::string_view::npos || body.size() - dot - 1 != kCheckDigits) {
    return not_issued(cursor, "its check digits are missing");
  }
  std::optional<std::string> key = decode_hex(body.substr(0, dot));
  std::optional<std::string> check = decode_hex(body.substr(dot + 1));
  if (!key || !check) return not_issued(cursor, "it is not lower-case hex");
  uint64_t expected = cursor_check(*key);
  for (int i = kCheckDigits / 2 - 1; i >= 0; --i, expected >>= 8) {
    if (static_cast<unsigned char>((*check)[i]) != (expected & 0xFF)) {
      return not_issued(cursor, "its check digits do not match");
    }
  }
  return std::move(*key);
}

KeyPageSelector::KeyPageSelector(std::optional<std::string> after, std::string prefix, size_t limit)
    : after_(std::move(after)), prefix_(std::move(prefix)), limit_(limit) {}

void KeyPageSelector::offer(std::string_view key) {
  if (!key.starts_with(prefix_)) return;
  if (after_ && key <= *after_) return;
  if (candidates_.size() <= limit_) {
    candidates_.emplace_back(key);
    std::push_heap(candidates_.begin(), candidates_.end());
  } else if (key < candidates_.front()) {
    std::pop_heap(candidates_.begin(), candidates_.end());
    candidates_.back() = key;
    std::push_heap(candidates_.begin(), candidates_.end());
  }
}

KeyPage KeyPageSelector::take_page() {
  std::sort_heap(candidates_.begin(), candidates_.end());
  const bool more = candidates_.size() > limit_;
  if (more) candidates_.pop_back();  // the first key of the next page
  KeyPage page;
  page.keys = std::move(candidates_);
  candidates_.clear();
  if (more) page.cursor = encode_list_cursor(page.keys.back());
  return page;
}

Result<KeyPageSelector> start_key_page(std::optional<std::string_view> cursor, size_t limit,
                                       std::string_view prefix) {
  if (limit == 0 || limit > kListKeysLimitMax) {
    return Status::invalid_argument("list_keys: limit is " + std::to_string(limit) +
                                    "; ask for 1 to " + std::to_string(kListKeysLimitMax) +
                                    " keys per page");
  }
  std::optional<std::string> after;
  if (cursor.has_value()) {
    Result<std::string> decoded = decode_list_cursor(*cursor);
    if (!decoded.is_ok()) return decoded.status().with_context("list_keys");
    after = std::move(decoded).value();
  }
  return KeyPageSelector(std::move(after), std::string(prefix), limit);
}

}  // namespace logkv
