#include "bench/engine_adapter.h"

#include <string>

namespace logkv::bench {
namespace {

Status unsupported(const EngineAdapter& adapter, std::string_view operation) {
  return Status::not_supported(std::string(operation) + " is not available for engine '" +
                               adapter.info().name + "'; workloads should check Capabilities");
}

}  // namespace

Result<std::optional<std::string>> EngineAdapter::get(std::string_view) {
  return unsupported(*this, "get");
}

Status EngineAdapter::del(std::string_view) { return unsupported(*this, "delete"); }

Result<bool> EngineAdapter::exists(std::string_view) { return unsupported(*this, "exists"); }

Result<std::vector<std::string>> EngineAdapter::keys() { return unsupported(*this, "key listing"); }

Result<std::vector<std::optional<std::string>>> EngineAdapter::get_many(
    std::span<const std::string_view> keys) {
  std::vector<std::optional<std::string>> values;
  values.reserve(keys.size());
  for (std::string_view key : keys) {
    Result<std::optional<std::string>> value = get(key);
    if (!value.is_ok()) return value.status();
    values.push_back(std::move(value).value());
  }
  return values;
}

Result<int64_t> EngineAdapter::increment(std::string_view, int64_t) {
  return unsupported(*this, "increment");
}

Status EngineAdapter::set_batch(std::span<const std::pair<std::string_view, std::string_view>>) {
  return unsupported(*this, "batched write");
}

Status EngineAdapter::bulk_load(uint64_t count, const KeyValueSource& source) {
  std::string_view key;
  std::string_view value;
  for (uint64_t i = 0; i < count; ++i) {
    source(i, key, value);
    LOGKV_RETURN_IF_ERROR(set(key, value).with_context("bulk load of pair " + std::to_string(i)));
  }
  return Status::ok();
}

std::optional<EngineStats> EngineAdapter::stats() { return std::nullopt; }

Status EngineAdapter::compact() { return unsupported(*this, "compact"); }

}  // namespace logkv::bench
