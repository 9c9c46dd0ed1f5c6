// Store-level compaction: compact() shrinks the log to its live data without changing what the
// store holds, automatic compaction keeps overwrite- and delete-heavy workloads under the disk
// bound, and the stats report what happened.
#include <gtest/gtest.h>

#include <iostream>
#include <random>
#include <string>

#include "fs/mem_file_system.h"
#include "tests/compaction/compaction_test_util.h"
#include "tests/support/seed.h"
#include "tests/support/store_test_peer.h"

namespace logkv {
namespace {

using testing::compaction_test_options;
using testing::contents;
using testing::files_ending_with;
using testing::Model;
using testing::open_impl;

constexpr char kDir[] = "/store";

class CompactionTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> open(const Options& options) { return open_impl(fs_, kDir, options); }

  // Overwrites `keys` keys `rounds` times with 100-byte values; returns the final state.
  static Model overwrite(Store& store, int keys, int rounds) {
    Model model;
    for (int round = 0; round < rounds; ++round) {
      for (int k = 0; k < keys; ++k) {
        const std::string key = "key" + std::to_string(k);
        const std::string value = std::to_string(round) + ":" + std::string(96, 'a' + k % 26);
        EXPECT_TRUE(store.set(key, value).is_ok());
        model[key] = value;
      }
    }
    return model;
  }

  std::shared_ptr<MemFileSystem> fs_ = std::make_shared<MemFileSystem>();
};

TEST_F(CompactionTest, CompactShrinksTheLogToTheLiveData) {
  auto store = open(compaction_test_options());
  const Model model = overwrite(*store, 100, 10);
  const StoreStats before = store->stats();
  ASSERT_GT(before.disk_bytes, 5 * before.live_bytes);

  ASSERT_TRUE(store->compact().is_ok());
  const StoreStats after = store->stats();
  EXPECT_EQ(after.live_bytes, before.live_bytes);
  // Live data plus one header per segment (outputs and the new active segment).
  EXPECT_LE(after.disk_bytes, after.live_bytes + after.segments * kSegmentHeaderBytes);
  EXPECT_EQ(after.compactions, 1u);
  EXPECT_EQ(after.compaction_bytes_written, after.disk_bytes - kSegmentHeaderBytes);
  EXPECT_GT(after.last_compaction_unix_ms, 0);
  EXPECT_EQ(contents(*store), model);

  store.reset();
  EXPECT_EQ(contents(*open(compaction_test_options())), model);
}

TEST_F(CompactionTest, EveryCompactedSegmentHasAHintFileThatOpenUses) {
  auto store = open(compaction_test_options());
  const Model model = overwrite(*store, 100, 5);
  ASSERT_TRUE(store->compact().is_ok());
  const std::vector<uint64_t> immutable = StoreTestPeer(*store).immutable_segment_ids();
  ASSERT_GT(immutable.size(), 1u);
  for (uint64_t id : immutable) {
    EXPECT_TRUE(fs_->read_file(std::string(kDir) + "/" + hint_file_name(id)).is_ok()) << id;
  }
  store.reset();
  auto reopened = open(compaction_test_options());
  EXPECT_EQ(reopened->stats().hint_files_loaded, immutable.size());
  EXPECT_EQ(reopened->stats().hint_files_rejected, 0u);
  EXPECT_EQ(contents(*reopened), model);
}

TEST_F(CompactionTest, CompactingACompactedStoreChangesNothing) {
  auto store = open(compaction_test_options());
  const Model model = overwrite(*store, 50, 4);
  ASSERT_TRUE(store->compact().is_ok());
  const StoreStats once = store->stats();
  ASSERT_TRUE(store->compact().is_ok());
  const StoreStats twice = store->stats();
  EXPECT_EQ(twice.disk_bytes, once.disk_bytes);
  EXPECT_EQ(twice.segments, once.segments) << "no empty segment is left behind";
  EXPECT_EQ(contents(*store), model);
}

TEST_F(CompactionTest, CompactTellsItsProgressUpToTheBytesItCopies) {
  Options options = compaction_test_options();
  options.segment_bytes_max = 64 << 10;
  auto store = open(options);
  const Model model = overwrite(*store, 10000, 2);
  std::vector<std::pair<uint64_t, uint64_t>> told;  // done, total
  CompactOptions compact_options;
  compact_options.progress = [&told](uint64_t done, uint64_t total) {
    told.emplace_back(done, total);
  };
  ASSERT_TRUE(store->compact(compact_options).is_ok());
  // Only sets were written, so the copy is exactly the newest record of every key.
  const uint64_t live_bytes = store->stats().live_bytes;
  ASSERT_GE(told.size(), 10u) << "told as each output is written, not only at the end";
  for (size_t i = 0; i < told.size(); ++i) {
    EXPECT_EQ(told[i].second, live_bytes) << "call " << i;
    EXPECT_LE(told[i].first, told[i].second) << "call " << i;
    if (i > 0) {
      EXPECT_GT(told[i].first, told[i - 1].first) << "call " << i;
    }
  }
  EXPECT_EQ(told.back().first, live_bytes);
  EXPECT_EQ(contents(*store), model);
}

TEST_F(CompactionTest, CompactOfAnEmptyStoreSucceeds) {
  auto store = open(compaction_test_options());
  ASSERT_TRUE(store->compact().is_ok());
  EXPECT_EQ(store->stats().keys, 0u);
  EXPECT_EQ(store->stats().segments, 1u);
}

TEST_F(CompactionTest, CompactAfterCloseFailsClearly) {
  auto store = open(compaction_test_options());
  ASSERT_TRUE(store->close().is_ok());
  const Status status = store->compact();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("closed"), std::string::npos) << status.message();
}

