// Real process crashes: a child process (kill_workload) runs seeded workloads on a store in a
// temporary folder through the public API and reports each acknowledged operation over a pipe;
// the parent SIGKILLs it at a random moment, opens the store itself and checks it against the
// acknowledgements: every acknowledged operation present, the one in flight per thread wholly
// present or wholly absent, nothing else. The next child continues on the same store.
//
// A process crash leaves the kernel's page cache intact, so even SyncMode::kNever must lose
// nothing acknowledged here; those runs are fast (no fdatasync) and still meaningful: they prove
// that every acknowledged write has reached the kernel and that recovery handles a log cut
// anywhere by the kill. kAlways runs add the fdatasync path and group commit with several
// threads; kInterval adds a background syncer killed mid-sync.
//
// LOGKV_KILLS sets the total number of kills over the four tests (default 240); each failure
// names the seed and round, and LOGKV_TEST_SEED replays the run.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "logkv/store.h"
#include "tests/crash/crash_env.h"
#include "tests/crash/kill_protocol.h"
#include "tests/crash/recovery_check.h"
#include "tests/crash/workload.h"
#include "tests/support/seed.h"
#include "tests/support/test_dir.h"

namespace logkv::crash {
namespace {

// The kills of all four tests in the default tier; LOGKV_KILLS scales each test's share.
constexpr uint64_t kDefaultKills = 240;
// A fresh store folder every so many rounds keeps each open quick (the log only grows).
constexpr uint64_t kRoundsPerStore = 25;
// A child that has neither acknowledged anything nor exited for this long is hung.
constexpr int kChildSilenceMsMax = 60'000;

struct Child {
  pid_t pid = -1;
  int output_fd = -1;
};

// Starts kill_workload with `args` plus the --ack-fd of a fresh pipe.
Child spawn_child(const std::string& program, std::vector<std::string> args) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return {};
  args.push_back("--ack-fd");
  args.push_back(std::to_string(fds[1]));
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Only the write end crosses exec; the read end stays close-on-exec.
    ::fcntl(fds[1], F_SETFD, 0);
    ::execv(program.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  if (pid < 0) {
    ::close(fds[0]);
    return {};
  }
  return {pid, fds[0]};
}

struct ChildEnd {
  std::string output;
  bool killed = false;  // by our SIGKILL
  int exit_code = -1;   // when it exited by itself
  std::string problem;  // a hang, or a death we did not cause
};

// Reads the child's acknowledgements and SIGKILLs it once `kill_after` have arrived (0: at
// once); then drains the pipe to its end and reaps the child.
ChildEnd kill_child_after(const Child& child, uint64_t kill_after) {
  ChildEnd end;
  bool kill_sent = false;
  uint64_t acks = 0;
  auto maybe_kill = [&] {
    if (!kill_sent && acks >= kill_after) {
      ::kill(child.pid, SIGKILL);
      kill_sent = true;
    }
  };
  maybe_kill();
  char buffer[4096];
  while (true) {
    pollfd ready{child.output_fd, POLLIN, 0};
    if (::poll(&ready, 1, kChildSilenceMsMax) == 0) {
      end.problem = "the child was silent for " + std::to_string(kChildSilenceMsMax) + " ms";
      ::kill(child.pid, SIGKILL);
      kill_sent = true;
    }
    const ssize_t got = ::read(child.output_fd, buffer, sizeof(buffer));
    if (got <= 0) break;
    for (ssize_t i = 0; i < got; ++i) {
      // Count lines that start with 'A'; a line may straddle two reads.
      if (buffer[i] == 'A' && (end.output.empty() || end.output.back() == '\n')) ++acks;
      end.output.push_back(buffer[i]);
    }
    maybe_kill();
  }
  ::close(child.output_fd);
  int status = 0;
  ::waitpid(child.pid, &status, 0);
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && kill_sent) {
    end.killed = true;
  } else if (WIFEXITED(status)) {
    end.exit_code = WEXITSTATUS(status);
  } else if (end.problem.empty()) {
    end.problem = "the child died of signal " + std::to_string(WTERMSIG(status));
  }
  return end;
}

Options parent_options() {
  Options options;
  options.segment_bytes_max = 64 << 10;
  return options;
}

struct KillPlan {
  SyncMode sync_mode;
  uint32_t threads;
  uint64_t share_of_default_kills;
  uint64_t acks_before_kill_max;  // the kill comes after 0..this many acknowledgements
};

void run_kills(const KillPlan& plan) {
  const char* program = std::getenv("LOGKV_KILL_WORKLOAD_BIN");
  ASSERT_NE(program, nullptr) << "set LOGKV_KILL_WORKLOAD_BIN to the kill_workload executable "
                                 "(meson test does)";
  const uint64_t seed = testing::test_seed();
  const uint64_t rounds = std::max<uint64_t>(
      1, plan.share_of_default_kills * env_count("LOGKV_KILLS", kDefaultKills) / kDefaultKills);
  std::mt19937_64 random(seed);
  std::optional<testing::TestDir> dir;
  std::vector<Model> models;
  std::vector<WrittenValues> written;
  uint64_t kills = 0;
  for (uint64_t round = 0; round < rounds; ++round) {
    if (round % kRoundsPerStore == 0) {
      dir.emplace();
      models.assign(plan.threads, Model{});
      written.assign(plan.threads, WrittenValues{});
    }
    const std::string store_dir = dir->file("store");
    const uint64_t round_seed = mix_seed(seed, round);
    // One kill in eight comes at once, while the child starts and recovers the store.
    const uint64_t kill_after = random() % 8 == 0 ? 0 : 1 + random() % plan.acks_before_kill_max;
    SCOPED_TRACE("seed " + std::to_string(seed) + " round " + std::to_string(round) +
                 " (child seed " + std::to_string(round_seed) + ", kill after " +
                 std::to_string(kill_after) + " acknowledgements)");
    const Child child = spawn_child(
        program, {"--dir", store_dir, "--seed", std::to_string(round_seed), "--sync",
                  std::string(sync_mode_flag(plan.sync_mode)), "--threads",
                  std::to_string(plan.threads), "--operations", std::to_string(kill_after + 300)});
    ASSERT_GT(child.pid, 0) << "cannot start " << program;
    const ChildEnd end = kill_child_after(child, kill_after);
    ASSERT_EQ(end.problem, "");
    const ChildReport report = parse_child_output(end.output, plan.threads);
    ASSERT_EQ(report.errors, "") << "the child reported failures";
    ASSERT_TRUE(end.killed || (end.exit_code == 0 && report.done))
        << "exit code " << end.exit_code << ", output ends: "
        << end.output.substr(end.output.size() - std::min<size_t>(end.output.size(), 200));
    kills += end.killed ? 1 : 0;

    Result<std::unique_ptr<Store>> store = Store::open(store_dir, parent_options());
    ASSERT_TRUE(store.is_ok()) << "the store does not open after the kill: "
                               << store.status().to_string();
    const Result<Model> recovered = read_all(**store);
    ASSERT_TRUE(recovered.is_ok()) << recovered.status().to_string();
    size_t keys_of_threads = 0;
    for (uint32_t t = 0; t < plan.threads; ++t) {
      Workload workload = child_workload(round_seed, t, plan.threads);
      for (uint64_t i = 0; i < report.acknowledged[t]; ++i) {
        const Op op = workload.next();
        written[t].note(op, models[t]);
        apply_to_model(op, &models[t]);
      }
      std::optional<Op> in_flight;
      if (!report.done) in_flight = workload.next();
      if (in_flight) written[t].note(*in_flight, models[t]);
      const Model part = with_prefix(*recovered, thread_key_prefix(t));
      keys_of_threads += part.size();
      const std::vector<Model> allowed =
          acknowledged_or_in_flight(models[t], in_flight ? &*in_flight : nullptr);
      ASSERT_EQ(check_recovered(part, allowed, written[t]), "")
          << "thread " << t << " after " << report.acknowledged[t] << " acknowledged operations"
          << (in_flight ? "; in flight: " + describe(*in_flight) : std::string());
      models[t] = part;
    }
    ASSERT_EQ(keys_of_threads, recovered->size()) << "keys that no thread wrote";
    ASSERT_TRUE((*store)->close().is_ok());
  }
  std::cout << "kills: " << kills << " of " << rounds << " rounds" << std::endl;
  ::testing::Test::RecordProperty("kills", std::to_string(kills));
  EXPECT_GT(kills, rounds / 2) << "most children should still run when the kill comes";
}

TEST(ProcessKillTest, SingleWriterWithoutSyncLosesNothingAcknowledged) {
  run_kills({SyncMode::kNever, 1, 100, 400});
}

TEST(ProcessKillTest, SingleWriterWithSyncLosesNothingAcknowledged) {
  run_kills({SyncMode::kAlways, 1, 50, 60});
}

TEST(ProcessKillTest, GroupCommitOfFourWritersLosesNothingAcknowledged) {
  run_kills({SyncMode::kAlways, 4, 50, 120});
}

TEST(ProcessKillTest, IntervalSyncWithTwoWritersLosesNothingAcknowledged) {
  run_kills({SyncMode::kInterval, 2, 40, 200});
}

}  // namespace
}  // namespace logkv::crash
