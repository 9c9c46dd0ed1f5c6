#include "wal/segment_writer.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/wal/wal_test_util.h"
#include "wal/record_format.h"
#include "wal/segment_header.h"
#include "wal/segment_scanner.h"

namespace logkv {
namespace {

using testing::append_one;
using testing::StringFileState;
using testing::StringWritableFile;

constexpr uint64_t kSegmentId = 9;

struct WriterFixture {
  std::shared_ptr<StringFileState> state = std::make_shared<StringFileState>();
  std::unique_ptr<SegmentWriter> writer;

  explicit WriterFixture(uint64_t existing_bytes = 0, std::string existing_contents = "") {
    state->contents = std::move(existing_contents);
    state->base_bytes = existing_bytes - state->contents.size();
    writer = std::make_unique<SegmentWriter>(std::make_unique<StringWritableFile>(state),
                                             kSegmentId, existing_bytes);
  }
};

std::vector<ScannedRecord> scan_all(const std::string& contents, SegmentScan* result) {
  std::vector<ScannedRecord> records;
  *result = scan_segment(contents, "0000000009.log", kSegmentId, true,
                         [&](const ScannedRecord& scanned) { records.push_back(scanned); });
  return records;
}

TEST(SegmentWriterTest, WritesHeaderThenRecordsThatScanBack) {
  WriterFixture fixture;
  SegmentWriter& writer = *fixture.writer;
  ASSERT_TRUE(writer.write_header().is_ok());
  EXPECT_EQ(fixture.state->contents, encode_segment_header(kSegmentId));
  const Result<uint64_t> first = append_one(writer, RecordType::kSet, 1, "apple", "red");
  const Result<uint64_t> second = append_one(writer, RecordType::kDelete, 2, "pear", "");
  const Result<uint64_t> third = append_one(writer, RecordType::kSet, 5, "", "");
  ASSERT_TRUE(first.is_ok() && second.is_ok() && third.is_ok());
  EXPECT_EQ(*first, kSegmentHeaderBytes);
  EXPECT_EQ(*second, kSegmentHeaderBytes + encoded_record_bytes(5, 3));
  EXPECT_EQ(*third, *second + encoded_record_bytes(4, 0));
  EXPECT_EQ(writer.size(), fixture.state->contents.size());

  SegmentScan result;
  const std::vector<ScannedRecord> records = scan_all(fixture.state->contents, &result);
  ASSERT_TRUE(result.status.is_ok()) << result.status.to_string();
  EXPECT_FALSE(result.torn_tail);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].record.key, "apple");
  EXPECT_EQ(records[0].record.value, "red");
  EXPECT_EQ(records[1].record.type, RecordType::kDelete);
  EXPECT_EQ(records[1].offset, *second);
  EXPECT_EQ(records[2].record.sequence, 5u);
}

TEST(SegmentWriterTest, EachRecordIsOneAppendCall) {
  WriterFixture fixture;
  ASSERT_TRUE(fixture.writer->write_header().is_ok());
  ASSERT_TRUE(
      append_one(*fixture.writer, RecordType::kSet, 1, "k", std::string(5000, 'v')).is_ok());
  ASSERT_TRUE(append_one(*fixture.writer, RecordType::kSet, 2, "k", "v").is_ok());
  EXPECT_EQ(fixture.state->appends, 3);
}

TEST(SegmentWriterTest, SyncedOffsetTracksSyncs) {
  WriterFixture fixture;
  SegmentWriter& writer = *fixture.writer;
  ASSERT_TRUE(writer.write_header().is_ok());
  EXPECT_EQ(writer.synced_bytes(), 0u);
  ASSERT_TRUE(append_one(writer, RecordType::kSet, 1, "a", "1").is_ok());
  ASSERT_TRUE(writer.sync().is_ok());
  const uint64_t after_first_sync = writer.size();
  EXPECT_EQ(writer.synced_bytes(), after_first_sync);
  ASSERT_TRUE(append_one(writer, RecordType::kSet, 2, "b", "2").is_ok());
  ASSERT_TRUE(append_one(writer, RecordType::kSet, 3, "c", "3").is_ok());
  EXPECT_EQ(writer.synced_bytes(), after_first_sync);
  ASSERT_TRUE(writer.sync().is_ok());
  const uint64_t after_second_sync = writer.size();
  ASSERT_TRUE(append_one(writer, RecordType::kSet, 4, "d", "4").is_ok());

  SegmentScan result;
  const std::vector<ScannedRecord> records = scan_all(fixture.state->contents, &result);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].record.synced_offset, 0u);
  EXPECT_EQ(records[1].record.synced_offset, after_first_sync);
  EXPECT_EQ(records[2].record.synced_offset, after_first_sync);
  EXPECT_EQ(records[3].record.synced_offset, after_second_sync);
  EXPECT_EQ(fixture.state->synced_bytes, after_second_sync);
}

