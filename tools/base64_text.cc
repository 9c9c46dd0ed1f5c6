#include "tools/base64_text.h"

#include <sodium.h>

namespace logkv::tool {

std::string encode_base64(std::string_view bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;
  // sodium_base64_encoded_len counts the terminating NUL that sodium_bin2base64 writes.
  std::string text(sodium_base64_encoded_len(bytes.size(), kVariant), '\0');
  sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), kVariant);
  text.pop_back();
  return text;
}

Result<std::string> decode_base64(std::string_view text) {
  if (text.size() % 4 != 0) {
    return Status::invalid_argument("base64 text of " + std::to_string(text.size()) +
                                    " characters: its length must be a multiple of 4 (pad "
                                    "with '=')");
  }
  std::string bytes(text.size() / 4 * 3, '\0');
  size_t decoded_bytes = 0;
  const char* end = nullptr;
  // With `end` given, libsodium stops at the first character outside the alphabet instead of
  // failing without saying where; a stop before the end is reported with its offset.
  const int result = sodium_base642bin(
      reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), text.data(), text.size(),
      /*ignore=*/nullptr, &decoded_bytes, &end, sodium_base64_VARIANT_ORIGINAL);
  if (result != 0 || end != text.data() + text.size()) {
    const size_t offset = end != nullptr ? static_cast<size_t>(end - text.data()) : 0;
    return Status::invalid_argument("base64 text is not valid at character " +
                                    std::to_string(offset) +
                                    " (expected A-Z a-z 0-9 + / and '=' padding only at the end)");
  }
  bytes.resize(decoded_bytes);
  return bytes;
}

}  // namespace logkv::tool
