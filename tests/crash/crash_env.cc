#include "tests/crash/crash_env.h"

#include <charconv>
#include <cstdlib>
#include <string_view>

namespace logkv::crash {
namespace {

std::optional<uint64_t> parse_positive(std::string_view text) {
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value == 0) return std::nullopt;
  return value;
}

}  // namespace

uint64_t env_count(const char* name, uint64_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr) return fallback;
  return parse_positive(text).value_or(fallback);
}

std::optional<CrashPoint> crash_point_from_env() {
  const char* text = std::getenv("LOGKV_CRASH_POINT");
  if (text == nullptr || *text == '\0') return std::nullopt;
  const std::string_view spec(text);
  const size_t slash = spec.find('/');
  const std::optional<uint64_t> point = parse_positive(spec.substr(0, slash));
  if (!point) return std::nullopt;
  CrashPoint crash{*point, 0};
  if (slash != std::string_view::npos) {
    const std::optional<uint64_t> recovery_point = parse_positive(spec.substr(slash + 1));
    if (!recovery_point) return std::nullopt;
    crash.recovery_point = *recovery_point;
  }
  return crash;
}

std::string to_string(const CrashPoint& point) {
  std::string text = std::to_string(point.point);
  if (point.recovery_point != 0) text += "/" + std::to_string(point.recovery_point);
  return text;
}

}  // namespace logkv::crash
