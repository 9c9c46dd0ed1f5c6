// The read path of StoreImpl (store_impl.h): get, exists, and reading one record.
#include <memory>

#include "engine/limits.h"
#include "engine/store_impl.h"
#include "wal/damage_advice.h"
#include "wal/record.h"

namespace logkv {

Result<std::string> StoreImpl::read_value(std::string_view key, const IndexEntry& entry) const {
  const Segment* segment = segments_.find(entry.segment_id);
  if (segment == nullptr) {
    return Status::corruption("key " + printable_key(key) + " points into segment " +
                              std::to_string(entry.segment_id) + ", which is not open");
  }
  // Views into a memory mapping need no scratch; other file systems copy into it.
  thread_local std::unique_ptr<char[]> scratch;
  thread_local size_t scratch_bytes = 0;
  if (scratch_bytes < entry.record_bytes) {
    scratch = std::make_unique_for_overwrite<char[]>(entry.record_bytes);
    scratch_bytes = entry.record_bytes;
  }
  Result<std::string_view> bytes =
      segment->file->read(entry.offset, entry.record_bytes, scratch.get());
  if (!bytes.is_ok()) return bytes.status();
  const DecodedRecord decoded = decode_record(*bytes);
  const char* problem = nullptr;
  if (decoded.status != DecodeStatus::kOk) {
    problem = decoded.status == DecodeStatus::kTruncated ? "record is cut short" : "bad record";
  } else if (decoded.bytes != entry.record_bytes || decoded.record.type != RecordType::kSet) {
    problem = "record does not match the index";
  } else if (decoded.record.key != key || decoded.record.sequence != entry.sequence) {
    problem = "record holds another key or version";
  }
  if (problem != nullptr) {
    std::string message = "'" + segment->path + "' at offset " + std::to_string(entry.offset) +
                          " (key " + printable_key(key) + "): " + problem;
    if (decoded.status != DecodeStatus::kOk) message += ": " + std::string(decoded.reason);
    return Status::corruption(message + std::string(kDamageAdvice));
  }
  return std::string(decoded.record.value);
}

Result<std::optional<std::string>> StoreImpl::get(std::string_view key) {
  LOGKV_RETURN_IF_ERROR(check_open());
  LOGKV_RETURN_IF_ERROR(check_key(key, options_.limits));
  LOGKV_RETURN_IF_ERROR(check_not_damaged(key));
  std::optional<Result<std::string>> value =
      keys_.with_entry(key, [&](const IndexEntry& entry) { return read_value(key, entry); });
  if (!value) return std::optional<std::string>();
  if (!value->is_ok()) return value->status();
  return std::optional<std::string>(std::move(*value).value());
}

Result<bool> StoreImpl::exists(std::string_view key) {
  LOGKV_RETURN_IF_ERROR(check_open());
  LOGKV_RETURN_IF_ERROR(check_key(key, options_.limits));
  LOGKV_RETURN_IF_ERROR(check_not_damaged(key));
  return keys_.find(key).has_value();
}

}  // namespace logkv
