#include "wal/segment_writer.h"

#include <cassert>
#include <utility>

#include "wal/file_names.h"
#include "wal/segment_header.h"

namespace logkv {
namespace {

// The encode buffer keeps its memory up to this size (room for a default 1 MiB value); a larger
// record's buffer is released after use rather than held for the life of the segment.
constexpr size_t kEncodeBufferRetainBytes = size_t{2} << 20;

}  // namespace

SegmentWriter::SegmentWriter(std::unique_ptr<WritableFile> file, uint64_t segment_id,
                             uint64_t existing_bytes)
    : file_(std::move(file)),
      segment_id_(segment_id),
      file_name_(segment_file_name(segment_id)),
      size_(existing_bytes),
      synced_bytes_(existing_bytes) {
  assert(file_ != nullptr);
  assert(file_->size() == existing_bytes);
}

Status SegmentWriter::health() const {
  if (closed_) {
    return Status::invalid_argument("segment " + file_name_ +
                                    " was already closed; open a new writer to append to it");
  }
  if (!failure_.is_ok()) {
    return Status::writes_stopped("segment " + file_name_ + ": an earlier write failed (" +
                                  failure_.to_string() +
                                  "), so the end of the file is unknown and nothing more is "
                                  "appended; close and reopen the store to recover from the log");
  }
  return Status::ok();
}

Status SegmentWriter::break_with(const Status& cause, std::string_view action) {
  const Status failure = cause.with_context(std::string(action) + " segment " + file_name_);
  failure_ = failure;
  return failure;
}

Status SegmentWriter::write_header() {
  LOGKV_RETURN_IF_ERROR(health());
  if (size_ != 0) {
    return Status::invalid_argument("segment " + file_name_ + " already holds " +
                                    std::to_string(size_) +
                                    " bytes; a header is written only to a new, empty file");
  }
  const std::string header = encode_segment_header(segment_id_);
  const Status appended = file_->append(header);
  if (!appended.is_ok()) return break_with(appended, "writing the header of");
  size_ = header.size();
  return Status::ok();
}

Result<uint64_t> SegmentWriter::stage(RecordType type, uint8_t flags, uint64_t sequence,
                                      std::string_view key, std::string_view value) {
  LOGKV_RETURN_IF_ERROR(health());
  const std::string where =
      "segment " + file_name_ + ": cannot append record " + std::to_string(sequence) + ": ";
  if (size_ < kSegmentHeaderBytes) {
    return Status::invalid_argument(where + "the segment has no header; call write_header()");
  }
  if (key.size() > kRecordKeyBytesMax) {
    return Status::invalid_argument(where + "the key holds " + std::to_string(key.size()) +
                                    " bytes, more than the format's " +
                                    std::to_string(kRecordKeyBytesMax));
  }
  if (value.size() > kRecordValueBytesMax) {
    return Status::invalid_argument(where + "the value holds " + std::to_string(value.size()) +
                                    " bytes, more than the format's " +
                                    std::to_string(kRecordValueBytesMax));
  }
  if (type == RecordType::kDelete && !value.empty()) {
    return Status::invalid_argument(where + "a delete record carries no value");
  }
  if ((flags & ~kRecordFlagsKnown) != 0) {
    return Status::invalid_argument(where + "unknown record flags");
  }
  if (sequence < kFirstSequence || sequence <= staged_last_sequence_) {
    return Status::invalid_argument(where +
                                    "sequence numbers start at 1 and must increase "
                                    "(previous record: " +
                                    std::to_string(staged_last_sequence_) + ")");
  }
  const uint64_t offset = size_ + encode_buffer_.size();
  const uint64_t record_bytes = encoded_record_bytes(key.size(), value.size());
  if (offset + record_bytes > kSegmentBytesMax) {
    return Status::limit_exceeded(where + "the segment holds " + std::to_string(offset) +
                                  " bytes and would grow past its format limit of " +
                                  std::to_string(kSegmentBytesMax) + "; start a new segment");
  }

  Record record;
  record.type = type;
  record.sequence = sequence;
  // synced_bytes_ <= size_ <= kSegmentBytesMax, which is the u32 range.
  record.synced_offset = static_cast<uint32_t>(synced_bytes_);
  record.key = key;
  record.value = value;
  record.flags = flags;
  append_encoded_record(record, &encode_buffer_);
  assert(encode_buffer_.size() == offset + record_bytes - size_);
  staged_last_sequence_ = sequence;
  return offset;
}

void SegmentWriter::discard_staged() {
  encode_buffer_.clear();
  staged_last_sequence_ = last_sequence_;
}

Status SegmentWriter::commit(bool sync) {
  LOGKV_RETURN_IF_ERROR(health());
  if (encode_buffer_.empty()) return sync ? this->sync() : Status::ok();
  const Status written =
      sync ? file_->append_and_sync(encode_buffer_) : file_->append(encode_buffer_);
  const uint64_t bytes = encode_buffer_.size();
  encode_buffer_.clear();
  if (encode_buffer_.capacity() > kEncodeBufferRetainBytes) std::string().swap(encode_buffer_);
  if (!written.is_ok())
    return break_with(written, sync ? "appending and syncing records in" : "appending records to");
  size_ += bytes;
  last_sequence_ = staged_last_sequence_;
  if (sync) synced_bytes_ = size_;
  return Status::ok();
}

Status SegmentWriter::sync() {
  LOGKV_RETURN_IF_ERROR(health());
  const Status synced = file_->sync();
  if (!synced.is_ok()) return break_with(synced, "syncing");
  synced_bytes_ = size_;
  return Status::ok();
}

Status SegmentWriter::close() {
  if (closed_) return health();
  closed_ = true;
  const Status closed = file_->close();
  if (!failure_.is_ok()) return failure_;
  return closed.with_context("closing segment " + file_name_);
}

}  // namespace logkv
