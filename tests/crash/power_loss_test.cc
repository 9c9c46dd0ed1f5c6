// Simulated power losses at every crash point of seeded workloads (sets, deletes, overwrites,
// batches, reads, reopens; values of 0..4 KiB) on MemFileSystem: every acknowledged operation
// survives, the operation in flight is wholly present or wholly absent, no deleted key comes
// back, no value appears that was never written, and the store opens without repair.
//
// Crash points are enumerated systematically (each one of a workload in turn, in both
// power-loss modes, also a second crash during recovery) and drawn at random. Each failure
// prints its seed and crash point; LOGKV_TEST_SEED and LOGKV_CRASH_POINT replay it alone.
// LOGKV_CRASH_POINTS sets how many random crash points to simulate (the extended tier raises it).
#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/store_impl.h"
#include "tests/crash/crash_env.h"
#include "tests/crash/power_cut.h"
#include "tests/crash/power_loss_case.h"
#include "tests/crash/recovery_check.h"
#include "tests/crash/workload.h"
#include "tests/support/seed.h"

namespace logkv::crash {
namespace {

using testing::FaultFileSystem;

constexpr PowerLossMode kModes[] = {PowerLossMode::kDropUnsynced, PowerLossMode::kRandom};

std::string current_test_filter() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return std::string(info->test_suite_name()) + "." + info->name();
}

void report_crash_points(uint64_t simulated) {
  std::cout << "crash points simulated: " << simulated << std::endl;
  ::testing::Test::RecordProperty("crash_points", std::to_string(simulated));
}

// Runs every crash point of the workload `base` (or only LOGKV_CRASH_POINT's) and returns how
// many crashed. Stops at the first failure, which it reports with its replay line.
uint64_t run_every_crash_point(PowerLossCase base, const std::optional<CrashPoint>& only) {
  uint64_t simulated = 0;
  for (uint64_t point = only ? only->point : 1;; ++point) {
    PowerLossCase test_case = base;
    test_case.crash = {point, only ? only->recovery_point : 0};
    const PowerLossOutcome outcome = run_power_loss_case(test_case);
    EXPECT_EQ(outcome.failure, "") << replay_hint(test_case, current_test_filter());
    if (!outcome.failure.empty() || !outcome.crashed || only) break;
    ++simulated;
  }
  return simulated;
}

TEST(PowerLossTest, EveryCrashPointOfSeveralWorkloadsWithSyncedWrites) {
  const uint64_t seed = testing::test_seed();
  const std::optional<CrashPoint> only = crash_point_from_env();
  const uint64_t workloads = only ? 1 : env_count("LOGKV_CRASH_WORKLOADS", 4);
  uint64_t simulated = 0;
  for (uint64_t workload = 0; workload < workloads; ++workload) {
    for (const PowerLossMode mode : kModes) {
      simulated += run_every_crash_point(
          PowerLossCase{seed + workload, 150, SyncMode::kAlways, mode, {}}, only);
      if (HasFailure()) return;
    }
  }
  report_crash_points(simulated);
  if (!only) {
    EXPECT_GT(simulated, 200u * workloads) << "the workloads should pass many crash points";
  }
}

// Without syncs (SyncMode::kNever) acknowledged writes may be lost, but what survives is the
// state after some prefix of the operations since the last clean reopen: never a torn record,
// never half a batch. Every append is a crash point too.
TEST(PowerLossTest, EveryCrashPointWithUnsyncedWritesRecoversAPrefix) {
  const uint64_t seed = testing::test_seed();
  const std::optional<CrashPoint> only = crash_point_from_env();
  uint64_t simulated = 0;
  for (const PowerLossMode mode : kModes) {
    simulated += run_every_crash_point(PowerLossCase{seed, 150, SyncMode::kNever, mode, {}}, only);
    if (HasFailure()) return;
  }
  report_crash_points(simulated);
  if (!only) {
    EXPECT_GT(simulated, 100u);
  }
}

// A second power loss at every crash point of the open that recovers from the first one (the
// truncation of a torn tail, the removal of a headerless segment, the sync of the tail).
TEST(PowerLossTest, EveryCrashPointDuringRecovery) {
  const uint64_t seed = testing::test_seed();
  const std::optional<CrashPoint> only = crash_point_from_env();
  uint64_t simulated = 0;
  for (const PowerLossMode mode : kModes) {
    for (uint64_t point = only ? only->point : 1;; ++point) {
      bool crashed = false;
      for (uint64_t recovery_point = only ? only->recovery_point : 1;; ++recovery_point) {
        const PowerLossCase test_case{seed, 60, SyncMode::kAlways, mode, {point, recovery_point}};
        const PowerLossOutcome outcome = run_power_loss_case(test_case);
        ASSERT_EQ(outcome.failure, "") << replay_hint(test_case, current_test_filter());
        crashed = outcome.crashed;
        if (!outcome.crashed || !outcome.recovery_crashed || only) break;
        simulated += 2;  // the crash in the workload and the one during recovery
      }
      if (!crashed || only) break;
    }
  }
  report_crash_points(simulated);
  if (!only) {
    EXPECT_GT(simulated, 100u);
  }
}

// Crash points drawn at random over many short workloads, in every sync and power-loss mode,
// a quarter of them with a second crash during recovery. Each case derives everything from its
// own seed, which the failure message names.
TEST(PowerLossTest, RandomCrashPoints) {
  const uint64_t seed = testing::test_seed();
  const std::optional<CrashPoint> only = crash_point_from_env();
  const uint64_t target = only ? 1 : env_count("LOGKV_CRASH_POINTS", 9000);
  auto draw_case = [](uint64_t case_seed) {
    std::mt19937_64 random(case_seed);
    PowerLossCase test_case;
    test_case.seed = case_seed;
    test_case.operations = 10 + static_cast<uint32_t>(random() % 200);
    test_case.sync_mode = random() % 4 == 0 ? SyncMode::kNever : SyncMode::kAlways;
    test_case.mode = random() % 2 == 0 ? PowerLossMode::kDropUnsynced : PowerLossMode::kRandom;
    // A workload passes about one crash point per operation with synced writes and a quarter
    // more without (every append counts then), so nearly every case crashes.
    const uint64_t points =
        test_case.operations * (test_case.sync_mode == SyncMode::kNever ? 5 : 4) / 4;
    test_case.crash.point = 1 + random() % (points + 4);
    if (random() % 4 == 0) test_case.crash.recovery_point = 1 + random() % 3;
    return test_case;
  };
  uint64_t simulated = 0;
  uint64_t cases = 0;
  // A case whose crash point lies past its workload's end still checks a clean shutdown, but
  // only cases that crashed count; the bound keeps the loop finite whatever the workloads do.
  for (; simulated < target && cases < target * 4; ++cases) {
    PowerLossCase test_case = draw_case(only ? seed : mix_seed(seed, cases));
    if (only) test_case.crash = *only;
    const PowerLossOutcome outcome = run_power_loss_case(test_case);
    ASSERT_EQ(outcome.failure, "") << replay_hint(test_case, current_test_filter());
    simulated += (outcome.crashed ? 1 : 0) + (outcome.recovery_crashed ? 1 : 0);
    if (only) break;
  }
  std::cout << "random cases run: " << cases << std::endl;
  report_crash_points(simulated);
  if (!only) {
    EXPECT_GE(simulated, target);
  }
}

// One round of ConcurrentWritersAtRandomSyncPoints: kThreads threads write their own keys until
// the power fails at `crash_point`; then each thread's keys are checked on their own. Returns
// what went wrong, or "".
std::string run_concurrent_round(uint64_t round_seed, uint64_t crash_point, bool* crashed) {
  constexpr int kThreads = 4;
  constexpr int kOperationsPerThread = 40;
  const PowerLossMode mode = kModes[round_seed % 2];
  auto mem = std::make_shared<MemFileSystem>();
  auto faults = std::make_shared<FaultFileSystem>(mem);
  Options options;
  options.segment_bytes_max = 4096;
  run_in_foreground(&options);
  struct ThreadRun {
    Model acknowledged;
    std::optional<Op> in_flight;
    WrittenValues written;
    std::string failure;
  };
  std::vector<ThreadRun> runs(kThreads);
  {
    PowerCut cut(mem, faults, crash_point, false, mix_seed(round_seed, 1), mode);
    Result<std::unique_ptr<Store>> opened = open_store(faults, "/store", options);
    if (!opened.is_ok() && !cut.crashed()) return "open failed: " + opened.status().to_string();
    if (opened.is_ok()) {
      std::unique_ptr<Store> store = std::move(opened).value();
      std::vector<std::thread> threads;
      for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
          ThreadRun& run = runs[t];
          Workload workload(mix_seed(round_seed, t), write_only_shape(thread_key_prefix(t)));
          for (int i = 0; i < kOperationsPerThread; ++i) {
            const Op op = workload.next();
            run.written.note(op, run.acknowledged);
            const Status status = apply_to_store(op, run.acknowledged, *store);
            if (!status.is_ok()) {
              if (!cut.crashed()) run.failure = describe(op) + ": " + status.to_string();
              run.in_flight = op;
              return;
            }
            apply_to_model(op, &run.acknowledged);
          }
        });
      }
      for (std::thread& thread : threads) thread.join();
    }
    *crashed = cut.crashed();
  }
  if (!*crashed) simulate_power_loss(*mem, mix_seed(round_seed, 2), mode);
  Result<std::unique_ptr<Store>> reopened = open_store(mem, "/store", options);
  if (!reopened.is_ok()) return "the store does not open: " + reopened.status().to_string();
  const Result<Model> recovered = read_all(**reopened);
  if (!recovered.is_ok()) return "reading the store failed: " + recovered.status().to_string();
  size_t keys_of_threads = 0;
  for (int t = 0; t < kThreads; ++t) {
    const ThreadRun& run = runs[t];
    if (!run.failure.empty())
      return "thread " + std::to_string(t) + " failed without a crash: " + run.failure;
    const Model part = with_prefix(*recovered, thread_key_prefix(t));
    keys_of_threads += part.size();
    const std::vector<Model> allowed =
        acknowledged_or_in_flight(run.acknowledged, run.in_flight ? &*run.in_flight : nullptr);
    if (std::string problem = check_recovered(part, allowed, run.written); !problem.empty()) {
      return "thread " + std::to_string(t) + ": " + problem;
    }
  }
  if (keys_of_threads != recovered->size()) return "the store holds keys that no thread wrote";
  return {};
}

