// The index checkpoint (index/index_checkpoint.h) as the store uses it: a clean close writes it
// when engine/index_checkpoint_policy.h says so, the next open loads it and reads only the log
// after it, and one that no longer fits the log (rule C of docs/FORMAT.md) is ignored and
// removed, never trusted: the store's contents are the same with or without it.
#include "index/index_checkpoint.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/store_impl.h"
#include "fs/mem_file_system.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/mem_power_loss.h"
#include "tests/support/seed.h"
#include "tests/support/store_contents.h"
#include "tests/support/store_test_peer.h"
#include "wal/file_names.h"

namespace logkv {
namespace {

using Model = std::map<std::string, std::string>;

constexpr char kDir[] = "/store";

class IndexCheckpointTest : public ::testing::Test {
 protected:
  static Options checkpoint_every_close() {
    Options options;
    options.index_checkpoint_bytes_min = 0;
    options.automatic_compaction = false;
    return options;
  }
  std::unique_ptr<Store> open_ok(const Options& options) {
    Result<std::unique_ptr<Store>> store = open_store(fs_, kDir, options);
    EXPECT_TRUE(store.is_ok()) << store.status().to_string();
    return store.is_ok() ? std::move(store).value() : nullptr;
  }
  std::string path(std::string_view name) const {
    return std::string(kDir) + "/" + std::string(name);
  }
  bool has_checkpoint() const { return fs_->file_size(path(kIndexCheckpointFileName)).is_ok(); }
  static bool loaded(Store& store) { return StoreTestPeer(store).index_checkpoint_loaded(); }

  // Sets, overwrites and deletes drawn from `rng`, applied to `store` and `model` alike.
  static void churn(Store& store, Model& model, std::mt19937_64& rng, int operations) {
    for (int i = 0; i < operations; ++i) {
      const std::string key = "key-" + std::to_string(rng() % 300);
      if (rng() % 4 == 0) {
        ASSERT_TRUE(store.del(key).is_ok());
        model.erase(key);
      } else {
        const std::string value = "value-" + std::to_string(rng()) + std::string(rng() % 64, 'x');
        ASSERT_TRUE(store.set(key, value).is_ok());
        model[key] = value;
      }
    }
  }