TEST(SegmentWriterTest, ReopenedSegmentContinuesAfterExistingBytes) {
  WriterFixture first;
  ASSERT_TRUE(first.writer->write_header().is_ok());
  ASSERT_TRUE(append_one(*first.writer, RecordType::kSet, 1, "a", "1").is_ok());
  ASSERT_TRUE(first.writer->close().is_ok());
  const std::string existing = first.state->contents;

  WriterFixture reopened(existing.size(), existing);
  EXPECT_EQ(reopened.writer->size(), existing.size());
  EXPECT_EQ(reopened.writer->synced_bytes(), existing.size());
  const Result<uint64_t> offset = append_one(*reopened.writer, RecordType::kSet, 2, "b", "2");
  ASSERT_TRUE(offset.is_ok());
  EXPECT_EQ(*offset, existing.size());

  SegmentScan result;
  const std::vector<ScannedRecord> records = scan_all(reopened.state->contents, &result);
  ASSERT_TRUE(result.status.is_ok()) << result.status.to_string();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].record.synced_offset, existing.size());
}

TEST(SegmentWriterTest, HeaderIsRefusedOnANonEmptyFile) {
  const std::string existing = encode_segment_header(kSegmentId);
  WriterFixture fixture(existing.size(), existing);
  const Status status = fixture.writer->write_header();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(fixture.state->contents, existing);
  EXPECT_TRUE(fixture.writer->health().is_ok());
}

