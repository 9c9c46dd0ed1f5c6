#include "logkv/key_text.h"

#include <cstdint>
#include <cstdio>

namespace logkv {

std::optional<size_t> first_invalid_utf8_offset(std::string_view text) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const uint8_t lead = bytes[i];
    if (lead < 0x80) {
      ++i;
      continue;
    }
    size_t length;
    // The allowed range of the second byte narrows for leads that could otherwise encode an
    // overlong form (E0, F0), a surrogate (ED) or a code point above U+10FFFF (F4).
    uint8_t second_min = 0x80;
    uint8_t second_max = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) second_min = 0xA0;
      if (lead == 0xED) second_max = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) second_min = 0x90;
      if (lead == 0xF4) second_max = 0x8F;
    } else {
      return i;  // continuation byte without a lead, C0/C1 (always overlong), or F5..FF
    }
    if (i + 1 >= n || bytes[i + 1] < second_min || bytes[i + 1] > second_max) return i;
    for (size_t k = 2; k < length; ++k) {
      if (i + k >= n || (bytes[i + k] & 0xC0) != 0x80) return i;
    }
    i += length;
  }
  return std::nullopt;
}

std::string printable_key(std::string_view key) {
  constexpr size_t kShownBytesMax = 64;
  std::string text = "'";
  for (size_t i = 0; i < key.size() && i < kShownBytesMax; ++i) {
    const auto byte = static_cast<unsigned char>(key[i]);
    if (byte >= 0x20 && byte < 0x7F && byte != '\'' && byte != '\\') {
      text += static_cast<char>(byte);
    } else {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      text += escaped;
    }
  }
  if (key.size() > kShownBytesMax) text += "...";
  text += "'";
  return text;
}

}  // namespace logkv