  std::shared_ptr<MemFileSystem> fs_ = std::make_shared<MemFileSystem>();
};

TEST_F(IndexCheckpointTest, ACleanCloseWritesOneAndTheNextOpenLoadsIt) {
  const uint64_t seed = testing::test_seed();
  std::mt19937_64 rng(seed);
  Model model;
  uint64_t live_bytes = 0;
  {
    auto store = open_ok(checkpoint_every_close());
    EXPECT_FALSE(loaded(*store));
    churn(*store, model, rng, 2000);
    live_bytes = store->stats().live_bytes;
  }
  ASSERT_TRUE(has_checkpoint()) << "seed " << seed;
  auto store = open_ok(checkpoint_every_close());
  EXPECT_TRUE(loaded(*store));
  EXPECT_EQ(testing::store_contents(*store), model) << "seed " << seed;
  EXPECT_EQ(store->stats().keys, model.size());
  EXPECT_EQ(store->stats().live_bytes, live_bytes)
      << "the checkpoint carries each segment's live bytes";
  store.reset();

  // The same store read from its log alone agrees.
  ASSERT_TRUE(fs_->remove(path(kIndexCheckpointFileName)).is_ok());
  Options no_checkpoints = checkpoint_every_close();
  no_checkpoints.index_checkpoint_bytes_min = UINT64_MAX;
  store = open_ok(no_checkpoints);
  EXPECT_FALSE(loaded(*store));
  EXPECT_EQ(testing::store_contents(*store), model);
  EXPECT_EQ(store->stats().live_bytes, live_bytes);
  store.reset();
  EXPECT_FALSE(has_checkpoint()) << "UINT64_MAX turns checkpoints off";
}

TEST_F(IndexCheckpointTest, ASmallLogGetsNoneByDefault) {
  {
    auto store = open_ok(Options{});
    ASSERT_TRUE(store->set("a", "1").is_ok());
  }
  EXPECT_FALSE(has_checkpoint()) << "a log below index_checkpoint_bytes_min reads as fast as one";
}

// Writes after the checkpoint, then a power loss: the open loads the checkpoint and replays
// the rest of its newest segment and the segments a roll added, deletes included.
TEST_F(IndexCheckpointTest, TheLogAfterItIsReplayedAfterACrash) {
  const uint64_t seed = testing::test_seed();
  std::mt19937_64 rng(seed);
  Options options = checkpoint_every_close();
  options.segment_bytes_max = 16 << 10;
  Model model;
  {
    auto store = open_ok(options);
    churn(*store, model, rng, 500);
  }
  ASSERT_TRUE(has_checkpoint());
  {
    auto store = open_ok(options);
    ASSERT_TRUE(loaded(*store));
    churn(*store, model, rng, 800);  // rolls into new segments (16 KiB each)
    simulate_power_loss(*fs_, seed, PowerLossMode::kDropUnsynced);
  }
  auto store = open_ok(options);
  EXPECT_TRUE(loaded(*store)) << "the checkpoint still fits: nothing it lists changed";
  EXPECT_EQ(testing::store_contents(*store), model) << "seed " << seed;
}

TEST_F(IndexCheckpointTest, AReadOnlyOpenUsesItAndReplaysTheLogAfterIt) {
  Model model;
  std::mt19937_64 rng(testing::test_seed());
  {
    auto store = open_ok(checkpoint_every_close());
    churn(*store, model, rng, 300);
  }
  auto writer = open_ok(checkpoint_every_close());
  churn(*writer, model, rng, 100);
  Options read_only = checkpoint_every_close();
  read_only.read_only = true;
  auto reader = open_ok(read_only);
  EXPECT_TRUE(loaded(*reader));
  EXPECT_EQ(testing::store_contents(*reader), model);
}

// A compaction retires segments the checkpoint points into: it no longer fits, the open reads
// the log instead, and a writer's open removes it.
TEST_F(IndexCheckpointTest, ACompactionSinceMakesItStale) {
  Options options = checkpoint_every_close();
  options.segment_bytes_max = 8 << 10;
  Model model;
  std::mt19937_64 rng(testing::test_seed());
  {
    auto store = open_ok(options);
    churn(*store, model, rng, 600);
  }
  const std::string before = fs_->read_file(path(kIndexCheckpointFileName)).value();
  {
    Options never = options;
    never.index_checkpoint_bytes_min = UINT64_MAX;
    auto store = open_ok(never);
    ASSERT_TRUE(store->compact().is_ok());
  }
  ASSERT_EQ(fs_->read_file(path(kIndexCheckpointFileName)).value(), before)
      << "with checkpoints off, close leaves the stale one as it was";
  auto store = open_ok(options);
  EXPECT_FALSE(loaded(*store));
  EXPECT_FALSE(has_checkpoint()) << "a writer's open removes one that does not fit";
  EXPECT_EQ(testing::store_contents(*store), model);
  store.reset();
  EXPECT_TRUE(has_checkpoint()) << "close writes a fresh one";
  EXPECT_TRUE(loaded(*open_ok(options)));
}

// Every byte of the file is covered: a flip anywhere makes the open ignore it.
TEST_F(IndexCheckpointTest, ADamagedOneIsIgnored) {
  Model model;
  std::mt19937_64 rng(testing::test_seed());
  {
    auto store = open_ok(checkpoint_every_close());
    churn(*store, model, rng, 200);
  }
  const std::string good = fs_->read_file(path(kIndexCheckpointFileName)).value();
  const uint64_t seed = testing::test_seed();
  std::mt19937_64 positions(seed);
  for (int round = 0; round < 24; ++round) {
    std::string bad = good;
    const size_t at = round < 8 ? static_cast<size_t>(round) * 7 : positions() % bad.size();
    bad[at] = static_cast<char>(bad[at] ^ (1 << (positions() % 8)));
    ASSERT_TRUE(fs_->write_file(path(kIndexCheckpointFileName), bad).is_ok());
    Options read_only = checkpoint_every_close();
    read_only.read_only = true;
    auto store = open_ok(read_only);
    EXPECT_FALSE(loaded(*store)) << "byte " << at << ", seed " << seed;
    EXPECT_EQ(testing::store_contents(*store), model) << "byte " << at << ", seed " << seed;
  }
}

// The newest segment cut below the checkpoint's length and written again to past it (as after
// a repair) holds other records there: the tail check tells, and the log is read instead.
TEST_F(IndexCheckpointTest, ANewestSegmentRewrittenBelowItsPointIsNotTakenForTheSame) {
  Model model;
  {
    auto store = open_ok(checkpoint_every_close());
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(store->set("k" + std::to_string(i), "old").is_ok());
  }
  const std::string segment = path(segment_file_name(1));
  const uint64_t length = fs_->file_size(segment).value();
  const IndexCheckpoint checkpoint = read_index_checkpoint(*fs_, kDir).value();
  ASSERT_EQ(checkpoint.point.newest_segment_bytes, length);
  // Keep the checkpoint aside, let a writer start over from a shorter log, then put it back.
  const std::string saved = fs_->read_file(path(kIndexCheckpointFileName)).value();
  ASSERT_TRUE(fs_->remove(path(kIndexCheckpointFileName)).is_ok());
  ASSERT_TRUE(fs_->remove(path(kCloseMarkerFileName)).is_ok());
  ASSERT_TRUE(fs_->remove(path(kSyncedMarkerFileName)).is_ok());
  ASSERT_TRUE(fs_->truncate(segment, length / 2).is_ok());  // a torn tail, cut at open
  {
    Options never = checkpoint_every_close();
    never.index_checkpoint_bytes_min = UINT64_MAX;
    auto store = open_ok(never);
    model = testing::store_contents(*store);
    for (int i = 0; i < 40; ++i) {
      ASSERT_TRUE(store->set("new" + std::to_string(i), "new").is_ok());
      model["new" + std::to_string(i)] = "new";
    }
  }
  ASSERT_GE(fs_->file_size(segment).value(), length);
  ASSERT_TRUE(fs_->write_file(path(kIndexCheckpointFileName), saved).is_ok());
  auto store = open_ok(checkpoint_every_close());
  EXPECT_FALSE(loaded(*store));
  EXPECT_EQ(testing::store_contents(*store), model);
}

// Writing the checkpoint is best effort: an I/O error at any operation of it leaves a close that
// succeeds (every write is durable before it starts) and a store that opens with all its data.
// Errors earlier in the close may fail it, but lose nothing either.
TEST_F(IndexCheckpointTest, AnErrorAtAnyStepOfWritingItFailsNothing) {
  const auto run = [](uint64_t fail_at, std::vector<std::string>* paths, Status* closed,
                      bool* injected) {
    auto mem = std::make_shared<MemFileSystem>();
    auto faults = std::make_shared<testing::FaultFileSystem>(mem);
    Options options = checkpoint_every_close();
    Model model;
    {
      auto store = open_store(faults, kDir, options).value();
      for (int i = 0; i < 100; ++i) {
        EXPECT_TRUE(store->set("k" + std::to_string(i), "first").is_ok());
        model["k" + std::to_string(i)] = "first";
      }
    }
    auto store = open_store(faults, kDir, options).value();
    for (int i = 50; i < 150; ++i) {
      EXPECT_TRUE(store->set("k" + std::to_string(i), "second").is_ok());
      model["k" + std::to_string(i)] = "second";
    }
    const uint64_t before = faults->faults_injected();
    if (paths != nullptr) {
      faults->set_hook(
          [paths](testing::OperationKind, const std::string& path) { paths->push_back(path); });
    }
    if (fail_at != 0) faults->fail_operation(fail_at, StatusCode::kIOError, "EIO");
    *closed = store->close();
    *injected = faults->faults_injected() > before;
    faults->set_hook({});
    faults->clear_faults();
    store.reset();
    // The store opens, on the same files, with every acknowledged write, and again after that.
    for (int reopen = 0; reopen < 2; ++reopen) {
      Result<std::unique_ptr<Store>> again = open_store(mem, kDir, options);
      if (!again.is_ok())
        return "reopen " + std::to_string(reopen) + ": " + again.status().to_string();
      if (testing::store_contents(**again) != model)
        return "reopen " + std::to_string(reopen) + ": contents differ";
    }
    return std::string();
  };

  // A clean close, to learn its operations: the close marker's publish, then the checkpoint's.
  std::vector<std::string> paths;
  Status closed;
  bool injected = false;
  ASSERT_EQ(run(0, &paths, &closed, &injected), "");
  ASSERT_TRUE(closed.is_ok());
  size_t checkpoint_from = 0;  // 1-based: the first operation of writing the checkpoint
  for (size_t i = 0; i < paths.size(); ++i) {
    if (paths[i].ends_with(std::string("/") + kCloseMarkerFileName + ".tmp"))
      checkpoint_from = i + 3;
  }
  ASSERT_GT(checkpoint_from, 0u) << "the close marker's rename comes before the checkpoint";
  ASSERT_LE(checkpoint_from, paths.size());
  bool writes_checkpoint = false;
  for (size_t i = checkpoint_from - 1; i < paths.size(); ++i) {
    writes_checkpoint |= paths[i].ends_with(std::string("/") + kIndexCheckpointFileName + ".tmp");
  }
  ASSERT_TRUE(writes_checkpoint)
      << "the close must write a checkpoint for this test to mean anything";

  for (uint64_t fail_at = 1; fail_at <= paths.size(); ++fail_at) {
    const std::string failure = run(fail_at, nullptr, &closed, &injected);
    EXPECT_EQ(failure, "") << "an error at operation " << fail_at << " of the close";
    ASSERT_TRUE(injected) << "operation " << fail_at << " was not reached";
    if (fail_at >= checkpoint_from) {
      EXPECT_TRUE(closed.is_ok()) << "an error at operation " << fail_at << " ('"
                                  << paths[fail_at - 1] << "') of writing the checkpoint failed "
                                  << "the close: " << closed.to_string();
    }
  }
}

}  // namespace
}  // namespace logkv
