// Crash at every step of a compaction. The power fails right before the n-th file-system call
// that changes something (create, append, sync, close, folder sync, rename, remove, truncate),
// for every n until the compaction runs to completion, in both of MemFileSystem's power-loss
// modes, for a full and for a partial compaction. From the crash on, every call fails, as for a
// process that lost its machine. After reopening, the store must hold exactly the acknowledged
// state: nothing acknowledged lost, nothing deleted back. Compacting the recovered store again
// (which must clean up whatever the crash left) and reopening must not change that either.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <random>
#include <string>

#include "fs/mem_file_system.h"
#include "tests/compaction/compaction_test_util.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/mem_power_loss.h"
#include "tests/support/seed.h"
#include "tests/support/store_test_peer.h"

namespace logkv {
namespace {

using testing::compaction_test_options;
using testing::contents;
using testing::FaultFileSystem;
using testing::Model;
using testing::open_impl;
using testing::OperationKind;

constexpr char kDir[] = "/store";

bool changes_something(OperationKind kind) {
  switch (kind) {
    case OperationKind::kOpenWritable:
    case OperationKind::kAppend:
    case OperationKind::kSync:
    case OperationKind::kClose:
    case OperationKind::kSyncDir:
    case OperationKind::kRename:
    case OperationKind::kRemove:
    case OperationKind::kTruncate:
      return true;
    default:
      return false;
  }
}

// Sets and deletes over a few keys, enough to fill many small segments with live values, dead
// values and tombstones whose older values sit in other segments. Returns the state after each
// operation (history[0] is the empty store).
std::vector<Model> run_workload(Store& store, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<Model> history{Model{}};
  for (int i = 0; i < 250; ++i) {
    Model model = history.back();
    const std::string key = "key" + std::to_string(random() % 24);
    if (random() % 3 == 0) {
      EXPECT_TRUE(store.del(key).is_ok());
      model.erase(key);
    } else {
      const std::string value(1 + random() % 300, static_cast<char>('a' + random() % 26));
      EXPECT_TRUE(store.set(key, value).is_ok());
      model[key] = value;
    }
    history.push_back(std::move(model));
  }
  return history;
}

// kFullUnsynced runs the workload with SyncMode::kNever: a crash before the compaction's first
// sync may lose any suffix of it (the store must then show the state after some prefix), and
// once the compaction has sealed the log, nothing of it may be lost.
enum class Variant { kFull, kPartial, kFullUnsynced };

void PrintTo(Variant variant, std::ostream* out) {
  *out << (variant == Variant::kFull      ? "full"
           : variant == Variant::kPartial ? "partial"
                                          : "full, unsynced");
}

// Whether `recovered` is the state after some operation of `history`.
bool is_some_prefix(const std::vector<Model>& history, const Model& recovered) {
  return std::find(history.begin(), history.end(), recovered) != history.end();
}

class CompactionCrashTest : public ::testing::TestWithParam<Variant> {
 protected:
  // Runs the compaction under test; returns its status.
  Status compact(Store& store, uint64_t seed) {
    if (GetParam() != Variant::kPartial) return store.compact();
    std::mt19937_64 random(seed ^ 0x5eed);
    std::vector<uint64_t> subset;
    for (uint64_t id : StoreTestPeer(store).immutable_segment_ids()) {
      if (random() % 2 == 0) subset.push_back(id);
    }
    return StoreTestPeer(store).compact_segments(subset);
  }
};

TEST_P(CompactionCrashTest, CrashAtEveryStepLosesNothingAndResurrectsNothing) {
  const uint64_t seed = testing::test_seed();
  Options options = compaction_test_options();
  if (GetParam() == Variant::kFullUnsynced) options.sync_mode = SyncMode::kNever;
  for (const PowerLossMode mode : {PowerLossMode::kDropUnsynced, PowerLossMode::kRandom}) {
    bool completed = false;
    for (uint64_t crash_at = 1; !completed; ++crash_at) {
      SCOPED_TRACE("crash before change " + std::to_string(crash_at) + ", mode " +
                   std::to_string(static_cast<int>(mode)) + ", seed " + std::to_string(seed));
      ASSERT_LT(crash_at, 5000u) << "the compaction never completes";
      auto mem = std::make_shared<MemFileSystem>();
      auto faults = std::make_shared<FaultFileSystem>(mem);
      auto store = open_impl(faults, kDir, options);
      ASSERT_NE(store, nullptr);
      const std::vector<Model> history = run_workload(*store, seed);
      const Model& model = history.back();
      ASSERT_GT(StoreTestPeer(*store).immutable_segment_ids().size(), 4u);

      uint64_t changes = 0;
      bool crashed = false;
      FaultFileSystem* raw_faults = faults.get();
      faults->set_hook([&](OperationKind kind, const std::string&) {
        if (!crashed && changes_something(kind) && ++changes == crash_at) {
          crashed = true;
          simulate_power_loss(*mem, seed + crash_at, mode);
        }
        // The machine is down: this call and every later one fail.
        if (crashed) raw_faults->fail_operation(1, StatusCode::kIOError, "EIO (power lost)");
      });
      const Status compacted = compact(*store, seed);
      if (!crashed) {
        ASSERT_TRUE(compacted.is_ok()) << compacted.to_string();
        EXPECT_EQ(contents(*store), model);
        // The last case: power fails right after the compaction returned.
        crashed = true;
        completed = true;
        simulate_power_loss(*mem, seed, mode);
        std::cout << "crash points covered: " << crash_at << std::endl;
      }
      store.reset();  // its close fails: the machine is down
      faults->set_hook({});

      auto recovered = open_impl(mem, kDir, options);
      ASSERT_NE(recovered, nullptr);
      const Model state = contents(*recovered);
      if (GetParam() == Variant::kFullUnsynced && !completed) {
        ASSERT_TRUE(is_some_prefix(history, state)) << "not the state after any prefix";
      } else {
        ASSERT_EQ(state, model);
      }
      ASSERT_TRUE(recovered->compact().is_ok());
      ASSERT_EQ(contents(*recovered), state);
      ASSERT_TRUE(recovered->close().is_ok());
      recovered.reset();
      auto reopened = open_impl(mem, kDir, options);
      ASSERT_NE(reopened, nullptr);
      ASSERT_EQ(contents(*reopened), state);
      EXPECT_EQ(reopened->stats().hint_files_rejected, 0u)
          << "a crash must never leave a damaged hint file under a final name";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(FullAndPartial, CompactionCrashTest,
                         ::testing::Values(Variant::kFull, Variant::kPartial,
                                           Variant::kFullUnsynced),
                         [](const ::testing::TestParamInfo<Variant>& param_info) {
                           switch (param_info.param) {
                             case Variant::kFull:
                               return "Full";
                             case Variant::kPartial:
                               return "Partial";
                             case Variant::kFullUnsynced:
                               return "FullUnsynced";
                           }
                           return "Unknown";
                         });

}  // namespace
}  // namespace logkv
