#include "tests/crash/io_error_sweep.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>

#include "engine/store_impl.h"
#include "fs/mem_file_system.h"
#include "tests/crash/recovery_check.h"
#include "tests/crash/workload.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/mem_power_loss.h"
#include "wal/file_names.h"

namespace logkv::crash {
namespace {

using testing::FaultFileSystem;
using testing::OperationKind;

constexpr char kDir[] = "/store";
constexpr size_t kFailuresKept = 10;
// A child that has not delivered its verdict after this long is hung.
constexpr int kVerdictWaitMsMax = 60'000;

enum class StepKind : uint8_t { kOpen, kRead, kWrite, kCompact, kReopen, kClose };

Options sweep_options() {
  Options options;
  // Several segments, so that rolls (create, sync, directory sync) are among the operations,
  // but few enough that a reopen stays cheap.
  options.segment_bytes_max = 64 << 10;
  // A forked child has only the forking thread, and operations must be numbered the same way
  // in every run.
  run_in_foreground(&options);
  return options;
}

class Sweep {
 public:
  Sweep(uint64_t seed, InjectedFault fault, uint64_t replay_operation)
      : seed_(seed), fault_(fault), replay_operation_(replay_operation) {}

  IoErrorSweepResult run(uint32_t workload_operations);

 private:
  bool applies_to(OperationKind kind) const {
    return fault_ == InjectedFault::kEio || kind == OperationKind::kAppend;
  }
  void on_operation(OperationKind kind, const std::string& path);
  void fork_case(OperationKind kind, const std::string& path);
  void arm(OperationKind kind, const std::string& path);
  // After each step: nothing unless this process failed an operation during the step; then
  // judges the store and either exits (a forked child) or records the verdict (a replay).
  // Returns false when the run must stop.
  bool after_step(StepKind step, const std::string& what, const Status& status);
  std::string judge(StepKind step, const Status& status);
  // The rest of judge() after a failure that must not stop writes (a read's, the synced-point
  // marker's): writes go on; then after a power loss too.
  std::string judge_after_read();
  std::string judge_after_power_loss();
  void record_failure(std::string verdict);

