#include "engine/write_context.h"

namespace logkv {

WriteContext::WriteContext(const KeyDirectory& keys, const Limits& limits, uint64_t next_sequence,
                           ValueReader read_value, RecentDeletes& recent_deletes)
    : keys_(keys),
      limits_(limits),
      read_value_(std::move(read_value)),
      recent_deletes_(recent_deletes),
      first_sequence_(next_sequence),
      committed_key_count_(keys.size()),
      next_sequence_(next_sequence),
      key_count_(keys.size()) {}

WriteContext::KeyState WriteContext::key_state(std::string_view key) const {
  if (auto it = overlay_.find(std::string(key)); it != overlay_.end()) {
    return {it->second.present, it->second.version};
  }
  std::optional<IndexEntry> entry = keys_.find_unlocked_by_writer(key);
  if (!entry) return {};
  return {true, entry->sequence};
}

Result<std::optional<std::string>> WriteContext::value(std::string_view key) const {
  if (auto it = overlay_.find(std::string(key)); it != overlay_.end()) {
    if (!it->second.present) return std::optional<std::string>();
    return std::optional<std::string>(std::string(staged_[it->second.record].value));
  }
  std::optional<IndexEntry> entry = keys_.find_unlocked_by_writer(key);
  if (!entry) return std::optional<std::string>();
  Result<std::string> value = read_value_(key, *entry);
  if (!value.is_ok()) return value.status();
  return std::optional<std::string>(std::move(value).value());
}

void WriteContext::stage(RecordType type, std::string_view key, std::string_view value) {
  const bool was_present = key_state(key).present;
  const bool now_present = type == RecordType::kSet;
  if (was_present != now_present) key_count_ += now_present ? 1 : -1;
  const uint64_t sequence = next_sequence_++;
  staged_.push_back(StagedRecord{type, sequence, key, value, request_, /*batch_continues=*/false});
  overlay_[std::string(key)] = Overlay{now_present, now_present ? sequence : 0, staged_.size() - 1};
}

void WriteContext::stage_set(std::string_view key, std::string_view value) {
  stage(RecordType::kSet, key, value);
}

void WriteContext::stage_delete(std::string_view key) {
  stage(RecordType::kDelete, key, {});
  // Noted now, not when the group is committed: a later request of this group must see it. A
  // group that then fails leaves the note behind, which can only refuse a swap.
  recent_deletes_.note_delete(KeyDirectory::hash_key(key), staged_.back().sequence);
}

bool WriteContext::maybe_deleted_after(std::string_view key, uint64_t sequence) const {
  return recent_deletes_.deleted_after(KeyDirectory::hash_key(key), sequence);
}

void WriteContext::begin_request(size_t request) {
  request_ = request;
  request_first_record_ = staged_.size();
  request_first_sequence_ = next_sequence_;
}

void WriteContext::end_request() {
  // Every record of the request but its last says "the batch continues": recovery applies the
  // records only once it has read the last one, so a torn batch is never half-applied.
  for (size_t i = request_first_record_; i + 1 < staged_.size(); ++i) {
    staged_[i].batch_continues = true;
  }
}

void WriteContext::abort_request() {
  if (staged_.size() == request_first_record_) return;
  staged_.resize(request_first_record_);
  next_sequence_ = request_first_sequence_;
  rebuild_overlay();
}

void WriteContext::rebuild_overlay() {
  overlay_.clear();
  key_count_ = committed_key_count_;
  next_sequence_ = first_sequence_;
  std::vector<StagedRecord> records = std::move(staged_);
  staged_.clear();
  for (const StagedRecord& record : records) {
    request_ = record.request;
    stage(record.type, record.key, record.value);
    staged_.back().batch_continues = record.batch_continues;
  }
}

}  // namespace logkv
