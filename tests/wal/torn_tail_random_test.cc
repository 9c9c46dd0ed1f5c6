// Randomised crash test of SegmentWriter and scan_segment together: write random records with
// random syncs, simulate a power loss that cuts, zeroes or garbles what was not synced, and check
// that the scan always reports a torn tail (never corruption) and visits exactly the records
// that survived intact, which include every synced one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "tests/wal/wal_test_util.h"
#include "wal/record_format.h"
#include "wal/segment_scanner.h"
#include "wal/segment_writer.h"

namespace logkv {
namespace {

using testing::append_one;
using testing::StringFileState;
using testing::StringWritableFile;

constexpr uint64_t kSegmentId = 77;
constexpr int kIterations = 400;
constexpr int kRecordsMax = 40;

struct WrittenRecord {
  RecordType type;
  uint64_t sequence;
  std::string key;
  std::string value;
  uint64_t offset;
  uint64_t end;
};

struct WrittenSegment {
  std::string contents;
  uint64_t synced_bytes = 0;
  std::vector<WrittenRecord> records;
};

std::string random_bytes(std::mt19937_64& random, size_t max_bytes) {
  std::string bytes(std::uniform_int_distribution<size_t>(0, max_bytes)(random), '\0');
  for (char& c : bytes) c = static_cast<char>(random());
  return bytes;
}

WrittenSegment write_random_segment(std::mt19937_64& random) {
  auto state = std::make_shared<StringFileState>();
  SegmentWriter writer(std::make_unique<StringWritableFile>(state), kSegmentId, 0);
  WrittenSegment written;
  EXPECT_TRUE(writer.write_header().is_ok());
  std::bernoulli_distribution sync_now(0.25);
  if (sync_now(random)) {
    EXPECT_TRUE(writer.sync().is_ok());
  }
  const int records = std::uniform_int_distribution<int>(0, kRecordsMax)(random);
  uint64_t sequence = std::uniform_int_distribution<uint64_t>(1, 1000)(random);
  for (int i = 0; i < records; ++i) {
    WrittenRecord record;
    record.type = std::bernoulli_distribution(0.2)(random) ? RecordType::kDelete : RecordType::kSet;
    record.sequence = sequence;
    sequence += std::uniform_int_distribution<uint64_t>(1, 3)(random);
    record.key = random_bytes(random, 24);
    const size_t value_max = std::bernoulli_distribution(0.1)(random) ? 3000 : 200;
    if (record.type == RecordType::kSet) record.value = random_bytes(random, value_max);
    const Result<uint64_t> offset =
        append_one(writer, record.type, record.sequence, record.key, record.value);
    if (!offset.is_ok()) {
      ADD_FAILURE() << offset.status().to_string();
      break;
    }
    record.offset = *offset;
    record.end = writer.size();
    written.records.push_back(std::move(record));
    if (sync_now(random)) {
      EXPECT_TRUE(writer.sync().is_ok());
    }
  }
  written.contents = state->contents;
  written.synced_bytes = state->synced_bytes;
  return written;
}

// What a power loss leaves of the file: the synced prefix, and the unsynced rest cut short,
// zeroed, garbled, or written back page by page in no particular order.
std::string simulate_power_loss(const WrittenSegment& written, std::mt19937_64& random) {
  const uint64_t durable = written.synced_bytes;
  const uint64_t size = written.contents.size();
  std::string contents = written.contents;
  auto offset_between = [&](uint64_t low, uint64_t high) {
    return std::uniform_int_distribution<uint64_t>(low, high)(random);
  };
  // A crash can garble header bytes only into zeros (the header is written by one append and a
  // torn write never invents bytes); garbage of our own making starts after the header.
  const uint64_t garble_from = std::max<uint64_t>(durable, kSegmentHeaderBytes);
  switch (std::uniform_int_distribution<int>(0, 4)(random)) {
    case 0:  // the file ends anywhere in the unsynced part
      contents.resize(offset_between(durable, size));
      break;
    case 1: {  // unsynced bytes from some point read back as zeros, plus preallocated zeros
      const uint64_t from = offset_between(durable, size);
      std::fill(contents.begin() + from, contents.end(), '\0');
      contents.append(offset_between(0, 600), '\0');
      break;
    }
    case 2: {  // a run of unsynced bytes is garbage
      if (garble_from >= size) break;
      const uint64_t from = offset_between(garble_from, size - 1);
      const uint64_t to = offset_between(from + 1, size);
      for (uint64_t i = from; i < to; ++i) contents[i] = static_cast<char>(random());
      break;
    }
    case 3: {  // unsynced pages reached the disk independently: kept, zeroed or garbled
      constexpr uint64_t kPageBytes = 256;
      for (uint64_t page = durable / kPageBytes * kPageBytes; page < size; page += kPageBytes) {
        const uint64_t from = std::max(page, durable);
        const uint64_t to = std::min(page + kPageBytes, size);
        const int fate = std::uniform_int_distribution<int>(0, 2)(random);
        for (uint64_t i = from; i < to; ++i) {
          if (fate == 1) contents[i] = '\0';
          if (fate == 2 && i >= garble_from) contents[i] = static_cast<char>(random());
        }
      }
      break;
    }
    default:  // everything reached the disk after all
      break;
  }
  return contents;
}

// Records that must be visited: those whose bytes all survived unchanged.
size_t intact_prefix_records(const WrittenSegment& written, const std::string& after_crash) {
  const auto mismatch = std::mismatch(written.contents.begin(), written.contents.end(),
                                      after_crash.begin(), after_crash.end());
  const uint64_t first_changed = mismatch.first - written.contents.begin();
  if (first_changed < kSegmentHeaderBytes) return 0;
  size_t intact = 0;
  while (intact < written.records.size() && written.records[intact].end <= first_changed) {
    ++intact;
  }
  return intact;
}

TEST(TornTailRandomTest, PowerLossLeavesATornTailAndAnIntactPrefix) {
  const uint64_t seed = testing::test_seed();
  std::mt19937_64 random(seed);
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    SCOPED_TRACE("seed=" + std::to_string(seed) + " iteration=" + std::to_string(iteration));
    const WrittenSegment written = write_random_segment(random);
    const std::string after_crash = simulate_power_loss(written, random);

    std::vector<ScannedRecord> visited;
    const SegmentScan scan =
        scan_segment(after_crash, "0000000077.log", kSegmentId, /*is_newest=*/true,
                     [&](const ScannedRecord& scanned) { visited.push_back(scanned); });
    ASSERT_TRUE(scan.status.is_ok()) << scan.status.to_string();
    const size_t expected = intact_prefix_records(written, after_crash);
    ASSERT_EQ(visited.size(), expected);
    for (size_t i = 0; i < visited.size(); ++i) {
      const WrittenRecord& record = written.records[i];
      ASSERT_EQ(visited[i].offset, record.offset);
      ASSERT_EQ(visited[i].record.sequence, record.sequence);
      ASSERT_EQ(visited[i].record.type, record.type);
      ASSERT_EQ(visited[i].record.key, record.key);
      ASSERT_EQ(visited[i].record.value, record.value);
    }
    size_t synced_records = 0;
    while (synced_records < written.records.size() &&
           written.records[synced_records].end <= written.synced_bytes) {
      ++synced_records;
    }
    ASSERT_GE(visited.size(), synced_records);

    uint64_t expected_end = kSegmentHeaderBytes;
    if (expected > 0) expected_end = written.records[expected - 1].end;
    // The crash zeroed or cut part of a header that was never synced: the segment is empty.
    if (after_crash.substr(0, kSegmentHeaderBytes) !=
        written.contents.substr(0, kSegmentHeaderBytes)) {
      expected_end = 0;
    }
    ASSERT_EQ(scan.valid_end, expected_end);
    // An empty file is a torn creation too: it still lacks its header.
    ASSERT_EQ(scan.torn_tail, scan.valid_end < after_crash.size() || scan.valid_end == 0);
  }
}

}  // namespace
}  // namespace logkv