  const uint64_t seed_;
  const InjectedFault fault_;
  const uint64_t replay_operation_;
  std::shared_ptr<MemFileSystem> mem_ = std::make_shared<MemFileSystem>();
  std::shared_ptr<FaultFileSystem> faults_ = std::make_shared<FaultFileSystem>(mem_);
  std::unique_ptr<Store> store_;
  Model acknowledged_;
  WrittenValues written_;
  uint64_t operation_count_ = 0;
  bool in_child_ = false;
  bool stop_ = false;  // a case could not run; the sweep ends
  int verdict_fd_ = -1;
  std::string injected_;  // the failed operation, once this process failed one
  uint64_t injected_operation_ = 0;
  OperationKind injected_kind_ = OperationKind::kAppend;
  bool injected_on_marker_ = false;    // the failed operation was on the synced-point marker
  bool injected_marker_read_ = false;  // ... and read it
  IoErrorSweepResult result_;
};

void Sweep::on_operation(OperationKind kind, const std::string& path) {
  const uint64_t number = ++operation_count_;
  if (in_child_ || stop_ || !injected_.empty() || !applies_to(kind)) return;
  if (replay_operation_ != 0 && number != replay_operation_) return;
  ++result_.cases;
  if (replay_operation_ != 0) {
    arm(kind, path);
  } else {
    fork_case(kind, path);
  }
}

void Sweep::arm(OperationKind kind, const std::string& path) {
  injected_operation_ = operation_count_;
  injected_kind_ = kind;
  injected_on_marker_ = path.ends_with(std::string("/") + kSyncedMarkerFileName);
  injected_marker_read_ = kind == OperationKind::kOpenRandomAccess ||
                          kind == OperationKind::kRead || kind == OperationKind::kReadSize;
  const char* errno_text = fault_ == InjectedFault::kEio ? "EIO" : "ENOSPC";
  // The hook runs before the operation picks its fault: "the next operation" is this one.
  if (fault_ == InjectedFault::kShortWrite) {
    const size_t prefix_bytes = mix_seed(seed_, operation_count_) % 5000;
    faults_->short_write_next(prefix_bytes, errno_text);
    injected_ = "short write of at most " + std::to_string(prefix_bytes) + " bytes";
  } else {
    faults_->fail_operation(1, StatusCode::kIOError, errno_text);
    injected_ = errno_text;
  }
  injected_ += " on operation #" + std::to_string(operation_count_) + " (" +
               std::string(testing::operation_kind_name(kind)) + " '" + path + "')";
}

// Threads of this process: a child forked while another thread holds a lock, or that later
// waits for a thread it does not have, would hang.
size_t thread_count() {
  std::error_code error;
  const auto tasks = std::filesystem::directory_iterator("/proc/self/task", error);
  return error ? 1
               : static_cast<size_t>(std::distance(tasks, std::filesystem::directory_iterator()));
}

void Sweep::fork_case(OperationKind kind, const std::string& path) {
  if (const size_t threads = thread_count(); threads != 1) {
    record_failure("cannot fork a case: the process runs " + std::to_string(threads) +
                   " threads (background work in the store?); the sweep needs one");
    stop_ = true;
    return;
  }
  std::cout.flush();
  std::fflush(nullptr);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    record_failure("pipe2 failed");
    return;
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    in_child_ = true;
    verdict_fd_ = fds[1];
    arm(kind, path);
    return;  // the child goes on with the failing operation
  }
  ::close(fds[1]);
  if (pid < 0) {
    ::close(fds[0]);
    record_failure("fork failed");
    return;
  }
  std::string verdict;
  char buffer[512];
  while (true) {
    pollfd ready{fds[0], POLLIN, 0};
    if (::poll(&ready, 1, kVerdictWaitMsMax) == 0) {
      ::kill(pid, SIGKILL);
      verdict += "the child hung after operation #" + std::to_string(operation_count_) + "; ";
    }
    const ssize_t got = ::read(fds[0], buffer, sizeof(buffer));
    if (got <= 0) break;
    verdict.append(buffer, static_cast<size_t>(got));
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    verdict += "the child died (" +
               (WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                                    : "exit status " + std::to_string(WEXITSTATUS(status))) +
               ") after operation #" + std::to_string(operation_count_) + " (" +
               std::string(testing::operation_kind_name(kind)) + " '" + path + "') failed";
  }
  if (!verdict.empty()) record_failure(verdict);
}

void Sweep::record_failure(std::string verdict) {
  ++result_.failed_cases;
  if (result_.failures.size() < kFailuresKept) result_.failures.push_back(std::move(verdict));
}

std::string Sweep::judge(StepKind step, const Status& status) {
  // The synced-point marker is best effort (wal/synced_marker.h): a failure to write it fails
  // nothing and stops nothing. Reading it is not: an open that cannot read the marker before the
  // newest segment fails, as for any file, while the writer's own read of it is best effort.
  if (injected_on_marker_ && !injected_marker_read_ && !status.is_ok()) {
    return "a failure on the synced-point marker failed the step: " + status.to_string();
  }
  if (injected_on_marker_ && status.is_ok()) return judge_after_read();
  // A compaction may get past a failed operation that was only an optimisation (reading a
  // hint file instead of the segment, deleting an empty segment): it may return ok, and the
  // checks below must then hold all the same.
  if (status.is_ok() && step != StepKind::kCompact) {
    return "the step returned ok although an operation in it failed";
  }
  if (!status.is_ok() && status.message().find("injected fault") == std::string::npos) {
    return "the error does not name the failed operation: " + status.to_string();
  }
  // An increment or compare-and-swap reads before it writes: a failed read fails the call
  // before anything was written, and the log is as good as before.
  // (Opening a file for reading is not such a read: a segment roll does it, inside the write.)
  const bool failed_before_writing =
      injected_kind_ == OperationKind::kRead || injected_kind_ == OperationKind::kReadSize;
  if (step == StepKind::kWrite && failed_before_writing) step = StepKind::kRead;
  if (step == StepKind::kWrite) {
    const Status again = store_->set("probe", "after a failed write");
    if (again.code() != StatusCode::kWritesStopped) {
      return "a write after the failed write was not refused with kWritesStopped: " +
             again.to_string();
    }
    Result<Model> readable = read_all(*store_);
    if (!readable.is_ok() || *readable != acknowledged_) {
      return "reads after the failed write do not show the acknowledged data";
    }
  } else if (step == StepKind::kCompact) {
    // A compaction that fails while copying leaves the log as it was and writes go on; one that
    // fails while sealing the active segment (a write of the log) stops writes. Either way the
    // acknowledged data must still be served.
    Result<Model> readable = read_all(*store_);
    if (!readable.is_ok() || *readable != acknowledged_) {
      return "reads after the failed compaction do not show the acknowledged data";
    }
    const Status again = store_->set("probe", "after a failed compaction");
    if (again.is_ok()) {
      acknowledged_["probe"] = "after a failed compaction";
    } else if (again.code() != StatusCode::kWritesStopped) {
      return "a write after the failed compaction failed with neither success nor "
             "kWritesStopped: " +
             again.to_string();
    }
  } else if (step == StepKind::kRead) {
    return judge_after_read();
  }
  return judge_after_power_loss();
}

std::string Sweep::judge_after_read() {
  if (Status again = store_->set("probe", "after a failed read"); !again.is_ok()) {
    return "a write after a failed read was refused: " + again.to_string();
  }
  acknowledged_["probe"] = "after a failed read";
  return judge_after_power_loss();
}

std::string Sweep::judge_after_power_loss() {
  store_.reset();
  simulate_power_loss(*mem_, seed_, PowerLossMode::kDropUnsynced);
  Result<std::unique_ptr<Store>> reopened = open_store(mem_, kDir, sweep_options());
  if (!reopened.is_ok())
    return "the store does not open afterwards: " + reopened.status().to_string();
  Result<Model> recovered = read_all(**reopened);
  if (!recovered.is_ok())
    return "reading the reopened store failed: " + recovered.status().to_string();
  const std::vector<Model> allowed{acknowledged_};
  if (std::string problem = check_recovered(*recovered, allowed, written_); !problem.empty()) {
    return problem;
  }
  if (Status status = (*reopened)->set("probe", "after reopen"); !status.is_ok()) {
    return "the reopened store refuses writes: " + status.to_string();
  }
  return {};
}

bool Sweep::after_step(StepKind step, const std::string& what, const Status& status) {
  if (injected_.empty()) {
    if (status.is_ok()) return true;
    record_failure(what + " failed with no fault injected: " + status.to_string());
    return false;
  }
  std::string verdict = judge(step, status);
  if (!verdict.empty()) {
    verdict = what + " with " + injected_ + ": " + verdict +
              " (replay: LOGKV_TEST_SEED=" + std::to_string(seed_) +
              " LOGKV_FAULT_POINT=" + std::to_string(injected_operation_) + ")";
  }
  if (in_child_) {
    const ssize_t ignored = ::write(verdict_fd_, verdict.data(), verdict.size());
    (void)ignored;
    ::_exit(0);
  }
  if (!verdict.empty()) record_failure(verdict);
  return false;
}

IoErrorSweepResult Sweep::run(uint32_t workload_operations) {
  faults_->set_hook(
      [this](OperationKind kind, const std::string& path) { on_operation(kind, path); });
  auto open = [&]() -> Status {
    Result<std::unique_ptr<Store>> opened = open_store(faults_, kDir, sweep_options());
    if (!opened.is_ok()) return opened.status();
    store_ = std::move(opened).value();
    return Status::ok();
  };
  bool going = after_step(StepKind::kOpen, "the first open", open());
  Workload workload(seed_, WorkloadShape{});
  for (uint32_t i = 0; i < workload_operations && going && !stop_; ++i) {
    const Op op = workload.next();
    if (op.kind == OpKind::kReopen) {
      Status status = store_->close();
      store_.reset();
      if (status.is_ok()) status = open();
      going = after_step(StepKind::kReopen, describe(op), status);
      continue;
    }
    if (is_write(op)) written_.note(op, acknowledged_);
    const Status status = apply_to_store(op, acknowledged_, *store_);
    // An acknowledged write is in the model before the verdict: a failure that must not fail the
    // write (the synced-point marker's) is judged with it.
    if (status.is_ok() && is_write(op)) apply_to_model(op, &acknowledged_);
    const StepKind step = is_write(op)                  ? StepKind::kWrite
                          : op.kind == OpKind::kCompact ? StepKind::kCompact
                                                        : StepKind::kRead;
    going = after_step(step, describe(op), status);
  }
  if (going && !stop_) after_step(StepKind::kClose, "the final close", store_->close());
  faults_->set_hook({});
  store_.reset();
  result_.operations = operation_count_;
  return result_;
}

}  // namespace

IoErrorSweepResult run_io_error_sweep(uint64_t seed, uint32_t workload_operations,
                                      InjectedFault fault, uint64_t replay_operation) {
  Sweep sweep(seed, fault, replay_operation);
  return sweep.run(workload_operations);
}

}  // namespace logkv::crash
