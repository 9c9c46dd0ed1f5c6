// Back-pressure (Options::compaction_disk_ratio_stall): when compaction falls behind, writers
// wait for it instead of growing the disk without bound. Compaction is held back here by a
// file-system hook that blocks its first output file until the test lets it go, so "compaction
// is slower than the writer" is a fact of the test, not a matter of timing.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "fs/mem_file_system.h"
#include "tests/compaction/compaction_test_util.h"
#include "tests/support/fault_file_system.h"

namespace logkv::testing {
namespace {

constexpr char kDir[] = "/store";
constexpr int kKeys = 64;
constexpr int kWrites = 6000;

// Holds the compaction thread at its first output file or its first deletion of a segment (a
// segment with nothing live is dropped without copying) until released.
class CompactionGate {
 public:
  void install(FaultFileSystem& faults) {
    faults.set_hook([this](OperationKind kind, const std::string& path) {
      // A compaction's output segment, not the manifest every roll publishes (MANIFEST.tmp).
      const bool output = kind == OperationKind::kOpenWritable && path.ends_with(".log.tmp");
      if (!output && kind != OperationKind::kRemove) return;
      std::unique_lock lock(mutex_);
      held_ = true;
      changed_.notify_all();
      changed_.wait(lock, [this] { return released_; });
    });
  }
  void wait_until_held() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return held_; });
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool held_ = false;
  bool released_ = false;
};

Options stall_options(double stall_ratio) {
  Options options;
  options.segment_bytes_max = 4096;
  options.sync_mode = SyncMode::kNever;
  options.compaction_dead_bytes_min = 4096;
  options.hint_segment_bytes_min = 1 << 20;
  options.compaction_disk_ratio_stall = stall_ratio;
  return options;
}

std::string key_of(int i) { return "key" + std::to_string(i % kKeys); }
std::string value_of(int i) {
  return std::string(100, static_cast<char>('a' + i % 26)) + std::to_string(i);
}

// The store's segment bytes (as it counts them) over its live bytes.
double disk_ratio(Store& store) {
  const StoreStats stats = store.stats();
  return static_cast<double>(stats.disk_bytes) / static_cast<double>(stats.live_bytes);
}

class WriteStallTest : public ::testing::Test {
 protected:
  void open_with_stall_ratio(double stall_ratio) {
    gate_.install(*faults_);
    store_ = open_impl(faults_, kDir, stall_options(stall_ratio));
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    gate_.release();
    if (store_ != nullptr) {
      EXPECT_TRUE(store_->close().is_ok());
    }
    faults_->set_hook({});
  }

  std::shared_ptr<MemFileSystem> mem_ = std::make_shared<MemFileSystem>();
  std::shared_ptr<FaultFileSystem> faults_ = std::make_shared<FaultFileSystem>(mem_);
  CompactionGate gate_;
  std::unique_ptr<Store> store_;
};

TEST_F(WriteStallTest, WritersWaitForCompactionOnceTheDiskPassesTheStallRatio) {
  ASSERT_NO_FATAL_FAILURE(open_with_stall_ratio(2.0));
  Store* store = store_.get();

  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; i < kWrites; ++i) {
      ASSERT_TRUE(store->set(key_of(i), value_of(i)).is_ok());
      written.store(i + 1);
    }
  });
  gate_.wait_until_held();
  // Compaction is stuck; the writer must come to a stop in a stall, not run to the end.
  while (store->stats().write_stalls == 0 && written.load() < kWrites) std::this_thread::yield();
  const StoreStats stalled = store->stats();
  EXPECT_GT(stalled.write_stalls, 0u)
      << "the writer finished all " << kWrites << " writes with compaction held back";
  EXPECT_LT(written.load(), kWrites);
  // The check runs every 64 KiB of appends, so the disk may pass the ratio by that much, the
  // active segment and the one sealed segment of slack, never by the whole run's bytes.
  const double bound = (2.0 * static_cast<double>(stalled.live_bytes) + (64 << 10) + 3 * 4096) /
                       static_cast<double>(stalled.live_bytes);
  EXPECT_LE(disk_ratio(*store_), bound);

  gate_.release();
  writer.join();
  EXPECT_EQ(written.load(), kWrites);
  const Model model = contents(*store);
  ASSERT_EQ(model.size(), static_cast<size_t>(kKeys));
  for (int i = kWrites - kKeys; i < kWrites; ++i) EXPECT_EQ(model.at(key_of(i)), value_of(i));
}

TEST_F(WriteStallTest, WithoutAStallRatioTheWriterOutrunsCompaction) {
  ASSERT_NO_FATAL_FAILURE(open_with_stall_ratio(0.0));
  for (int i = 0; i < kWrites; ++i) ASSERT_TRUE(store_->set(key_of(i), value_of(i)).is_ok());
  gate_.wait_until_held();
  EXPECT_EQ(store_->stats().write_stalls, 0u);
  // Counted on the file system: a held compaction may already have taken segments out of the
  // store's own count before it deletes their files.
  uint64_t segment_file_bytes = 0;
  for (const std::string& name : files_ending_with(*mem_, kDir, ".log")) {
    segment_file_bytes += mem_->read_file(std::string(kDir) + "/" + name).value().size();
  }
  EXPECT_GT(static_cast<double>(segment_file_bytes),
            5.0 * static_cast<double>(store_->stats().live_bytes))
      << "the writer should have run far past the ratio with compaction held back";
}

TEST_F(WriteStallTest, StallRatioOfOneOrLessIsRefused) {
  Options options = stall_options(0.9);
  Result<std::unique_ptr<Store>> store =
      open_store(std::make_shared<MemFileSystem>(), kDir, options);
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(store.status().message().find("compaction_disk_ratio_stall"), std::string::npos)
      << store.status().to_string();
}

}  // namespace
}  // namespace logkv::testing
