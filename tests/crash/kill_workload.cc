// kill_workload: the child process of process_kill_test. Opens a store through the public API,
// runs seeded workloads on it (one per thread) and reports every acknowledged operation to its
// parent over a pipe (tests/crash/kill_protocol.h), until the parent kills it with SIGKILL or
// the workloads end.
//
//   kill_workload --dir DIR --seed N --sync always|never|interval --threads T --operations N
//                 --ack-fd FD
//
// Reads are checked against the thread's model (read-your-writes); a mismatch or any failed
// operation is reported as an E line and ends the process with status 2.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "logkv/store.h"
#include "tests/crash/kill_protocol.h"
#include "tests/crash/workload.h"

namespace logkv::crash {
namespace {

struct ChildArgs {
  std::string dir;
  uint64_t seed = 0;
  SyncMode sync_mode = SyncMode::kAlways;
  uint32_t threads = 1;
  uint64_t operations = 1000;
  int ack_fd = -1;
};

[[noreturn]] void usage(const std::string& problem) {
  std::fprintf(stderr,
               "kill_workload: %s\nusage: kill_workload --dir DIR --seed N --sync "
               "always|never|interval --threads T --operations N --ack-fd FD\n",
               problem.c_str());
  std::exit(64);
}

ChildArgs parse_args(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  for (int i = 1; i + 1 < argc; i += 2) flags[argv[i]] = argv[i + 1];
  if (argc % 2 != 1) usage("every flag takes one value");
  ChildArgs args;
  for (const auto& [flag, value] : flags) {
    if (flag == "--dir") {
      args.dir = value;
    } else if (flag == "--seed") {
      args.seed = std::strtoull(value.c_str(), nullptr, 10);
    } else if (flag == "--sync") {
      if (value == "always") {
        args.sync_mode = SyncMode::kAlways;
      } else if (value == "never") {
        args.sync_mode = SyncMode::kNever;
      } else if (value == "interval") {
        args.sync_mode = SyncMode::kInterval;
      } else {
        usage("unknown sync mode '" + value + "'");
      }
    } else if (flag == "--threads") {
      args.threads = static_cast<uint32_t>(std::strtoul(value.c_str(), nullptr, 10));
    } else if (flag == "--operations") {
      args.operations = std::strtoull(value.c_str(), nullptr, 10);
    } else if (flag == "--ack-fd") {
      args.ack_fd = std::atoi(value.c_str());
    } else {
      usage("unknown flag '" + flag + "'");
    }
  }
  if (args.dir.empty() || args.ack_fd < 0 || args.threads == 0) usage("missing flags");
  return args;
}

Options child_options(SyncMode sync_mode) {
  Options options;
  options.sync_mode = sync_mode;
  options.sync_interval_ms = 2;
  options.segment_bytes_max = 64 << 10;  // segment rolls happen within one child's life
  return options;
}

// One line, one write(): lines from several threads never interleave (see kill_protocol.h).
void send(int fd, const std::string& line) {
  const char* data = line.data();
  size_t left = line.size();
  while (left > 0) {
    const ssize_t written = ::write(fd, data, left);
    if (written < 0) std::_Exit(3);  // the parent is gone: nobody is left to report to
    data += written;
    left -= static_cast<size_t>(written);
  }
}

[[noreturn]] void fail(int fd, uint32_t thread, uint64_t index, const std::string& message) {
  std::string line = "E " + std::to_string(thread) + " " + std::to_string(index) + " " + message;
  for (char& c : line) c = c == '\n' ? ' ' : c;
  send(fd, line.substr(0, 400) + "\n");
  std::_Exit(2);
}

std::unique_ptr<Store> open_or_fail(const ChildArgs& args, uint32_t thread, uint64_t index) {
  Result<std::unique_ptr<Store>> store = Store::open(args.dir, child_options(args.sync_mode));
  if (!store.is_ok()) fail(args.ack_fd, thread, index, "open: " + store.status().to_string());
  return std::move(store).value();
}

// Runs thread `thread`'s workload on `*store` (which only a lone thread may replace: reopen).
void run_thread(const ChildArgs& args, uint32_t thread, Model model,
                std::unique_ptr<Store>* store) {
  Workload workload = child_workload(args.seed, thread, args.threads);
  for (uint64_t i = 0; i < args.operations; ++i) {
    const Op op = workload.next();
    if (op.kind == OpKind::kReopen) {
      if (Status closed = (*store)->close(); !closed.is_ok()) {
        fail(args.ack_fd, thread, i, "close: " + closed.to_string());
      }
      store->reset();
      *store = open_or_fail(args, thread, i);
    } else if (Status status = apply_to_store(op, model, **store); !status.is_ok()) {
      fail(args.ack_fd, thread, i, describe(op) + ": " + status.to_string());
    }
    apply_to_model(op, &model);
    send(args.ack_fd, "A " + std::to_string(thread) + " " + std::to_string(i) + "\n");
  }
}

int run(const ChildArgs& args) {
  std::unique_ptr<Store> store = open_or_fail(args, 0, 0);
  Result<Model> initial = read_all(*store);
  if (!initial.is_ok())
    fail(args.ack_fd, 0, 0, "reading the store: " + initial.status().to_string());
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < args.threads; ++t) {
    threads.emplace_back(run_thread, std::cref(args), t,
                         with_prefix(*initial, thread_key_prefix(t)), &store);
  }
  for (std::thread& thread : threads) thread.join();
  if (Status closed = store->close(); !closed.is_ok()) {
    fail(args.ack_fd, 0, args.operations, "final close: " + closed.to_string());
  }
  send(args.ack_fd, "D\n");
  return 0;
}

}  // namespace
}  // namespace logkv::crash

int main(int argc, char** argv) { return logkv::crash::run(logkv::crash::parse_args(argc, argv)); }