// Group commit: several threads write at once (disjoint keys, each thread its own workload) and
// the power fails at a random crash point; each thread's acknowledged writes survive and its
// one write in flight is wholly present or absent. A round's seed fixes its workloads, crash
// point and power-loss mode; the threads' interleaving is the scheduler's, so a replay reruns
// the same round but may group the writes differently.
TEST(PowerLossTest, ConcurrentWritersAtRandomSyncPoints) {
  const uint64_t seed = testing::test_seed();
  const std::optional<CrashPoint> only = crash_point_from_env();
  const uint64_t rounds = only ? 1 : env_count("LOGKV_GROUP_COMMIT_CRASHES", 150);
  uint64_t simulated = 0;
  for (uint64_t round = 0; round < rounds; ++round) {
    const uint64_t round_seed = only ? seed : mix_seed(seed, round);
    // Four threads of 40 writes pass about 160 crash points when no writes share a sync.
    const uint64_t crash_point = only ? only->point : 1 + mix_seed(round_seed, 0) % 120;
    bool crashed = false;
    const std::string failure = run_concurrent_round(round_seed, crash_point, &crashed);
    ASSERT_EQ(failure, "") << "round " << round << ": replay with LOGKV_TEST_SEED=" << round_seed
                           << " LOGKV_CRASH_POINT=" << crash_point
                           << " power_loss_test --gtest_filter=" << current_test_filter();
    simulated += crashed ? 1 : 0;
  }
  report_crash_points(simulated);
  if (!only) {
    EXPECT_GT(simulated, rounds / 2) << "most rounds should reach their crash point";
  }
}

}  // namespace
}  // namespace logkv::crash
