// WriteContext: what a group commit's leader shows each request while it prepares records.
//
// The leader is the only writer, so it reads the key directory without locks. Requests earlier
// in the same group have staged records that are not in the directory yet; the context overlays
// them, so that every request sees the store exactly as all requests before it leave it (a
// group behaves as if its requests ran one after another, in queue order).
//
// Thread-safety: used by the leader thread only.
#ifndef LOGKV_ENGINE_WRITE_CONTEXT_H_
#define LOGKV_ENGINE_WRITE_CONTEXT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/recent_deletes.h"
#include "index/key_directory.h"
#include "logkv/options.h"
#include "logkv/status.h"
#include "wal/record.h"

namespace logkv {

// A record a request wants appended. Key and value borrow bytes the request owns: a request
// stays alive (its writer blocked in WriteQueue::submit) until its group is committed.
struct StagedRecord {
  RecordType type;
  uint64_t sequence;
  std::string_view key;
  std::string_view value;
  size_t request;        // index of the request in its group
  bool batch_continues;  // more records of the same atomic request follow
};

class WriteContext {
 public:
  using ValueReader =
      std::function<Result<std::string>(std::string_view key, const IndexEntry& entry)>;

  // `recent_deletes` learns of every staged delete (for compare-and-swap on absent keys).
  WriteContext(const KeyDirectory& keys, const Limits& limits, uint64_t next_sequence,
               ValueReader read_value, RecentDeletes& recent_deletes);

  // Whether `key` is live, and its version: the sequence of its newest record (0 if absent).
  struct KeyState {
    bool present = false;
    uint64_t version = 0;
  };
  KeyState key_state(std::string_view key) const;
  // The key's current value, reading its record when the newest write is not in this group.
  Result<std::optional<std::string>> value(std::string_view key) const;
  size_t key_count() const { return key_count_; }
  // Whether `key` may have been deleted after sequence `sequence`, by a committed write or one
  // staged earlier in this group (RecentDeletes: never a false "no").
  bool maybe_deleted_after(std::string_view key, uint64_t sequence) const;
  const Limits& limits() const { return limits_; }

  // Stage records for the current request. They are applied in the order staged; the records of
  // one request form one atomic batch. `key` and `value` must stay valid until the group is
  // committed (bytes owned by the request or its caller).
  void stage_set(std::string_view key, std::string_view value);
  void stage_delete(std::string_view key);

  // Called by the leader around each request's prepare().
  void begin_request(size_t request);
  void end_request();    // seals the request's records as one batch
  void abort_request();  // drops what the request staged, as if it never ran

  const std::vector<StagedRecord>& staged() const { return staged_; }
  uint64_t next_sequence() const { return next_sequence_; }

 private:
  // The newest staged record of a key, by position in staged_ (values are not copied twice).
  struct Overlay {
    bool present;
    uint64_t version;
    size_t record;
  };
  void stage(RecordType type, std::string_view key, std::string_view value);
  void rebuild_overlay();

  const KeyDirectory& keys_;
  const Limits& limits_;
  const ValueReader read_value_;
  RecentDeletes& recent_deletes_;
  const uint64_t first_sequence_;
  const size_t committed_key_count_;
  uint64_t next_sequence_;
  size_t key_count_;
  size_t request_ = 0;
  size_t request_first_record_ = 0;
  uint64_t request_first_sequence_ = 0;
  std::vector<StagedRecord> staged_;
  std::unordered_map<std::string, Overlay> overlay_;
};

}  // namespace logkv

#endif  // LOGKV_ENGINE_WRITE_CONTEXT_H_