TEST(SegmentWriterTest, AppendBeforeHeaderIsRefused) {
  WriterFixture fixture;
  const Result<uint64_t> offset = append_one(*fixture.writer, RecordType::kSet, 1, "k", "v");
  EXPECT_EQ(offset.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(offset.status().message().find("write_header"), std::string::npos);
  EXPECT_TRUE(fixture.state->contents.empty());
}

struct RefusedAppend {
  const char* name;
  RecordType type;
  uint64_t sequence;
  size_t key_bytes;
  size_t value_bytes;
  const char* why;
};

TEST(SegmentWriterTest, InvalidRecordsAreRefusedAndTheWriterStaysUsable) {
  const RefusedAppend cases[] = {
      {"key too long", RecordType::kSet, 2, kRecordKeyBytesMax + 1, 0, "the key holds 65536"},
      {"delete with value", RecordType::kDelete, 2, 1, 1, "a delete record carries no value"},
      {"sequence zero", RecordType::kSet, 0, 1, 1, "sequence numbers start at 1"},
      {"sequence repeated", RecordType::kSet, 1, 1, 1, "previous record: 1"},
  };
  for (const RefusedAppend& refused : cases) {
    WriterFixture fixture;
    ASSERT_TRUE(fixture.writer->write_header().is_ok());
    ASSERT_TRUE(append_one(*fixture.writer, RecordType::kSet, 1, "k", "v").is_ok());
    const uint64_t size_before = fixture.writer->size();
    const Result<uint64_t> offset =
        append_one(*fixture.writer, refused.type, refused.sequence,
                   std::string(refused.key_bytes, 'k'), std::string(refused.value_bytes, 'v'));
    EXPECT_EQ(offset.status().code(), StatusCode::kInvalidArgument) << refused.name;
    EXPECT_NE(offset.status().message().find(refused.why), std::string::npos)
        << offset.status().to_string();
    EXPECT_NE(offset.status().message().find("0000000009.log"), std::string::npos);
    EXPECT_EQ(fixture.writer->size(), size_before) << refused.name;
    EXPECT_EQ(fixture.state->contents.size(), size_before) << refused.name;
    EXPECT_TRUE(append_one(*fixture.writer, RecordType::kSet, 7, "k", "v").is_ok()) << refused.name;
  }
}

TEST(SegmentWriterTest, AppendThatWouldOutgrowTheSegmentLimitIsRefused) {
  // The file poses as one whose first bytes are already there, close to the u32 limit.
  const uint64_t existing = kSegmentBytesMax - encoded_record_bytes(1, 10);
  WriterFixture fixture(existing);
  const Result<uint64_t> too_big =
      append_one(*fixture.writer, RecordType::kSet, 1, "k", "12345678901");
  EXPECT_EQ(too_big.status().code(), StatusCode::kLimitExceeded);
  EXPECT_NE(too_big.status().message().find("start a new segment"), std::string::npos);
  EXPECT_TRUE(fixture.state->contents.empty());
  const Result<uint64_t> fits = append_one(*fixture.writer, RecordType::kSet, 1, "k", "1234567890");
  ASSERT_TRUE(fits.is_ok()) << fits.status().to_string();
  EXPECT_EQ(fixture.writer->size(), kSegmentBytesMax);
}

void expect_every_call_fails(SegmentWriter& writer, StringFileState& state,
                             const std::string& first_failure) {
  const int appends_before = state.appends;
  const int syncs_before = state.syncs;
  const Result<uint64_t> offset = append_one(writer, RecordType::kSet, 100, "k", "v");
  EXPECT_EQ(offset.status().code(), StatusCode::kWritesStopped);
  EXPECT_NE(offset.status().message().find(first_failure), std::string::npos)
      << offset.status().to_string();
  EXPECT_EQ(writer.sync().code(), StatusCode::kWritesStopped);
  EXPECT_EQ(writer.write_header().code(), StatusCode::kWritesStopped);
  EXPECT_EQ(writer.health().code(), StatusCode::kWritesStopped);
  // The file is not touched again: its tail is unknown and a failed sync is never retried.
  EXPECT_EQ(state.appends, appends_before);
  EXPECT_EQ(state.syncs, syncs_before);
  EXPECT_FALSE(writer.close().is_ok());
  EXPECT_TRUE(state.closed);
}

TEST(SegmentWriterTest, AfterAnAppendFailureEveryCallFails) {
  WriterFixture fixture;
  ASSERT_TRUE(fixture.writer->write_header().is_ok());
  ASSERT_TRUE(append_one(*fixture.writer, RecordType::kSet, 1, "a", "1").is_ok());
  const uint64_t size_before = fixture.writer->size();
  fixture.state->fail_appends = true;
  fixture.state->partial_failed_append = true;
  const Result<uint64_t> failed = append_one(*fixture.writer, RecordType::kSet, 2, "b", "2");
  EXPECT_EQ(failed.status().code(), StatusCode::kIOError);
  EXPECT_NE(failed.status().message().find("0000000009.log"), std::string::npos);
  EXPECT_EQ(fixture.writer->size(), size_before);
  fixture.state->fail_appends = false;
  expect_every_call_fails(*fixture.writer, *fixture.state, "injected append failure");
}

TEST(SegmentWriterTest, AfterAHeaderFailureEveryCallFails) {
  WriterFixture fixture;
  fixture.state->fail_appends = true;
  EXPECT_EQ(fixture.writer->write_header().code(), StatusCode::kIOError);
  fixture.state->fail_appends = false;
  expect_every_call_fails(*fixture.writer, *fixture.state, "injected append failure");
}

TEST(SegmentWriterTest, AfterASyncFailureEveryCallFails) {
  WriterFixture fixture;
  ASSERT_TRUE(fixture.writer->write_header().is_ok());
  ASSERT_TRUE(append_one(*fixture.writer, RecordType::kSet, 1, "a", "1").is_ok());
  fixture.state->fail_syncs = true;
  EXPECT_EQ(fixture.writer->sync().code(), StatusCode::kIOError);
  EXPECT_EQ(fixture.writer->synced_bytes(), 0u);
  fixture.state->fail_syncs = false;
  expect_every_call_fails(*fixture.writer, *fixture.state, "injected sync failure");
}

TEST(SegmentWriterTest, CloseReportsTheFilesCloseError) {
  WriterFixture fixture;
  ASSERT_TRUE(fixture.writer->write_header().is_ok());
  fixture.state->fail_close = true;
  const Status closed = fixture.writer->close();
  EXPECT_EQ(closed.code(), StatusCode::kIOError);
  EXPECT_NE(closed.message().find("closing segment 0000000009.log"), std::string::npos);
}

TEST(SegmentWriterTest, CallsAfterCloseFail) {
  WriterFixture fixture;
  ASSERT_TRUE(fixture.writer->write_header().is_ok());
  ASSERT_TRUE(fixture.writer->close().is_ok());
  EXPECT_TRUE(fixture.state->closed);
  EXPECT_FALSE(append_one(*fixture.writer, RecordType::kSet, 1, "k", "v").is_ok());
  EXPECT_FALSE(fixture.writer->sync().is_ok());
  EXPECT_FALSE(fixture.writer->close().is_ok());
  EXPECT_EQ(fixture.state->appends, 1);
  EXPECT_EQ(fixture.state->syncs, 0);
}

TEST(SegmentWriterTest, CloseDoesNotSync) {
  WriterFixture fixture;
  ASSERT_TRUE(fixture.writer->write_header().is_ok());
  ASSERT_TRUE(fixture.writer->close().is_ok());
  EXPECT_EQ(fixture.state->syncs, 0);
  EXPECT_EQ(fixture.state->synced_bytes, 0u);
}

}  // namespace
}  // namespace logkv

