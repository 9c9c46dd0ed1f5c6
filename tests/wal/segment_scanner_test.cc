#include "wal/segment_scanner.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/wal/wal_test_util.h"
#include "wal/record_format.h"
#include "wal/segment_header.h"

namespace logkv {
namespace {

using testing::flip_bit;
using testing::SegmentBuilder;
using testing::set_record_field_and_reseal;

constexpr uint64_t kSegmentId = 3;
constexpr std::string_view kFileName = "0000000003.log";

struct Visit {
  uint64_t sequence;
  uint64_t offset;
  std::string key;
};

struct ScanOutcome {
  SegmentScan scan;
  std::vector<Visit> visits;
};

ScanOutcome scan(std::string_view contents, SyncedPrefix synced) {
  ScanOutcome outcome;
  outcome.scan =
      scan_segment(contents, kFileName, kSegmentId, synced, [&](const ScannedRecord& scanned) {
        outcome.visits.push_back(
            Visit{scanned.record.sequence, scanned.offset, std::string(scanned.record.key)});
      });
  return outcome;
}

ScanOutcome scan(std::string_view contents, bool is_newest) {
  return scan(contents, SyncedPrefix::of(is_newest));
}

std::vector<uint64_t> sequences(const ScanOutcome& outcome) {
  std::vector<uint64_t> result;
  for (const Visit& visit : outcome.visits) result.push_back(visit.sequence);
  return result;
}

void expect_clean(const ScanOutcome& outcome, uint64_t file_bytes) {
  EXPECT_TRUE(outcome.scan.status.is_ok()) << outcome.scan.status.to_string();
  EXPECT_FALSE(outcome.scan.torn_tail);
  EXPECT_EQ(outcome.scan.valid_end, file_bytes);
  EXPECT_EQ(outcome.scan.file_bytes, file_bytes);
}

void expect_torn_tail(const ScanOutcome& outcome, uint64_t valid_end, uint64_t file_bytes) {
  EXPECT_TRUE(outcome.scan.status.is_ok()) << outcome.scan.status.to_string();
  EXPECT_TRUE(outcome.scan.torn_tail);
  EXPECT_EQ(outcome.scan.valid_end, valid_end);
  EXPECT_EQ(outcome.scan.file_bytes, file_bytes);
}

void expect_corruption_at(const ScanOutcome& outcome, uint64_t offset, std::string_view why) {
  const Status& status = outcome.scan.status;
  EXPECT_EQ(status.code(), StatusCode::kCorruption) << status.to_string();
  EXPECT_FALSE(outcome.scan.torn_tail);
  EXPECT_EQ(outcome.scan.valid_end, offset);
  EXPECT_NE(status.message().find(kFileName), std::string::npos) << status.to_string();
  EXPECT_NE(status.message().find("offset " + std::to_string(offset)), std::string::npos)
      << status.to_string();
  EXPECT_NE(status.message().find(why), std::string::npos) << status.to_string();
}

// Three records as a writer with a sync after the first would write them.
SegmentBuilder three_records() {
  SegmentBuilder builder(kSegmentId);
  builder.add(10, 0, "alpha", "one");
  const uint32_t synced = static_cast<uint32_t>(builder.size());
  builder.add(11, synced, "beta", "", RecordType::kDelete);
  builder.add(12, synced, "gamma", "three");
  return builder;
}

TEST(SegmentScannerTest, CleanSegmentVisitsEveryRecordInOrder) {
  SegmentBuilder builder = three_records();
  for (bool is_newest : {true, false}) {
    const ScanOutcome outcome = scan(builder.contents(), is_newest);
    expect_clean(outcome, builder.size());
    EXPECT_EQ(sequences(outcome), (std::vector<uint64_t>{10, 11, 12}));
    EXPECT_EQ(outcome.visits[0].offset, kSegmentHeaderBytes);
    EXPECT_EQ(outcome.visits[1].key, "beta");
    EXPECT_EQ(outcome.scan.records, 3u);
    EXPECT_EQ(outcome.scan.last_sequence, 12u);
  }
}

TEST(SegmentScannerTest, HeaderOnlySegmentIsClean) {
  const std::string contents = encode_segment_header(kSegmentId);
  const ScanOutcome outcome = scan(contents, false);
  expect_clean(outcome, kSegmentHeaderBytes);
  EXPECT_EQ(outcome.scan.records, 0u);
  EXPECT_EQ(outcome.scan.last_sequence, 0u);
}

TEST(SegmentScannerTest, ReportsEachRecordsOffsetAndSize) {
  SegmentBuilder builder(kSegmentId);
  builder.add(1, 0, "k", "v");
  const uint64_t second = builder.add(2, 0, "key", "value");
  std::vector<ScannedRecord> seen;
  const SegmentScan result = scan_segment(builder.contents(), kFileName, kSegmentId, true,
                                          [&](const ScannedRecord& r) { seen.push_back(r); });
  ASSERT_TRUE(result.status.is_ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].offset, second);
  EXPECT_EQ(seen[1].bytes, encoded_record_bytes(3, 5));
  EXPECT_EQ(seen[1].record.value, "value");
}

TEST(SegmentScannerTest, NewestTruncatedLastRecordIsTornTail) {
  SegmentBuilder builder = three_records();
  const uint64_t last = 32 + encoded_record_bytes(5, 3) + encoded_record_bytes(4, 0);
  for (uint64_t cut = last + 1; cut < builder.size(); ++cut) {
    const ScanOutcome outcome = scan(std::string_view(builder.contents()).substr(0, cut), true);
    expect_torn_tail(outcome, last, cut);
    EXPECT_EQ(sequences(outcome), (std::vector<uint64_t>{10, 11})) << "cut " << cut;
  }
}

// The synced-point marker (wal/synced_marker.h) makes the bytes it names durable: damage before
// its length is corruption even with no later record to prove it, damage past it may be torn, and
// a file shorter than it was cut.
TEST(SegmentScannerTest, DamageBeforeTheRecordedSyncedLengthIsCorruption) {
  SegmentBuilder builder = three_records();
  const uint64_t last = 32 + encoded_record_bytes(5, 3) + encoded_record_bytes(4, 0);
  for (uint64_t position = last; position < builder.size(); ++position) {
    std::string damaged = builder.contents();
    damaged[position] = static_cast<char>(damaged[position] ^ 0x5a);
    const ScanOutcome torn = scan(damaged, SyncedPrefix::recorded(last));
    expect_torn_tail(torn, last, builder.size());
    const ScanOutcome corrupt = scan(damaged, SyncedPrefix::recorded(builder.size()));
    expect_corruption_at(corrupt, last, "SYNCED");
    EXPECT_FALSE(corrupt.scan.cut_short);
    EXPECT_EQ(sequences(corrupt), (std::vector<uint64_t>{10, 11})) << "position " << position;
  }
}

TEST(SegmentScannerTest, NewestShorterThanTheRecordedSyncedLengthWasCutShort) {
  SegmentBuilder builder = three_records();
  const uint64_t last = 32 + encoded_record_bytes(5, 3) + encoded_record_bytes(4, 0);
  // Cut exactly where a record ends: well-formed, but shorter than what had been synced.
  const ScanOutcome outcome = scan(std::string_view(builder.contents()).substr(0, last),
                                   SyncedPrefix::recorded(builder.size()));
  EXPECT_EQ(outcome.scan.status.code(), StatusCode::kCorruption);
  EXPECT_TRUE(outcome.scan.cut_short);
  EXPECT_FALSE(outcome.scan.torn_tail);
  EXPECT_EQ(outcome.scan.damage_offset, last);
  EXPECT_NE(outcome.scan.status.message().find("cut short"), std::string::npos)
      << outcome.scan.status.to_string();
  EXPECT_EQ(sequences(outcome), (std::vector<uint64_t>{10, 11}));
  // Cut to its header, or to nothing at all, likewise.
  for (uint64_t length : {uint64_t{kSegmentHeaderBytes}, uint64_t{0}}) {
    const ScanOutcome cut = scan(std::string_view(builder.contents()).substr(0, length),
                                 SyncedPrefix::recorded(builder.size()));
    EXPECT_EQ(cut.scan.status.code(), StatusCode::kCorruption) << length;
    EXPECT_FALSE(cut.scan.torn_tail) << length;
  }
  // Not shorter: clean.
  expect_clean(scan(builder.contents(), SyncedPrefix::recorded(builder.size())), builder.size());
}

TEST(SegmentScannerTest, ZeroedHeaderIsCorruptionOnceRecordedAsSynced) {
  std::string contents = encode_segment_header(kSegmentId);
  contents[5] = 0;
  EXPECT_TRUE(scan(contents, SyncedPrefix::unknown()).scan.torn_tail);
  const ScanOutcome outcome = scan(contents, SyncedPrefix::recorded(kSegmentHeaderBytes));
  EXPECT_EQ(outcome.scan.status.code(), StatusCode::kCorruption);
  EXPECT_FALSE(outcome.scan.torn_tail);
}

TEST(SegmentScannerTest, NewestZeroFilledTailIsTornTail) {
  SegmentBuilder builder = three_records();
  const uint64_t end = builder.size();
  builder.add_raw(std::string(4096, '\0'));
  const ScanOutcome outcome = scan(builder.contents(), true);
  expect_torn_tail(outcome, end, end + 4096);
  EXPECT_EQ(outcome.scan.records, 3u);
}

TEST(SegmentScannerTest, NewestShortZeroTailIsTornTail) {
  SegmentBuilder builder = three_records();
  const uint64_t end = builder.size();
  builder.add_raw(std::string(5, '\0'));
  expect_torn_tail(scan(builder.contents(), true), end, end + 5);
}

TEST(SegmentScannerTest, NewestGarbageTailWhoseRecordsClaimOnlyEarlierSyncsIsTornTail) {
  // A crash let later unsynced pages reach the disk but not an earlier one: the records after
  // the damage are intact, yet each was appended while only bytes before it were durable.
  SegmentBuilder builder(kSegmentId);
  builder.add(1, 0, "a", "1");
  const uint32_t synced = static_cast<uint32_t>(builder.size());
  const uint64_t damaged = builder.add(2, synced, "b", "2");
  builder.add(3, synced, "c", "3");
  builder.add(4, synced, "d", "4");
  builder.add_raw("garbage after the records");
  flip_bit(&builder.contents(), damaged + kRecordHeaderBytes);
  const ScanOutcome outcome = scan(builder.contents(), true);
  expect_torn_tail(outcome, damaged, builder.size());
  EXPECT_EQ(sequences(outcome), (std::vector<uint64_t>{1}));
}

TEST(SegmentScannerTest, LaterRecordClaimingExactlyTheDamageOffsetIsNoProof) {
  // synced_offset == X says the bytes *before* X were durable, not the record at X.
  SegmentBuilder builder(kSegmentId);
  builder.add(1, 0, "a", "1");
  const uint64_t damaged = builder.add(2, 0, "b", "2");
  builder.add(3, static_cast<uint32_t>(damaged), "c", "3");
  flip_bit(&builder.contents(), damaged + kRecordSequenceOffset);
  expect_torn_tail(scan(builder.contents(), true), damaged, builder.size());
}

TEST(SegmentScannerTest, NewestMiddleCorruptionProvedByLaterSyncedRecordIsCorruption) {
  SegmentBuilder builder(kSegmentId);
  builder.add(1, 0, "a", "1");
  const uint64_t damaged = builder.add(2, 0, "b", "2");
  const uint32_t synced = static_cast<uint32_t>(builder.size());
  const uint64_t proof = builder.add(3, synced, "c", "3");
  builder.add(4, synced, "d", "4");
  flip_bit(&builder.contents(), damaged + kRecordHeaderBytes + 1);
  const ScanOutcome outcome = scan(builder.contents(), true);
  expect_corruption_at(outcome, damaged, "record checksum mismatch");
  EXPECT_NE(outcome.scan.status.message().find("offset " + std::to_string(proof)),
            std::string::npos);
  EXPECT_EQ(sequences(outcome), (std::vector<uint64_t>{1}));
}

TEST(SegmentScannerTest, NewestTruncatedRecordFollowedByProofIsCorruption) {
  // A key_len damaged upward makes the record at X look truncated; the synced record after it
  // still shows that X was durable.
  SegmentBuilder builder(kSegmentId);
  const uint64_t damaged = builder.add(1, 0, "a", "1");
  const uint32_t synced = static_cast<uint32_t>(builder.size());
  builder.add(2, synced, "b", "2");
  store_little_endian(builder.contents().data() + damaged + kRecordKeyLenOffset, uint16_t{60000});
  expect_corruption_at(scan(builder.contents(), true), damaged, "run past the end of the data");
}

TEST(SegmentScannerTest, ProofMustFollowTheLastGoodSequence) {
  // Bytes that decode as a record but carry an old sequence number (a value holding a copy of
  // a segment, say) cannot have been appended after the damage, so they prove nothing.
  SegmentBuilder builder(kSegmentId);
  builder.add(5, 0, "a", "1");
  const uint64_t damaged = builder.add(6, 0, "b", "2");
  builder.add(4, static_cast<uint32_t>(damaged + 1), "c", "3");
  flip_bit(&builder.contents(), damaged + kRecordHeaderBytes);
  expect_torn_tail(scan(builder.contents(), true), damaged, builder.size());
}

TEST(SegmentScannerTest, ProofCannotClaimMoreSyncedBytesThanPrecedeIt) {
  SegmentBuilder builder(kSegmentId);
  builder.add(1, 0, "a", "1");
  const uint64_t damaged = builder.add(2, 0, "b", "2");
  const uint64_t impossible = builder.add(3, 1u << 20, "c", "3");
  flip_bit(&builder.contents(), damaged + kRecordHeaderBytes);
  ASSERT_LT(impossible, 1u << 20);
  expect_torn_tail(scan(builder.contents(), true), damaged, builder.size());
}

TEST(SegmentScannerTest, OlderSegmentTruncatedLastRecordIsCorruption) {
  SegmentBuilder builder = three_records();
  const uint64_t last = 32 + encoded_record_bytes(5, 3) + encoded_record_bytes(4, 0);
  const std::string_view cut = std::string_view(builder.contents()).substr(0, builder.size() - 1);
  const ScanOutcome outcome = scan(cut, false);
  expect_corruption_at(outcome, last, "not the newest and was synced in full");
  EXPECT_EQ(sequences(outcome), (std::vector<uint64_t>{10, 11}));
}

TEST(SegmentScannerTest, OlderSegmentZeroTailIsCorruption) {
  SegmentBuilder builder = three_records();
  const uint64_t end = builder.size();
  builder.add_raw(std::string(64, '\0'));
  const ScanOutcome outcome = scan(builder.contents(), false);
  expect_corruption_at(outcome, end, "all-zero record header");
  EXPECT_EQ(outcome.scan.records, 3u);
}

TEST(SegmentScannerTest, OlderSegmentTrailingGarbageIsCorruption) {
  SegmentBuilder builder = three_records();
  const uint64_t end = builder.size();
  builder.add_raw("x");
  expect_corruption_at(scan(builder.contents(), false), end, "record header runs past the end");
}

TEST(SegmentScannerTest, OlderSegmentMiddleCorruptionVisitsRecordsBeforeIt) {
  SegmentBuilder builder = three_records();
  const uint64_t second = 32 + encoded_record_bytes(5, 3);
  flip_bit(&builder.contents(), second + kRecordHeaderBytes, 4);
  const ScanOutcome outcome = scan(builder.contents(), false);
  expect_corruption_at(outcome, second, "record checksum mismatch");
  EXPECT_EQ(sequences(outcome), (std::vector<uint64_t>{10}));
}

TEST(SegmentScannerTest, NewestShortHeaderIsTornTailAtZero) {
  const std::string header = encode_segment_header(kSegmentId);
  for (size_t kept : {size_t{0}, size_t{1}, size_t{12}, kSegmentHeaderBytes - 1}) {
    const ScanOutcome outcome = scan(std::string_view(header).substr(0, kept), true);
    expect_torn_tail(outcome, 0, kept);
    EXPECT_EQ(outcome.scan.records, 0u);
  }
}

TEST(SegmentScannerTest, OlderShortHeaderIsCorruption) {
  const std::string header = encode_segment_header(kSegmentId);
  const ScanOutcome outcome = scan(std::string_view(header).substr(0, 20), false);
  EXPECT_EQ(outcome.scan.status.code(), StatusCode::kCorruption);
  EXPECT_NE(outcome.scan.status.message().find("bad segment header"), std::string::npos);
  EXPECT_EQ(outcome.scan.valid_end, 0u);
}

TEST(SegmentScannerTest, NewestZeroHeaderIsTornTailAtZero) {
  const std::string zeros(kSegmentHeaderBytes + 100, '\0');
  expect_torn_tail(scan(zeros, true), 0, zeros.size());
}

TEST(SegmentScannerTest, NewestZeroHeaderWithLaterSyncedRecordIsCorruption) {
  SegmentBuilder builder(kSegmentId);
  builder.add(1, 0, "a", "1");
  builder.add(2, static_cast<uint32_t>(builder.size()), "b", "2");
  std::fill_n(builder.contents().begin(), kSegmentHeaderBytes, '\0');
  expect_corruption_at(scan(builder.contents(), true), 0, "partly or wholly zero segment header");
}

TEST(SegmentScannerTest, NewestPartlyWrittenHeaderIsTornTailAtZero) {
  // The write that created the file reached the disk only in part; the rest reads as zeros.
  SegmentBuilder builder(kSegmentId);
  builder.add(1, 0, "a", "1");
  std::fill(builder.contents().begin() + 10, builder.contents().end(), '\0');
  expect_torn_tail(scan(builder.contents(), true), 0, builder.size());
}

TEST(SegmentScannerTest, OlderZeroHeaderIsCorruption) {
  const std::string zeros(kSegmentHeaderBytes, '\0');
  EXPECT_EQ(scan(zeros, false).scan.status.code(), StatusCode::kCorruption);
}

TEST(SegmentScannerTest, WrongMagicIsCorruptionEvenInNewest) {
  SegmentBuilder builder = three_records();
  builder.contents()[3] = 'x';
  const ScanOutcome outcome = scan(builder.contents(), true);
  EXPECT_EQ(outcome.scan.status.code(), StatusCode::kCorruption);
  EXPECT_NE(outcome.scan.status.message().find("not a logkv segment"), std::string::npos);
  EXPECT_FALSE(outcome.scan.torn_tail);
  EXPECT_TRUE(outcome.visits.empty());
}

TEST(SegmentScannerTest, HeaderOfAnotherSegmentIsCorruptionEvenInNewest) {
  const std::string contents = encode_segment_header(kSegmentId + 1);
  const ScanOutcome outcome = scan(contents, true);
  EXPECT_EQ(outcome.scan.status.code(), StatusCode::kCorruption);
  EXPECT_NE(outcome.scan.status.message().find("belongs to segment 4"), std::string::npos);
}

TEST(SegmentScannerTest, BadHeaderChecksumIsCorruptionEvenInNewest) {
  SegmentBuilder builder = three_records();
  flip_bit(&builder.contents(), kSegmentIdOffset + 7);
  const ScanOutcome outcome = scan(builder.contents(), true);
  EXPECT_EQ(outcome.scan.status.code(), StatusCode::kCorruption);
  EXPECT_NE(outcome.scan.status.message().find("checksum mismatch"), std::string::npos);
  EXPECT_EQ(outcome.scan.records, 0u);
}

TEST(SegmentScannerTest, DecreasingSequenceIsCorruptionEvenInNewest) {
  SegmentBuilder builder(kSegmentId);
  builder.add(5, 0, "a", "1");
  const uint64_t bad = builder.add(4, 0, "b", "2");
  const ScanOutcome outcome = scan(builder.contents(), true);
  expect_corruption_at(outcome, bad, "sequence 4 after sequence 5");
  EXPECT_EQ(sequences(outcome), (std::vector<uint64_t>{5}));
}

TEST(SegmentScannerTest, DuplicatedSequenceIsCorruption) {
  SegmentBuilder builder(kSegmentId);
  builder.add(5, 0, "a", "1");
  const uint64_t bad = builder.add(5, 0, "a", "1");
  expect_corruption_at(scan(builder.contents(), false), bad, "sequence 5 after sequence 5");
}

TEST(SegmentScannerTest, RecordClaimingMoreSyncedBytesThanPrecedeItIsCorruption) {
  SegmentBuilder builder(kSegmentId);
  const uint64_t bad = builder.add(1, 0, "a", "1");
  set_record_field_and_reseal(&builder.contents(), bad, kRecordSyncedOffsetOffset,
                              static_cast<uint32_t>(bad + 1));
  expect_corruption_at(scan(builder.contents(), true), bad, "more than were written before it");
}

TEST(SegmentScannerTest, SyncedOffsetGoingBackwardsIsCorruption) {
  SegmentBuilder builder(kSegmentId);
  builder.add(1, 0, "a", "1");
  builder.add(2, 32, "b", "2");
  const uint64_t bad = builder.add(3, 0, "c", "3");
  expect_corruption_at(scan(builder.contents(), true), bad, "after a record that claimed 32");
}

}  // namespace
}  // namespace logkv