TEST_F(CompactionTest, OutOfRangeCompactionOptionsAreRefused) {
  Options options = compaction_test_options();
  options.compaction_disk_ratio_max = 1.0;
  Result<std::unique_ptr<Store>> store = open_store(fs_, kDir, options);
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(store.status().message().find("compaction_disk_ratio_max"), std::string::npos);
  options = compaction_test_options();
  options.compaction_segment_dead_fraction = 0;
  EXPECT_EQ(open_store(fs_, kDir, options).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(CompactionTest, AutomaticCompactionOffNeverCompacts) {
  auto store = open(compaction_test_options(/*automatic=*/false));
  overwrite(*store, 100, 10);
  StoreTestPeer(*store).wait_for_background_compaction();
  EXPECT_EQ(store->stats().compactions, 0u);
  EXPECT_TRUE(files_ending_with(*fs_, kDir, ".hint").empty());
}

TEST_F(CompactionTest, SealedSegmentsGetHintFilesInTheBackground) {
  Options options = compaction_test_options(/*automatic=*/true);
  options.compaction_dead_bytes_min = uint64_t{1} << 40;  // hints only, no merges
  auto store = open(options);
  for (int k = 0; k < 200; ++k) {
    ASSERT_TRUE(store->set("k" + std::to_string(k), std::string(100, 'v')).is_ok());
  }
  StoreTestPeer(*store).wait_for_background_compaction();
  const std::vector<uint64_t> sealed = StoreTestPeer(*store).immutable_segment_ids();
  ASSERT_GT(sealed.size(), 1u);
  EXPECT_EQ(files_ending_with(*fs_, kDir, ".hint").size(), sealed.size());
  EXPECT_EQ(store->stats().compactions, 0u);
  EXPECT_GT(store->stats().hint_bytes_written, 0u);
  store.reset();
  EXPECT_EQ(open(options)->stats().hint_files_loaded, sealed.size());
}

// The figure, scaled down: 1024 keys x 100-byte values overwritten 61,440 times, with
// automatic compaction on a background thread. Whenever compaction has settled, the store folder
// (segments and hint files) holds at most 1.5x the live bytes. Also prints the worst ratio seen
// at samples taken without waiting (the background thread may lag behind the writer there) and
// the compaction write amplification.
TEST_F(CompactionTest, OverwriteHeavyWorkloadStaysUnderTheDiskBound) {
  Options options = compaction_test_options(/*automatic=*/true);
  options.segment_bytes_max = 16 << 10;
  options.hint_segment_bytes_min = Options().hint_segment_bytes_min;
  auto store = open(options);
  const auto folder_to_live = [&] {
    uint64_t folder_bytes = 0;
    for (const std::string& name : fs_->list_dir(kDir).value()) {
      folder_bytes += fs_->file_size(std::string(kDir) + "/" + name).value();
    }
    return static_cast<double>(folder_bytes) / static_cast<double>(store->stats().live_bytes);
  };
  double worst_settled = 0;
  double worst_unsettled = 0;
  Model model;
  for (int round = 0; round < 60; ++round) {
    for (int quarter = 0; quarter < 4; ++quarter) {
      for (int k = quarter * 256; k < (quarter + 1) * 256; ++k) {
        const std::string key = "key" + std::to_string(k);
        const std::string value = std::to_string(round) + ":" + std::string(96, 'a' + k % 26);
        ASSERT_TRUE(store->set(key, value).is_ok());
        model[key] = value;
      }
      if (round > 0) worst_unsettled = std::max(worst_unsettled, folder_to_live());
    }
    StoreTestPeer(*store).wait_for_background_compaction();
    const double settled = folder_to_live();
    worst_settled = std::max(worst_settled, settled);
    ASSERT_LE(settled, 1.5) << "round " << round;
  }
  const StoreStats stats = store->stats();
  const double write_amplification =
      static_cast<double>(stats.compaction_bytes_written) / stats.user_bytes_written;
  std::cout << "overwrite: compactions=" << stats.compactions
            << " worst_settled_folder/live=" << worst_settled
            << " worst_unsettled_folder/live=" << worst_unsettled
            << " write_amplification=" << write_amplification << std::endl;
  RecordProperty("worst_settled_folder_to_live", std::to_string(worst_settled));
  RecordProperty("worst_unsettled_folder_to_live", std::to_string(worst_unsettled));
  RecordProperty("write_amplification", std::to_string(write_amplification));
  EXPECT_GT(stats.compactions, 10u);
  EXPECT_LE(write_amplification, 2.0);
  EXPECT_EQ(stats.compaction_failures, 0u);
  EXPECT_EQ(contents(*store), model);
  store.reset();
  EXPECT_EQ(contents(*open(options)), model);
}

// Keys are set and most of them deleted again, round after round. Disk use stays within the
// bound for the live data plus, at most, one tombstone per key that is still needed to hide an
// older value, plus the segment being written.
TEST_F(CompactionTest, DeleteHeavyWorkloadStaysUnderTheDiskBound) {
  const uint64_t seed = testing::test_seed();
  std::mt19937_64 random(seed);
  Options options = compaction_test_options(/*automatic=*/true);
  options.segment_bytes_max = 16 << 10;
  auto store = open(options);
  constexpr int kKeys = 1024;
  Model model;
  for (int round = 0; round < 30; ++round) {
    for (int k = 0; k < kKeys; ++k) {
      const std::string key = "key" + std::to_string(k);
      if (random() % 4 == 0) {
        const std::string value = std::to_string(round) + std::string(96, 'v');
        ASSERT_TRUE(store->set(key, value).is_ok());
        model[key] = value;
      } else if (model.contains(key)) {
        ASSERT_TRUE(store->del(key).is_ok());
        model.erase(key);
      }
    }
    StoreTestPeer(*store).wait_for_background_compaction();
    const StoreStats stats = store->stats();
    const uint64_t tombstone_bytes_max = kKeys * encoded_record_bytes(7, 0);
    ASSERT_LE(stats.disk_bytes,
              1.5 * stats.live_bytes + tombstone_bytes_max + options.segment_bytes_max)
        << "round " << round << " seed " << seed;
  }
  EXPECT_GT(store->stats().compactions, 5u);
  EXPECT_EQ(contents(*store), model);
  store.reset();
  EXPECT_EQ(contents(*open(options)), model);
}

TEST_F(CompactionTest, StatsCountUserBytesAndDeadBytes) {
  auto store = open(compaction_test_options());
  ASSERT_TRUE(store->set("k", "one").is_ok());
  ASSERT_TRUE(store->set("k", "two").is_ok());
  const StoreStats stats = store->stats();
  EXPECT_EQ(stats.user_bytes_written, 2 * encoded_record_bytes(1, 3));
  EXPECT_EQ(stats.live_bytes, encoded_record_bytes(1, 3));
  EXPECT_EQ(stats.dead_bytes, stats.disk_bytes - stats.live_bytes);
  EXPECT_EQ(stats.compactions, 0u);
  EXPECT_EQ(stats.last_compaction_unix_ms, 0);
}

TEST_F(CompactionTest, InMemoryStoreCompacts) {
  Options options = compaction_test_options();
  options.in_memory = true;
  auto opened = Store::open("memory-store", options);
  ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
  Store& store = **opened;
  const Model model = overwrite(store, 50, 6);
  ASSERT_TRUE(store.compact().is_ok());
  EXPECT_EQ(contents(store), model);
  EXPECT_LT(store.stats().disk_bytes, 2 * store.stats().live_bytes);
}

}  // namespace
}  // namespace logkv
