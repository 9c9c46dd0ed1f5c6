#include "tests/crash/power_loss_case.h"

#include <memory>
#include <optional>
#include <vector>

#include "engine/store_impl.h"
#include "tests/crash/power_cut.h"
#include "tests/crash/recovery_check.h"
#include "tests/crash/workload.h"
#include "tests/support/fault_file_system.h"

namespace logkv::crash {

using testing::FaultFileSystem;

namespace {

constexpr char kDir[] = "/store";

Options case_options(const PowerLossCase& test_case) {
  Options options;
  options.sync_mode = test_case.sync_mode;
  // Small segments, so that segment rolls (create, sync, directory sync) are among the crash
  // points and recovery reads several segments.
  options.segment_bytes_max = 4096;
  // Every close of an even seed's workload writes the index checkpoint, so that writing it is
  // among the crash points and recovery starts from it; odd seeds recover from the log alone
  // (their logs stay below the default threshold).
  if (test_case.seed % 2 == 0) options.index_checkpoint_bytes_min = 0;
  // Crash points must be numbered the same way in every run, and PowerCut needs the store's
  // file-system operations not to race (see power_cut.h).
  run_in_foreground(&options);
  return options;
}

// What the workload part of a case leaves behind for the check.
struct WorkloadRun {
  Model acknowledged;
  std::optional<Op> in_flight;
  // With syncs left to the OS, every state from the last clean close+open on may survive.
  std::vector<Model> since_last_durable_point;
  WrittenValues written;
  std::string failure;
};

WorkloadRun run_workload(const PowerLossCase& test_case, const std::shared_ptr<MemFileSystem>& mem,
                         PowerLossOutcome* outcome) {
  WorkloadRun run;
  run.since_last_durable_point.push_back(Model{});
  const Options options = case_options(test_case);
  const bool appends_count = test_case.sync_mode != SyncMode::kAlways;
  auto faults = std::make_shared<FaultFileSystem>(mem);
  PowerCut cut(mem, faults, test_case.crash.point, appends_count,
               mix_seed(test_case.seed, test_case.crash.point), test_case.mode);
  std::unique_ptr<Store> store;
  auto fail = [&](const std::string& what, const Status& status) {
    run.failure = what + ": " + status.to_string();
  };
  {
    Result<std::unique_ptr<Store>> opened = open_store(faults, kDir, options);
    if (opened.is_ok()) {
      store = std::move(opened).value();
    } else if (!cut.crashed()) {
      fail("the first open failed without a crash", opened.status());
    }
  }
  Workload workload(test_case.seed, WorkloadShape{});
  for (uint32_t i = 0; i < test_case.operations && store != nullptr && run.failure.empty(); ++i) {
    const Op op = workload.next();
    if (op.kind == OpKind::kReopen) {
      const Status closed = store->close();
      store.reset();
      if (!closed.is_ok() && !cut.crashed()) fail("close failed without a crash", closed);
      if (!closed.is_ok()) break;
      Result<std::unique_ptr<Store>> opened = open_store(faults, kDir, options);
      if (!opened.is_ok()) {
        if (!cut.crashed()) fail("reopen failed without a crash", opened.status());
        break;
      }
      store = std::move(opened).value();
      // close() synced everything, so nothing before this point can be lost any more.
      run.since_last_durable_point = {run.acknowledged};
      continue;
    }
    if (is_write(op)) run.written.note(op, run.acknowledged);
    const Status status = apply_to_store(op, run.acknowledged, *store);
    if (status.is_ok()) {
      if (is_write(op)) {
        apply_to_model(op, &run.acknowledged);
        run.since_last_durable_point.push_back(run.acknowledged);
      }
      continue;
    }
    if (!cut.crashed()) {
      fail(describe(op) + " failed without a crash", status);
      break;
    }
    if (is_write(op)) run.in_flight = op;
    break;
  }
  if (store != nullptr && !cut.crashed() && run.failure.empty()) {
    // The crash point lies beyond the workload: close cleanly, then cut the power anyway.
    // With syncs left to the OS, close() syncs, so the crash point may still come here.
    const Status closed = store->close();
    if (closed.is_ok()) run.since_last_durable_point = {run.acknowledged};
    if (!closed.is_ok() && !cut.crashed()) fail("close failed without a crash", closed);
  }
  // The dead process's store must go before the hook that keeps it off the rebooted disk.
  store.reset();
  outcome->crashed = cut.crashed();
  outcome->crash_points = cut.crash_points_seen();
  outcome->crashed_before = cut.crashed_before();
  if (!cut.crashed()) simulate_power_loss(*mem, mix_seed(test_case.seed, 0), test_case.mode);
  return run;
}

// A second power loss while the store recovers from the first one.
void crash_during_recovery(const PowerLossCase& test_case,
                           const std::shared_ptr<MemFileSystem>& mem, PowerLossOutcome* outcome,
                           std::string* failure) {
  auto faults = std::make_shared<FaultFileSystem>(mem);
  PowerCut cut(
      mem, faults, test_case.crash.recovery_point, test_case.sync_mode != SyncMode::kAlways,
      mix_seed(test_case.seed, test_case.crash.point * 7919 + test_case.crash.recovery_point),
      test_case.mode);
  Result<std::unique_ptr<Store>> opened = open_store(faults, kDir, case_options(test_case));
  if (opened.is_ok()) {
    if (Status closed = (*opened)->close(); !closed.is_ok() && !cut.crashed()) {
      *failure = "closing the recovered store failed without a crash: " + closed.to_string();
    }
  } else if (!cut.crashed()) {
    *failure = "recovery failed without a second crash: " + opened.status().to_string();
  }
  outcome->recovery_crashed = cut.crashed();
  outcome->recovery_crash_points = cut.crash_points_seen();
  outcome->recovery_crashed_before = cut.crashed_before();
  if (!cut.crashed()) simulate_power_loss(*mem, mix_seed(test_case.seed, 1), test_case.mode);
}

// Opens the rebooted store cleanly and checks it; then checks that it takes writes and that
// they survive one more reopen, so that recovery left a log that continues correctly.
std::string check_after_reboot(const PowerLossCase& test_case,
                               const std::shared_ptr<MemFileSystem>& mem, const WorkloadRun& run) {
  const Options options = case_options(test_case);
  Result<std::unique_ptr<Store>> opened = open_store(mem, kDir, options);
  if (!opened.is_ok())
    return "the store does not open after the crash: " + opened.status().to_string();
  std::unique_ptr<Store> store = std::move(opened).value();
  Result<Model> recovered = read_all(*store);
  if (!recovered.is_ok())
    return "reading the recovered store failed: " + recovered.status().to_string();

  std::vector<Model> allowed;
  if (test_case.sync_mode == SyncMode::kAlways) {
    allowed =
        acknowledged_or_in_flight(run.acknowledged, run.in_flight ? &*run.in_flight : nullptr);
  } else {
    allowed = run.since_last_durable_point;
    if (run.in_flight) {
      allowed.push_back(run.acknowledged);
      apply_to_model(*run.in_flight, &allowed.back());
    }
  }
  if (std::string problem = check_recovered(*recovered, allowed, run.written); !problem.empty()) {
    return problem;
  }

  if (Status status = store->set("after-crash", "written after recovery"); !status.is_ok()) {
    return "the recovered store refuses a write: " + status.to_string();
  }
  if (Status status = store->close(); !status.is_ok()) return "close failed: " + status.to_string();
  store.reset();
  opened = open_store(mem, kDir, options);
  if (!opened.is_ok()) return "the second reopen failed: " + opened.status().to_string();
  Result<Model> reread = read_all(**opened);
  Model expected = *recovered;
  expected["after-crash"] = "written after recovery";
  if (!reread.is_ok() || *reread != expected) {
    return "a write after recovery did not survive a reopen, or changed other keys";
  }
  return {};
}

}  // namespace

PowerLossOutcome run_power_loss_case(const PowerLossCase& test_case) {
  PowerLossOutcome outcome;
  auto mem = std::make_shared<MemFileSystem>();
  WorkloadRun run = run_workload(test_case, mem, &outcome);
  std::string failure = run.failure;
  if (failure.empty() && test_case.crash.recovery_point != 0) {
    crash_during_recovery(test_case, mem, &outcome, &failure);
  }
  if (failure.empty()) failure = check_after_reboot(test_case, mem, run);
  if (failure.empty()) return outcome;
  outcome.failure = failure;
  if (outcome.crashed) outcome.failure += " [the power failed before " + outcome.crashed_before;
  if (outcome.recovery_crashed) {
    outcome.failure += ", and again before " + outcome.recovery_crashed_before + " in recovery";
  }
  if (outcome.crashed) outcome.failure += "]";
  return outcome;
}

std::string_view sync_mode_name(SyncMode mode) {
  switch (mode) {
    case SyncMode::kAlways:
      return "always";
    case SyncMode::kNever:
      return "never";
    case SyncMode::kInterval:
      return "interval";
  }
  return "unknown";
}

std::string_view power_loss_mode_name(PowerLossMode mode) {
  return mode == PowerLossMode::kDropUnsynced ? "drop-unsynced" : "random";
}

std::string replay_hint(const PowerLossCase& test_case, std::string_view test_filter) {
  return "seed=" + std::to_string(test_case.seed) + " crash point=" + to_string(test_case.crash) +
         " (sync " + std::string(sync_mode_name(test_case.sync_mode)) + ", power loss " +
         std::string(power_loss_mode_name(test_case.mode)) + ", " +
         std::to_string(test_case.operations) +
         " operations): replay with LOGKV_TEST_SEED=" + std::to_string(test_case.seed) +
         " LOGKV_CRASH_POINT=" + to_string(test_case.crash) +
         " power_loss_test --gtest_filter=" + std::string(test_filter);
}

}  // namespace logkv::crash
