#include "engine/limits.h"

#include <cstdio>

#include "index/key_directory.h"
#include "logkv/key_text.h"

namespace logkv {

Status check_options(const Options& options) {
  const Limits& limits = options.limits;
  if (limits.key_bytes_max == 0 || limits.key_bytes_max > kKeyBytesCeiling) {
    return Status::invalid_argument("Limits::key_bytes_max is " +
                                    std::to_string(limits.key_bytes_max) + "; it must be 1 to " +
                                    std::to_string(kKeyBytesCeiling));
  }
  if (limits.value_bytes_max > kValueBytesCeiling) {
    return Status::invalid_argument("Limits::value_bytes_max is " +
                                    std::to_string(limits.value_bytes_max) +
                                    "; it must be at most " + std::to_string(kValueBytesCeiling));
  }
  // Each of the key directory's shards keeps its keys in an arena of at most
  // HashIndex::kKeyBytesTotalMax bytes; half the total leaves room for uneven shards.
  const uint64_t key_bytes_total_max = KeyDirectory::kShards * HashIndex::kKeyBytesTotalMax / 2;
  if (limits.keys_max > key_bytes_total_max / limits.key_bytes_max) {
    return Status::invalid_argument(
        "Limits::keys_max x Limits::key_bytes_max is more than the in-memory index can hold (" +
        std::to_string(key_bytes_total_max >> 30) + " GiB of keys); lower one of them");
  }
  if (limits.keys_max == 0) {
    return Status::invalid_argument("Limits::keys_max is 0; a store must be allowed one key");
  }
  if (options.sync_mode == SyncMode::kInterval &&
      (options.sync_interval_ms == 0 || options.sync_interval_ms > 60000)) {
    return Status::invalid_argument("Options::sync_interval_ms is " +
                                    std::to_string(options.sync_interval_ms) +
                                    "; it must be 1 to 60000 with SyncMode::kInterval");
  }
  if (options.lock_wait_ms > kLockWaitMsMax) {
    return Status::invalid_argument("Options::lock_wait_ms is " +
                                    std::to_string(options.lock_wait_ms) + "; it must be 0 to " +
                                    std::to_string(kLockWaitMsMax) + " (an hour)");
  }
  if (options.segment_bytes_max < kSegmentBytesFloor ||
      options.segment_bytes_max > kSegmentBytesCeiling) {
    return Status::invalid_argument("Options::segment_bytes_max is " +
                                    std::to_string(options.segment_bytes_max) + "; it must be " +
                                    std::to_string(kSegmentBytesFloor) + " to " +
                                    std::to_string(kSegmentBytesCeiling));
  }
  return Status::ok();
}

Status check_key(std::string_view key, const Limits& limits) {
  if (key.size() > limits.key_bytes_max) {
    return Status::limit_exceeded("key of " + std::to_string(key.size()) +
                                  " bytes exceeds the limit of " +
                                  std::to_string(limits.key_bytes_max) +
                                  " bytes (Limits::key_bytes_max); use a shorter key or raise "
                                  "the limit when opening the store");
  }
  if (auto bad = first_invalid_utf8_offset(key)) {
    char byte_text[8];
    std::snprintf(byte_text, sizeof byte_text, "0x%02x", static_cast<unsigned char>(key[*bad]));
    return Status::invalid_argument("key " + printable_key(key) + " is not valid UTF-8 (byte " +
                                    byte_text + " at offset " + std::to_string(*bad) +
                                    "); keys must be UTF-8 text");
  }
  return Status::ok();
}

Status check_value(std::string_view key, std::string_view value, const Limits& limits) {
  if (value.size() <= limits.value_bytes_max) return Status::ok();
  return Status::limit_exceeded("value of " + std::to_string(value.size()) + " bytes for key " +
                                printable_key(key) + " exceeds the limit of " +
                                std::to_string(limits.value_bytes_max) +
                                " bytes (Limits::value_bytes_max); store a smaller value or "
                                "raise the limit when opening the store");
}

Status store_full_error(std::string_view key, size_t keys, const Limits& limits) {
  return Status::limit_exceeded("store is full: it holds " + std::to_string(keys) +
                                " keys and the limit is " + std::to_string(limits.keys_max) +
                                " (Limits::keys_max); cannot add key " + printable_key(key) +
                                " — delete keys or raise the limit when opening the store");
}

}  // namespace logkv
