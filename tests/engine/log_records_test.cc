// read_log_records (logkv/log_records.h): every record on disk in log order, read without
// opening the store; torn tails, damage, a stopping visitor and a missing folder.
#include "logkv/log_records.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "logkv/store.h"
#include "logkv/write_batch.h"
#include "tests/support/test_dir.h"
#include "wal/file_names.h"

namespace logkv {
namespace {

struct Seen {
  uint64_t segment_id;
  uint64_t offset;
  uint64_t sequence;
  LogRecordKind kind;
  bool batch_continues;
  std::string key;
  std::string value;
};

Result<LogWalk> read_all(const std::string& dir, std::vector<Seen>& seen) {
  return read_log_records(dir, [&](const LogRecord& r) {
    seen.push_back({r.segment_id, r.offset, r.sequence, r.kind, r.batch_continues,
                    std::string(r.key), std::string(r.value)});
    return Status::ok();
  });
}

class LogRecordsTest : public ::testing::Test {
 protected:
  // Writes: set a, set b, set a (overwrite), delete b, batch {x, y}; returns with the store
  // closed, or open in `keep_open` when given.
  void write_history(std::unique_ptr<Store>* keep_open = nullptr) {
    std::unique_ptr<Store> store = Store::open(dir_.path(), Options()).value();
    ASSERT_TRUE(store->set("a", "1").is_ok());
    ASSERT_TRUE(store->set("b", "2").is_ok());
    ASSERT_TRUE(store->set("a", "11").is_ok());
    ASSERT_TRUE(store->del("b").is_ok());
    WriteBatch batch;
    batch.set("x", "X");
    batch.del("a");
    ASSERT_TRUE(store->write(batch).is_ok());
    if (keep_open != nullptr) {
      *keep_open = std::move(store);
    } else {
      ASSERT_TRUE(store->close().is_ok());
    }
  }

  std::string segment_path() const { return dir_.file("0000000001.log"); }

  testing::TestDir dir_;
};

TEST_F(LogRecordsTest, VisitsEveryRecordInLogOrderWithItsKind) {
  write_history();
  std::vector<Seen> seen;
  Result<LogWalk> walk = read_all(dir_.path(), seen);
  ASSERT_TRUE(walk.is_ok()) << walk.status().to_string();
  EXPECT_EQ(walk->segments, 1u);
  EXPECT_EQ(walk->records, 6u);
  EXPECT_EQ(walk->torn_tail_bytes, 0u);
  ASSERT_EQ(seen.size(), 6u);
  const std::vector<std::pair<std::string, LogRecordKind>> expected = {
      {"a", LogRecordKind::kSet},    {"b", LogRecordKind::kSet}, {"a", LogRecordKind::kSet},
      {"b", LogRecordKind::kDelete}, {"x", LogRecordKind::kSet}, {"a", LogRecordKind::kDelete},
  };
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].key, expected[i].first) << i;
    EXPECT_EQ(seen[i].kind, expected[i].second) << i;
    EXPECT_EQ(seen[i].segment_id, 1u);
    if (i > 0) {
      EXPECT_GT(seen[i].offset, seen[i - 1].offset);
      EXPECT_GT(seen[i].sequence, seen[i - 1].sequence);
    }
  }
  EXPECT_EQ(seen[2].value, "11");
  EXPECT_EQ(seen[3].value, "");
  // Only the batch's first record says more of the batch follows.
  EXPECT_FALSE(seen[3].batch_continues);
  EXPECT_TRUE(seen[4].batch_continues);
  EXPECT_FALSE(seen[5].batch_continues);
}

TEST_F(LogRecordsTest, WorksWhileAWriterHoldsTheStoreAndWritesNothing) {
  std::unique_ptr<Store> writer;
  write_history(&writer);
  ASSERT_NE(writer, nullptr);
  const auto size_before = std::filesystem::file_size(segment_path());
  std::vector<Seen> seen;
  Result<LogWalk> walk = read_all(dir_.path(), seen);
  ASSERT_TRUE(walk.is_ok()) << walk.status().to_string();
  EXPECT_EQ(seen.size(), 6u);
  EXPECT_EQ(std::filesystem::file_size(segment_path()), size_before);
  EXPECT_TRUE(writer->set("later", "v").is_ok());
  EXPECT_TRUE(writer->close().is_ok());
}

TEST_F(LogRecordsTest, TornTailIsCountedNotVisited) {
  write_history();
  const auto size = std::filesystem::file_size(segment_path());
  std::filesystem::resize_file(segment_path(), size - 3);
  // A crash tears only what was not yet synced, and the synced-point marker had not recorded
  // that sync (wal/synced_marker.h): without it, the old rule applies.
  std::filesystem::remove(dir_.file(kSyncedMarkerFileName));
  std::vector<Seen> seen;
  Result<LogWalk> walk = read_all(dir_.path(), seen);
  ASSERT_TRUE(walk.is_ok()) << walk.status().to_string();
  EXPECT_GT(walk->torn_tail_bytes, 0u);
  // The cut record was the batch's last, so the whole batch is an unfinished append.
  EXPECT_EQ(seen.size(), 4u);
}

TEST_F(LogRecordsTest, DamageIsAnErrorNamingFileAndOffset) {
  write_history();
  std::vector<Seen> clean;
  ASSERT_TRUE(read_all(dir_.path(), clean).is_ok());
  const uint64_t damaged_offset = clean[1].offset;
  {
    std::fstream file(segment_path(), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(damaged_offset + 10));
    file.put('\x7f');
  }
  std::vector<Seen> seen;
  Result<LogWalk> walk = read_all(dir_.path(), seen);
  ASSERT_FALSE(walk.is_ok());
  EXPECT_EQ(walk.status().code(), StatusCode::kCorruption);
  EXPECT_NE(walk.status().message().find("0000000001.log"), std::string::npos)
      << walk.status().message();
  EXPECT_NE(walk.status().message().find("offset " + std::to_string(damaged_offset)),
            std::string::npos)
      << walk.status().message();
  EXPECT_EQ(seen.size(), 1u);  // the record before the damage
}

TEST_F(LogRecordsTest, VisitorErrorStopsTheWalk) {
  write_history();
  int visited = 0;
  Result<LogWalk> walk = read_log_records(dir_.path(), [&](const LogRecord&) {
    return ++visited == 2 ? Status::io_error("stop here") : Status::ok();
  });
  ASSERT_FALSE(walk.is_ok());
  EXPECT_EQ(walk.status().message(), "stop here");
  EXPECT_EQ(visited, 2);
}

TEST_F(LogRecordsTest, MissingFolderIsAnError) {
  std::vector<Seen> seen;
  Result<LogWalk> walk = read_all(dir_.file("nowhere"), seen);
  EXPECT_FALSE(walk.is_ok());
  EXPECT_TRUE(seen.empty());
}

}  // namespace
}  // namespace logkv
