// StoreImpl's read-modify-write operations: increment and compare-and-swap.
//
// Both read and decide inside WriteRequest::prepare, which the group commit's leader runs in
// queue order with the store exactly as every earlier write leaves it. No other write can come
// between the read and the write, so neither needs a lock of its own.
#include <cstdint>
#include <string>
#include <utility>

#include "engine/limits.h"
#include "engine/store_impl.h"

namespace logkv {
namespace {

// Spin's SQLite backend stores a counter as an i64 in 8 bytes, little-endian.
constexpr size_t kCounterBytes = 8;

std::string encode_counter(int64_t value) {
  const auto bits = static_cast<uint64_t>(value);
  std::string bytes(kCounterBytes, '\0');
  for (size_t i = 0; i < kCounterBytes; ++i) bytes[i] = static_cast<char>(bits >> (8 * i));
  return bytes;
}

int64_t decode_counter(std::string_view bytes) {
  uint64_t bits = 0;
  for (size_t i = 0; i < kCounterBytes; ++i) {
    bits |= uint64_t{static_cast<unsigned char>(bytes[i])} << (8 * i);
  }
  return static_cast<int64_t>(bits);
}

// Refuses a new key once the store holds Limits::keys_max keys.
Status check_room_for_new_key(const WriteContext& context, std::string_view key) {
  if (!context.key_state(key).present && context.key_count() >= context.limits().keys_max) {
    return store_full_error(key, context.key_count(), context.limits());
  }
  return Status::ok();
}

}  // namespace

Result<int64_t> StoreImpl::increment(std::string_view key, int64_t delta) {
  LOGKV_RETURN_IF_ERROR(check_open());
  LOGKV_RETURN_IF_ERROR(check_key(key, options_.limits));
  LOGKV_RETURN_IF_ERROR(check_value(key, encode_counter(0), options_.limits));
  int64_t sum = 0;
  std::string encoded;  // the staged record borrows it until submit() returns
  WriteRequest request;
  request.bytes_hint = key.size() + kCounterBytes;
  request.prepare = [&](WriteContext& context) -> Status {
    Result<std::optional<std::string>> current = context.value(key);
    if (!current.is_ok()) return current.status();
    int64_t counter = 0;
    if (current->has_value()) {
      const std::string& stored = **current;
      if (stored.size() != kCounterBytes) {
        return Status::invalid_argument(
            "cannot increment key " + printable_key(key) + ": its value is " +
            std::to_string(stored.size()) +
            " bytes long, not an 8-byte little-endian counter; nothing was written (set the key "
            "to a counter, or delete it to start from 0)");
      }
      counter = decode_counter(stored);
    } else {
      LOGKV_RETURN_IF_ERROR(check_room_for_new_key(context, key));
    }
    if (__builtin_add_overflow(counter, delta, &sum)) {
      return Status::invalid_argument("cannot increment key " + printable_key(key) + " by " +
                                      std::to_string(delta) + ": the counter holds " +
                                      std::to_string(counter) +
                                      " and the sum does not fit in a signed 64-bit integer; "
                                      "nothing was written");
    }
    encoded = encode_counter(sum);
    context.stage_set(key, encoded);
    return Status::ok();
  };
  LOGKV_RETURN_IF_ERROR(submit(request));
  return sum;
}

Result<CasToken> StoreImpl::cas_begin(std::string_view key) {
  LOGKV_RETURN_IF_ERROR(check_open());
  LOGKV_RETURN_IF_ERROR(check_key(key, options_.limits));
  CasToken token;
  token.key = std::string(key);
  // Read before the index: every write not visible in the lookup below has a later sequence.
  const uint64_t as_of = last_sequence_.load(std::memory_order_acquire);
  // Value and version come from the same index entry, read under its shard lock: a pair that
  // really existed together.
  std::optional<Result<std::string>> value = keys_.with_entry(key, [&](const IndexEntry& entry) {
    token.version = entry.sequence;
    return read_value(key, entry);
  });
  if (value.has_value()) {
    if (!value->is_ok()) return value->status();
    token.value = std::move(*value).value();
  } else {
    token.absent_as_of = as_of;
  }
  return token;
}

Result<CasOutcome> StoreImpl::cas_swap(const CasToken& token, std::string_view value) {
  LOGKV_RETURN_IF_ERROR(check_open());
  const std::string_view key = token.key;
  LOGKV_RETURN_IF_ERROR(check_key(key, options_.limits));
  LOGKV_RETURN_IF_ERROR(check_value(key, value, options_.limits));
  CasOutcome outcome;
  WriteRequest request;
  request.bytes_hint = key.size() + value.size();
  request.prepare = [&](WriteContext& context) -> Status {
    const WriteContext::KeyState state = context.key_state(key);
    const uint64_t version = state.present ? state.version : 0;
    // Absent then and now, but perhaps set and deleted in between (A -> B -> A from absence).
    const bool absent_changed =
        version == 0 && token.version == 0 && context.maybe_deleted_after(key, token.absent_as_of);
    if (version != token.version || absent_changed) {
      Result<std::optional<std::string>> current = context.value(key);
      if (!current.is_ok()) return current.status();
      outcome.swapped = false;
      outcome.current = CasToken{token.key, std::move(current).value(), version,
                                 version == 0 ? context.next_sequence() - 1 : 0};
      return Status::ok();
    }
    if (!state.present) LOGKV_RETURN_IF_ERROR(check_room_for_new_key(context, key));
    context.stage_set(key, value);
    outcome.swapped = true;
    outcome.current = CasToken{token.key, std::string(value), context.key_state(key).version};
    return Status::ok();
  };
  LOGKV_RETURN_IF_ERROR(submit(request));
  return outcome;
}

}  // namespace logkv