namespace logkv {
namespace {

TEST(SegmentWriterGroupTest, StagedRecordsReachTheFileInOneAppend) {
  auto state = std::make_shared<testing::StringFileState>();
  SegmentWriter writer(std::make_unique<testing::StringWritableFile>(state), 7, 0);
  ASSERT_TRUE(writer.write_header().is_ok());
  ASSERT_TRUE(writer.sync().is_ok());
  const int appends_before = state->appends;
  Result<uint64_t> first = writer.stage(RecordType::kSet, kRecordFlagBatchContinues, 1, "a", "1");
  Result<uint64_t> second = writer.stage(RecordType::kDelete, 0, 2, "b", "");
  ASSERT_TRUE(first.is_ok() && second.is_ok());
  EXPECT_EQ(*first, kSegmentHeaderBytes);
  EXPECT_EQ(*second, kSegmentHeaderBytes + encoded_record_bytes(1, 1));
  EXPECT_EQ(writer.size(), kSegmentHeaderBytes) << "staging writes nothing";
  ASSERT_TRUE(writer.commit(/*sync=*/true).is_ok());
  EXPECT_EQ(state->appends, appends_before + 1);
  EXPECT_EQ(writer.size(), *second + encoded_record_bytes(1, 0));
  EXPECT_EQ(writer.synced_bytes(), writer.size());

  const DecodedRecord decoded = decode_record(std::string_view(state->contents).substr(*first));
  ASSERT_EQ(decoded.status, DecodeStatus::kOk);
  EXPECT_EQ(decoded.record.flags, kRecordFlagBatchContinues);
  EXPECT_EQ(decoded.record.synced_offset, kSegmentHeaderBytes);
}

TEST(SegmentWriterGroupTest, DiscardedRecordsAreNeverWrittenAndSequencesRewind) {
  auto state = std::make_shared<testing::StringFileState>();
  SegmentWriter writer(std::make_unique<testing::StringWritableFile>(state), 7, 0);
  ASSERT_TRUE(writer.write_header().is_ok());
  ASSERT_TRUE(writer.stage(RecordType::kSet, 0, 5, "a", "1").is_ok());
  writer.discard_staged();
  EXPECT_EQ(writer.staged_bytes(), 0u);
  ASSERT_TRUE(writer.commit(false).is_ok());
  EXPECT_EQ(state->contents.size(), kSegmentHeaderBytes);
  EXPECT_TRUE(writer.stage(RecordType::kSet, 0, 5, "a", "1").is_ok())
      << "a discarded sequence number may be used again";
}

}  // namespace
}  // namespace logkv