namespace logkv {
namespace {

TEST(SegmentScannerBatchTest, CompleteBatchIsVisitedWhole) {
  SegmentBuilder builder(kSegmentId);
  builder.add(1, 32, "before", "1");
  builder.add_batch_member(2, 32, "a", "1");
  builder.add_batch_member(3, 32, "b", "2");
  builder.add(4, 32, "c", "3");  // the batch's last record commits it
  const ScanOutcome outcome = scan(builder.contents(), true);
  expect_clean(outcome, builder.size());
  EXPECT_EQ(sequences(outcome), (std::vector<uint64_t>{1, 2, 3, 4}));
}

TEST(SegmentScannerBatchTest, BatchWithoutItsLastRecordIsATornTailFromItsStart) {
  SegmentBuilder builder(kSegmentId);
  builder.add(1, 32, "before", "1");
  const uint64_t batch_start = builder.add_batch_member(2, 32, "a", "1");
  builder.add_batch_member(3, 32, "b", "2");
  const ScanOutcome outcome = scan(builder.contents(), true);
  EXPECT_TRUE(outcome.scan.status.is_ok()) << outcome.scan.status.to_string();
  EXPECT_TRUE(outcome.scan.torn_tail);
  EXPECT_EQ(outcome.scan.valid_end, batch_start);
  EXPECT_EQ(sequences(outcome), (std::vector<uint64_t>{1})) << "no half batch is applied";
}

TEST(SegmentScannerBatchTest, BatchCutInsideARecordIsTornFromTheBatchStart) {
  SegmentBuilder builder(kSegmentId);
  builder.add(1, 32, "before", "1");
  const uint64_t batch_start = builder.add_batch_member(2, 32, "a", "1");
  builder.add(3, 32, "b", std::string(100, 'x'));
  std::string cut = builder.contents().substr(0, builder.size() - 10);
  const ScanOutcome outcome = scan(cut, true);
  EXPECT_TRUE(outcome.scan.torn_tail);
  EXPECT_EQ(outcome.scan.valid_end, batch_start);
  EXPECT_EQ(sequences(outcome), (std::vector<uint64_t>{1}));
}

TEST(SegmentScannerBatchTest, OlderSegmentEndingInsideABatchIsCorruption) {
  SegmentBuilder builder(kSegmentId);
  builder.add(1, 32, "before", "1");
  builder.add_batch_member(2, 32, "a", "1");
  const ScanOutcome outcome = scan(builder.contents(), false);
  EXPECT_EQ(outcome.scan.status.code(), StatusCode::kCorruption);
  EXPECT_NE(outcome.scan.status.message().find("inside the atomic batch"), std::string::npos);
  EXPECT_EQ(sequences(outcome), (std::vector<uint64_t>{1}));
}

}  // namespace
}  // namespace logkv
