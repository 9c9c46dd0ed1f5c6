// Failed writes and crashes in the middle of a write, injected at the file-system seam: the
// failing call reports the error, later writes are refused until reopen (a failed sync is never
// retried), and a reopen shows every acknowledged write and nothing half-written.
#include <gtest/gtest.h>

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/store_impl.h"
#include "fs/mem_file_system.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/mem_power_loss.h"
#include "tests/support/seed.h"
#include "tests/support/store_contents.h"
#include "tests/support/store_test_peer.h"

namespace logkv {
namespace {

using Model = std::map<std::string, std::string>;
using testing::FaultFileSystem;
using testing::OperationKind;

constexpr char kDir[] = "/store";

Model contents(Store& store) { return testing::store_contents(store); }

class WriteFailureTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> open_faulty(const Options& options = {}) {
    Result<std::unique_ptr<Store>> store = open_store(faults_, kDir, options);
    EXPECT_TRUE(store.is_ok()) << store.status().to_string();
    return store.is_ok() ? std::move(store).value() : nullptr;
  }
  std::unique_ptr<Store> reopen_clean(const Options& options = {}) {
    Result<std::unique_ptr<Store>> store = open_store(mem_, kDir, options);
    EXPECT_TRUE(store.is_ok()) << store.status().to_string();
    return store.is_ok() ? std::move(store).value() : nullptr;
  }

  std::shared_ptr<MemFileSystem> mem_ = std::make_shared<MemFileSystem>();
  std::shared_ptr<FaultFileSystem> faults_ = std::make_shared<FaultFileSystem>(mem_);
};

TEST_F(WriteFailureTest, FailedSyncFailsTheWriteAndStopsLaterWrites) {
  auto store = open_faulty();
  ASSERT_TRUE(store->set("before", "1").is_ok());
  faults_->fail_next(OperationKind::kSync);
  const Status failed = store->set("during", "2");
  EXPECT_EQ(failed.code(), StatusCode::kIOError);
  EXPECT_NE(failed.message().find("injected fault"), std::string::npos) << failed.message();

  const uint64_t syncs_after_failure = faults_->operation_count(OperationKind::kSync);
  const Status refused = store->set("after", "3");
  EXPECT_EQ(refused.code(), StatusCode::kWritesStopped);
  EXPECT_NE(refused.message().find("opened again"), std::string::npos) << refused.message();
  EXPECT_EQ(store->del("before").code(), StatusCode::kWritesStopped);
  EXPECT_EQ(faults_->operation_count(OperationKind::kSync), syncs_after_failure)
      << "a failed sync is never retried";
  EXPECT_EQ(store->get("before").value(), "1") << "reads keep working";
  EXPECT_EQ(store->get("during").value(), std::nullopt) << "unacknowledged writes stay invisible";

  store.reset();
  simulate_power_loss(*mem_, 7, PowerLossMode::kDropUnsynced);
  EXPECT_EQ(contents(*reopen_clean()), (Model{{"before", "1"}}));
}

// A group's failed sync fails every writer of the group, also one that had nothing to write:
// its "ok" would rest on records of the group that never became durable.
TEST_F(WriteFailureTest, FailedSyncFailsEveryWriterOfTheGroup) {
  auto opened = open_faulty();
  ASSERT_NE(opened, nullptr);
  Store* store = opened.get();
  ASSERT_TRUE(store->set("present", "1").is_ok());

  // Hold the first leader in its append, so that the next two writers queue as one group.
  std::mutex mutex;
  std::condition_variable changed;
  bool held = false;
  bool released = false;
  faults_->set_hook([&](OperationKind kind, const std::string&) {
    if (kind != OperationKind::kAppend) return;
    std::unique_lock lock(mutex);
    if (held) return;
    held = true;
    changed.notify_all();
    changed.wait(lock, [&] { return released; });
  });
  std::thread leader([&] { EXPECT_TRUE(store->set("first", "1").is_ok()); });
  {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return held; });
  }
  Status set_status;
  Status delete_status;
  std::thread writer([&] { set_status = store->set("second", "2"); });
  while (StoreTestPeer(*store).write_queue_depth() < 2) std::this_thread::yield();
  std::thread deleter([&] { delete_status = store->del("never-written"); });
  while (StoreTestPeer(*store).write_queue_depth() < 3) std::this_thread::yield();
  // The held leader's sync is the next one; the group behind it syncs second, and fails.
  faults_->fail_next(OperationKind::kSync, StatusCode::kIOError, "EIO", 2);
  {
    std::lock_guard lock(mutex);
    released = true;
    changed.notify_all();
  }
  leader.join();
  writer.join();
  deleter.join();
  faults_->set_hook({});

  EXPECT_EQ(set_status.code(), StatusCode::kIOError) << set_status.to_string();
  EXPECT_EQ(delete_status.code(), StatusCode::kIOError)
      << "the delete wrote nothing, but its group's sync failed: " << delete_status.to_string();
  EXPECT_EQ(store->get("first").value(), "1");
  EXPECT_EQ(store->get("second").value(), std::nullopt);
}

