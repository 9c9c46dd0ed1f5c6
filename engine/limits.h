// Checks of keys, values and options against a store's limits, with the error messages users
// see when a write is refused.
#ifndef LOGKV_ENGINE_LIMITS_H_
#define LOGKV_ENGINE_LIMITS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "logkv/key_text.h"
#include "logkv/options.h"
#include "logkv/status.h"

namespace logkv {

// Hard ceilings of the on-disk format; Limits may be raised up to these.
inline constexpr size_t kKeyBytesCeiling = 65535;              // the record's u16 key length
inline constexpr size_t kValueBytesCeiling = size_t{1} << 30;  // keeps records < 4 GiB
inline constexpr uint64_t kSegmentBytesFloor = 4096;
inline constexpr uint64_t kSegmentBytesCeiling = uint64_t{1} << 30;
inline constexpr uint32_t kLockWaitMsMax = 3'600'000;

// ok, or kInvalidArgument naming the option that is out of range.
Status check_options(const Options& options);

// ok, or kLimitExceeded (too long) / kInvalidArgument (not UTF-8). Used by every operation that
// takes a key, so that a key that could never be stored is reported rather than "not found".
Status check_key(std::string_view key, const Limits& limits);

// ok, or kLimitExceeded when the value is longer than Limits::value_bytes_max.
Status check_value(std::string_view key, std::string_view value, const Limits& limits);

// kLimitExceeded for a new key in a store that already holds `keys` >= Limits::keys_max keys.
Status store_full_error(std::string_view key, size_t keys, const Limits& limits);

}  // namespace logkv

#endif  // LOGKV_ENGINE_LIMITS_H_
