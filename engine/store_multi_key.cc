// StoreImpl's multi-key operations: get_many, set_many, delete_many.
#include <string>
#include <utility>
#include <vector>

#include "engine/limits.h"
#include "engine/result_budget.h"
#include "engine/store_impl.h"
#include "wal/record.h"

namespace logkv {

Result<std::vector<std::optional<std::string>>> StoreImpl::get_many(
    std::span<const std::string_view> keys) {
  LOGKV_RETURN_IF_ERROR(check_open());
  // Every key is checked before any is read, so that bad input costs no I/O.
  for (std::string_view key : keys) {
    LOGKV_RETURN_IF_ERROR(check_key(key, options_.limits).with_context("get_many"));
  }
  ResultBudget budget(options_.result_bytes_max, "get_many");
  std::vector<std::optional<std::string>> values;
  values.reserve(keys.size());
  for (std::string_view key : keys) {
    LOGKV_RETURN_IF_ERROR(budget.charge(key.size()));
    LOGKV_RETURN_IF_ERROR(check_not_damaged(key));
    std::optional<Result<std::string>> value =
        keys_.with_entry(key, [&](const IndexEntry& entry) -> Result<std::string> {
          // The record's size gives the value's: refuse before reading a value that cannot fit.
          const size_t framing_bytes = encoded_record_bytes(key.size(), 0);
          if (entry.record_bytes > framing_bytes) {
            LOGKV_RETURN_IF_ERROR(budget.charge(entry.record_bytes - framing_bytes));
          }
          return read_value(key, entry);
        });
    if (!value.has_value()) {
      values.emplace_back();
      continue;
    }
    if (!value->is_ok()) return value->status();
    values.emplace_back(std::move(*value).value());
  }
  return values;
}

Status StoreImpl::set_many(std::span<const std::pair<std::string_view, std::string_view>> pairs) {
  WriteBatch batch;
  for (const auto& [key, value] : pairs) batch.set(key, value);
  return write(batch);
}

Status StoreImpl::delete_many(std::span<const std::string_view> keys) {
  WriteBatch batch;
  for (std::string_view key : keys) batch.del(key);
  return write(batch);
}

}  // namespace logkv