TEST_F(WriteFailureTest, ShortWriteLeavesATornTailThatReopenCutsOff) {
  auto store = open_faulty();
  ASSERT_TRUE(store->set("a", "1").is_ok());
  faults_->short_write_next(10);
  EXPECT_EQ(store->set("b", std::string(200, 'b')).code(), StatusCode::kIOError);
  EXPECT_EQ(store->set("c", "3").code(), StatusCode::kWritesStopped);
  store.reset();
  auto reopened = reopen_clean();
  EXPECT_EQ(contents(*reopened), (Model{{"a", "1"}}));
  EXPECT_EQ(reopened->stats().torn_bytes_dropped, 10u);
  EXPECT_TRUE(reopened->set("c", "3").is_ok()) << "reopening clears the stop";
}

TEST_F(WriteFailureTest, ExistsNeverReadsTheValue) {
  auto store = open_faulty();
  ASSERT_TRUE(store->set("k", std::string(1000, 'v')).is_ok());
  const uint64_t reads = faults_->operation_count(OperationKind::kRead);
  EXPECT_TRUE(store->exists("k").value());
  EXPECT_FALSE(store->exists("missing").value());
  EXPECT_EQ(faults_->operation_count(OperationKind::kRead), reads);
  EXPECT_TRUE(store->get("k").value().has_value());
  EXPECT_GT(faults_->operation_count(OperationKind::kRead), reads) << "get does read";
}

TEST_F(WriteFailureTest, FailedSegmentRollStopsWritesAndLosesNothing) {
  Options options;
  options.segment_bytes_max = 4096;
  auto store = open_faulty(options);
  Model model;
  faults_->fail_next(OperationKind::kSyncDir);  // the directory sync of the next new segment
  Status status;
  for (int i = 0; i < 100 && status.is_ok(); ++i) {
    const std::string key = "k" + std::to_string(i);
    status = store->set(key, std::string(200, 'v'));
    if (status.is_ok()) model[key] = std::string(200, 'v');
  }
  ASSERT_EQ(status.code(), StatusCode::kIOError) << status.to_string();
  EXPECT_EQ(store->set("x", "y").code(), StatusCode::kWritesStopped);
  store.reset();
  simulate_power_loss(*mem_, 3, PowerLossMode::kDropUnsynced);
  EXPECT_EQ(contents(*reopen_clean(options)), model);
}

// Crashes at every sync point of a workload: before the n-th sync (or directory sync) the
// power fails. Every acknowledged operation must be present after reopen, and the one
// operation in flight wholly present or wholly absent.
TEST_F(WriteFailureTest, PowerLossAtEverySyncPoint) {
  const uint64_t seed = testing::test_seed();
  Options options;
  options.segment_bytes_max = 4096;  // include segment rolls among the sync points
  for (const PowerLossMode mode : {PowerLossMode::kDropUnsynced, PowerLossMode::kRandom}) {
    for (uint64_t crash_at = 1;; ++crash_at) {
      SCOPED_TRACE("crash before sync point " + std::to_string(crash_at) + ", seed " +
                   std::to_string(seed));
      mem_ = std::make_shared<MemFileSystem>();
      faults_ = std::make_shared<FaultFileSystem>(mem_);
      uint64_t sync_points = 0;
      bool crashed = false;
      faults_->set_hook([&](OperationKind kind, const std::string&) {
        if (kind != OperationKind::kSync && kind != OperationKind::kSyncDir) return;
        if (++sync_points == crash_at && !crashed) {
          crashed = true;
          simulate_power_loss(*mem_, seed + crash_at, mode);
        }
      });
      std::mt19937_64 random(seed);
      Model acknowledged;
      std::optional<Model> in_flight;
      {
        Result<std::unique_ptr<Store>> opened = open_store(faults_, kDir, options);
        if (opened.is_ok()) {
          auto store = std::move(opened).value();
          for (int i = 0; i < 60 && !crashed; ++i) {
            Model next = acknowledged;
            const std::string key = "key" + std::to_string(random() % 10);
            Status status;
            if (random() % 4 == 0) {
              next.erase(key);
              status = store->del(key);
            } else {
              const std::string value(random() % 600, static_cast<char>('a' + i % 26));
              next[key] = value;
              status = store->set(key, value);
            }
            if (status.is_ok()) {
              acknowledged = std::move(next);
            } else {
              ASSERT_TRUE(crashed) << status.to_string();
              in_flight = std::move(next);
            }
          }
        }
      }
      if (!crashed) break;  // the workload has fewer sync points than crash_at: all covered
      faults_->set_hook({});
      auto store = reopen_clean(options);
      ASSERT_NE(store, nullptr);
      const Model recovered = contents(*store);
      EXPECT_TRUE(recovered == acknowledged || (in_flight && recovered == *in_flight))
          << "recovered " << recovered.size() << " keys; acknowledged " << acknowledged.size();
      ASSERT_LT(crash_at, 10000u);
    }
  }
}

}  // namespace
}  // namespace logkv
