// The read path of StoreImpl (store_impl.h): get, get_view, exists, and reading one record.
#include <functional>
#include <memory>

#include "engine/limits.h"
#include "engine/store_impl.h"
#include "wal/damage_advice.h"
#include "wal/record.h"

namespace logkv {
namespace {

// Where a file system that copies (an in-memory one; a mapping that failed) puts a record. Reads
// through a mapping return views of it and need none. One per thread; each read reuses it.
class ReadScratch {
 public:
  char* reserve(size_t bytes) {
    if (bytes_ < bytes) {
      buffer_ = std::make_unique_for_overwrite<char[]>(bytes);
      bytes_ = bytes;
    }
    return buffer_.get();
  }
  bool holds(const char* data) const {
    return buffer_ != nullptr && std::less_equal<const char*>()(buffer_.get(), data) &&
           std::less<const char*>()(data, buffer_.get() + bytes_);
  }

 private:
  std::unique_ptr<char[]> buffer_;
  size_t bytes_ = 0;
};

thread_local ReadScratch read_scratch;

}  // namespace

Result<std::string_view> StoreImpl::read_checked_value(std::string_view key,
                                                       const IndexEntry& entry,
                                                       const Segment** segment_out) const {
  const Segment* segment = segments_.find(entry.segment_id);
  if (segment == nullptr) {
    return Status::corruption("key " + printable_key(key) + " points into segment " +
                              std::to_string(entry.segment_id) + ", which is not open");
  }
  Result<std::string_view> bytes = segment->file->read(entry.offset, entry.record_bytes,
                                                       read_scratch.reserve(entry.record_bytes));
  if (!bytes.is_ok()) return bytes.status();
  // A large record is hashed on its first read after the segment was opened, not on every one:
  // for a 1 MiB value the hash cost more than the rest of the read. Its header, key and
  // sequence are still checked below on every read.
  const bool remembered = VerifiedRecords::remembers(entry.record_bytes);
  const bool verified_before = remembered && segment->verified.contains(entry.offset);
  const DecodedRecord decoded =
      decode_record(*bytes, verified_before ? ChecksumCheck::kSkip : ChecksumCheck::kVerify);
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
  if (remembered && !verified_before) segment->verified.insert(entry.offset);
  *segment_out = segment;
  return decoded.record.value;
}

Result<std::string> StoreImpl::read_value(std::string_view key, const IndexEntry& entry) const {
  const Segment* segment = nullptr;
  Result<std::string_view> value = read_checked_value(key, entry, &segment);
  if (!value.is_ok()) return value.status();
  return std::string(*value);
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

Result<std::optional<ValueView>> StoreImpl::get_view(std::string_view key) {
  LOGKV_RETURN_IF_ERROR(check_open());
  LOGKV_RETURN_IF_ERROR(check_key(key, options_.limits));
  LOGKV_RETURN_IF_ERROR(check_not_damaged(key));
  std::optional<Result<ValueView>> view =
      keys_.with_entry(key, [&](const IndexEntry& entry) -> Result<ValueView> {
        const Segment* segment = nullptr;
        Result<std::string_view> value = read_checked_value(key, entry, &segment);
        if (!value.is_ok()) return value.status();
        if (read_scratch.holds(value->data())) return ValueView(std::string(*value));
        // The bytes are the file's own and stay valid while the file object lives
        // (RandomAccessFile::read). The shard lock keeps the segment in the table until the view
        // shares the file; after that, compaction may retire the segment and close() may drop
        // the table without unmapping what the view shows.
        return ValueView(segment->file, *value);
      });
  if (!view) return std::optional<ValueView>();
  if (!view->is_ok()) return view->status();
  return std::optional<ValueView>(std::move(*view).value());
}

Result<bool> StoreImpl::exists(std::string_view key) {
  LOGKV_RETURN_IF_ERROR(check_open());
  LOGKV_RETURN_IF_ERROR(check_key(key, options_.limits));
  LOGKV_RETURN_IF_ERROR(check_not_damaged(key));
  return keys_.find(key).has_value();
}

}  // namespace logkv
