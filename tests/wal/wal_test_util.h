// Helpers shared by the wal/ tests: an in-memory WritableFile that can be told to fail, a
// builder for hand-made segments (including records no SegmentWriter would write), byte-level
// damage, and the seed of randomised tests.
#ifndef LOGKV_TESTS_WAL_WAL_TEST_UTIL_H_
#define LOGKV_TESTS_WAL_WAL_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <concepts>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <utility>

#include "base/endian_coding.h"
#include "fs/file_system.h"
#include "wal/record.h"
#include "wal/record_format.h"
#include "wal/segment_header.h"
#include "wal/segment_writer.h"

namespace logkv::testing {

// What a StringWritableFile holds and how it behaves; shared with the test so that it stays
// visible after a SegmentWriter took ownership of the file.
struct StringFileState {
  std::string contents;
  // Bytes the file held before `contents` (never stored), so a test can pose as a huge file.
  uint64_t base_bytes = 0;
  // Length of the file at its last successful sync: what a power loss would keep.
  uint64_t synced_bytes = 0;
  bool fail_appends = false;
  // With fail_appends, a failing append still stores the first half of its data, like a write
  // cut short by a full disk.
  bool partial_failed_append = false;
  bool fail_syncs = false;
  bool fail_close = false;
  int appends = 0;  // calls, failed ones included
  int syncs = 0;
  bool closed = false;
};

class StringWritableFile final : public WritableFile {
 public:
  explicit StringWritableFile(std::shared_ptr<StringFileState> state) : state_(std::move(state)) {}

  Status append(std::string_view data) override {
    ++state_->appends;
    if (state_->closed) return Status::io_error("string file: append after close");
    if (state_->fail_appends) {
      if (state_->partial_failed_append) state_->contents.append(data.substr(0, data.size() / 2));
      return Status::io_error("string file: injected append failure");
    }
    state_->contents.append(data);
    return Status::ok();
  }
  Status sync() override {
    ++state_->syncs;
    if (state_->fail_syncs) return Status::io_error("string file: injected sync failure");
    state_->synced_bytes = size();
    return Status::ok();
  }
  Status close() override {
    state_->closed = true;
    if (state_->fail_close) return Status::io_error("string file: injected close failure");
    return Status::ok();
  }
  uint64_t size() const override { return state_->base_bytes + state_->contents.size(); }

 private:
  std::shared_ptr<StringFileState> state_;
};

// Builds segment contents record by record, with any field values the test wants.
class SegmentBuilder {
 public:
  explicit SegmentBuilder(uint64_t segment_id) : contents_(encode_segment_header(segment_id)) {}

  // Appends an encoded record and returns its offset.
  uint64_t add(uint64_t sequence, uint32_t synced_offset, std::string_view key,
               std::string_view value, RecordType type = RecordType::kSet, uint8_t flags = 0) {
    const uint64_t offset = contents_.size();
    Record record{type, sequence, synced_offset, key, value};
    record.flags = flags;
    append_encoded_record(record, &contents_);
    return offset;
  }
  // A record of an atomic batch that more records follow.
  uint64_t add_batch_member(uint64_t sequence, uint32_t synced_offset, std::string_view key,
                            std::string_view value) {
    return add(sequence, synced_offset, key, value, RecordType::kSet, kRecordFlagBatchContinues);
  }
  // Appends bytes that are not a record.
  void add_raw(std::string_view bytes) { contents_.append(bytes); }

  uint64_t size() const { return contents_.size(); }
  std::string& contents() { return contents_; }

 private:
  std::string contents_;
};

// One record staged and committed without a sync, as a single append: what the store's group
// commit does for a group of one.
inline Result<uint64_t> append_one(SegmentWriter& writer, RecordType type, uint64_t sequence,
                                   std::string_view key, std::string_view value) {
  writer.discard_staged();
  Result<uint64_t> offset = writer.stage(type, 0, sequence, key, value);
  if (!offset.is_ok()) return offset.status();
  LOGKV_RETURN_IF_ERROR(writer.commit(/*sync=*/false));
  return offset;
}

inline void flip_bit(std::string* bytes, size_t offset, int bit = 0) {
  (*bytes)[offset] = static_cast<char>((*bytes)[offset] ^ (1 << bit));
}

// Overwrites a header field of the record at `record_offset`, then recomputes the record's
// checksum so that only the field is wrong.
template <std::unsigned_integral T>
void set_record_field_and_reseal(std::string* bytes, size_t record_offset, size_t field_offset,
                                 T value) {
  char* header = bytes->data() + record_offset;
  store_little_endian(header + field_offset, value);
  const auto key_bytes = load_little_endian<uint16_t>(header + kRecordKeyLenOffset);
  const auto value_bytes = load_little_endian<uint32_t>(header + kRecordValueLenOffset);
  const std::string_view record(header, encoded_record_bytes(key_bytes, value_bytes));
  store_little_endian(header + kRecordChecksumOffset, compute_record_checksum(record));
}

// The seed of a randomised test: LOGKV_TEST_SEED when set, else a fresh one. Recorded in the
// test's XML properties and printed as "seed=N" so a failure can be replayed.
inline uint64_t test_seed() {
  uint64_t seed = 0;
  if (const char* from_env = std::getenv("LOGKV_TEST_SEED"); from_env != nullptr) {
    seed = std::strtoull(from_env, nullptr, 10);
  } else {
    seed = (static_cast<uint64_t>(std::random_device{}()) << 32) | std::random_device{}();
  }
  ::testing::Test::RecordProperty("seed", std::to_string(seed));
  std::cout << "seed=" << seed << " (replay with LOGKV_TEST_SEED=" << seed << ")" << std::endl;
  return seed;
}

}  // namespace logkv::testing

#endif  // LOGKV_TESTS_WAL_WAL_TEST_UTIL_H_
