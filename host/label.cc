// check_label (logkv/host.h): the rule every store label follows.
//
// Labels name store folders and appear in runtime configs, grants and error messages, so the
// rule is deliberately narrow: lower-case ASCII words joined by one kind of separator. Nothing
// that can name a path ("..", "/", "\"), no upper case (two labels differing only in case would
// share a folder on case-insensitive file systems), no non-ASCII text (no look-alike labels).
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

#include "logkv/host.h"
#include "logkv/key_text.h"

namespace logkv {
namespace {

constexpr size_t kLabelCharsMax = 64;

constexpr std::string_view kLabelRule =
    "a label is 1 to 64 characters of lower-case ASCII letters and digits in words joined by "
    "single '-' (kebab-case) or single '_' (snake_case), not both, starting with a letter";

bool is_lower_letter(char c) { return c >= 'a' && c <= 'z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_separator(char c) { return c == '-' || c == '_'; }

// How `c` looks in a message: the character itself when printable ASCII, else its byte value.
std::string describe_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte > 0x20 && byte < 0x7F) return std::string("'") + c + "'";
  char text[16];
  std::snprintf(text, sizeof text, "byte 0x%02x", byte);
  return text;
}

// Why `label` breaks the rule, or an empty string when it does not.
std::string label_fault(std::string_view label) {
  if (label.empty()) return "is empty";
  if (label.size() > kLabelCharsMax) {
    return "is " + std::to_string(label.size()) + " characters long";
  }
  if (!is_lower_letter(label[0])) return "does not start with a lower-case letter";
  char separator = 0;  // the first separator seen: every later one must be the same
  for (size_t i = 0; i < label.size(); ++i) {
    const char c = label[i];
    if (is_lower_letter(c) || is_digit(c)) continue;
    if (!is_separator(c)) {
      return "contains " + describe_char(c) + " at offset " + std::to_string(i);
    }
    if (separator != 0 && c != separator) return "mixes '-' and '_'";
    separator = c;
    // The first character is a letter, so a separator always follows a word; it must also be
    // followed by one.
    if (i + 1 == label.size() || is_separator(label[i + 1])) {
      return "has an empty word at offset " + std::to_string(i + 1);
    }
  }
  return {};
}

}  // namespace

Status check_label(std::string_view label) {
  const std::string fault = label_fault(label);
  if (fault.empty()) return Status::ok();
  return Status::invalid_argument("label " + printable_key(label) + " " + fault + "; " +
                                  std::string(kLabelRule));
}

}  // namespace logkv
