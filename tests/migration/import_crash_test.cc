// Crash safety of the folder import (host/sqlite_import.h): whatever operation of the file system
// fails or is the last before a crash, the target either does not exist or opens with exactly
// every row; and the order of syncs makes the same true of a power loss.
//
// The import publishes by renaming a folder, which MemFileSystem (and so its power-loss model)
// does not support; these tests run on the POSIX file system in a TestDir, wrapped by
// FaultFileSystem: an injected error at each operation in turn, a process crash (_exit in a
// forked child) before each operation in turn, and a check of the recorded operations that every
// byte and name in the temporary folder is durable before the rename and the rename is durable
// before the import returns.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/store_impl.h"
#include "host/sqlite_import.h"
#include "tests/migration/spin_database.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/seed.h"
#include "tests/support/store_contents.h"
#include "tests/support/test_dir.h"
#include "wal/file_names.h"

namespace logkv {
namespace {

using testing::FaultFileSystem;
using testing::operation_kind_name;
using testing::OperationKind;

// Exit codes of a forked case.
constexpr int kCrashed = 0;
constexpr int kImported = 10;
constexpr int kImportFailed = 11;

Options target_options() {
  Options options;
  // Several segments, so that rolls (create, sync, folder sync) are among the operations.
  options.segment_bytes_max = 16 << 10;
  options.io_backend = IoBackend::kPwrite;
  return options;
}

// Threads of this process that run user code: a child forked while another one holds a lock
// would hang. The kernel's io_uring workers ("iou-wrk-N") hold none.
size_t thread_count() {
  std::error_code error;
  size_t threads = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", error)) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    threads += name.starts_with("iou-") ? 0 : 1;
  }
  return error ? 1 : threads;
}

class ImportCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const uint64_t seed = testing::test_seed();
    std::mt19937_64 random(seed);
    for (int i = 0; i < 16; ++i) rows_["key-" + std::to_string(i)] = value(random, 3000);
    testing::SpinDatabase(db_).set_all({{"default", rows_}});
  }

  static std::string value(std::mt19937_64& random, size_t bytes_max) {
    std::string value(random() % bytes_max, '\0');
    for (char& c : value) c = static_cast<char>(random());
    return value;
  }

  Status import(const std::shared_ptr<FileSystem>& fs, const std::string& target) {
    return import_from(db_, fs, target);
  }
  static Status import_from(const std::string& db, const std::shared_ptr<FileSystem>& fs,
                            const std::string& target) {
    return import_spin_sqlite_label(fs, db, "default", target, target_options(), false).status();
  }

  // Empty when the target does not exist or holds exactly every row; else what is wrong.
  std::string judge(const std::string& target) {
    Options options = target_options();
    options.create_if_missing = false;
    Result<std::unique_ptr<Store>> store = open_store(posix_file_system(), target, options);
    if (store.status().code() == StatusCode::kNotFound) return "";
    if (!store.is_ok())
      return "the target is neither absent nor a store: " + store.status().to_string();
    if (testing::store_contents(**store) != rows_) return "the target holds part of the rows";
    return "";
  }

  // After a failed or crashed import: a second import must finish the job, or be refused
  // because the first one had already published the whole store.
  std::string judge_retry(const std::string& target, bool published) {
    const Status retried = import(posix_file_system(), target);
    if (published) {
      return retried.code() == StatusCode::kInvalidArgument
                 ? ""
                 : "a second import into the published store gave " + retried.to_string();
    }
    if (!retried.is_ok()) return "a second import failed: " + retried.to_string();
    return judge(target);
  }

  bool exists(const std::string& path) { return std::filesystem::exists(path); }

  uint64_t count_operations() {
    const auto faults = std::make_shared<FaultFileSystem>(posix_file_system());
    EXPECT_TRUE(import(faults, dir_.file("dry-run") + "/store").is_ok());
    return faults->operation_count();
  }

  testing::TestDir dir_;
  const std::string db_ = dir_.file("sqlite_key_value.db");
  std::map<std::string, std::string> rows_;
};

TEST_F(ImportCrashTest, InjectedErrorAtEveryOperationLeavesNoStoreOrTheWholeStore) {
  const uint64_t operations = count_operations();
  ASSERT_GT(operations, 20u);
  for (uint64_t n = 1; n <= operations; ++n) {
    const std::string target = dir_.file("case-" + std::to_string(n)) + "/store";
    const auto faults = std::make_shared<FaultFileSystem>(posix_file_system());
    faults->fail_operation(n, StatusCode::kIOError, "EIO");
    std::string failed_operation;
    uint64_t seen = 0;
    faults->set_hook([&](OperationKind kind, const std::string& path) {
      if (++seen == n)
        failed_operation = std::string(operation_kind_name(kind)) + " '" + path + "'";
    });
    const Status status = import(faults, target);
    // The synced-point marker is best effort (wal/synced_marker.h): its failure fails nothing.
    const bool on_marker =
        failed_operation.ends_with(std::string("/") + kSyncedMarkerFileName + "'");
    EXPECT_TRUE(on_marker || !status.is_ok()) << "EIO of " << failed_operation << " went unnoticed";
    const bool published = exists(target);
    std::string verdict = judge(target);
    if (verdict.empty()) verdict = judge_retry(target, published);
    EXPECT_TRUE(verdict.empty()) << "EIO at operation #" << n << " of " << operations << " ("
                                 << status.to_string() << "): " << verdict;
    if (!status.is_ok()) {
      EXPECT_EQ(status.code(), StatusCode::kIOError) << "operation #" << n;
    }
  }
}

TEST_F(ImportCrashTest, ProcessCrashBeforeEveryOperationLeavesNoStoreOrTheWholeStore) {
  const uint64_t operations = count_operations();
  for (uint64_t n = 1; n <= operations + 1; ++n) {
    const std::string target = dir_.file("case-" + std::to_string(n)) + "/store";
    // A thread the previous case joined may still be listed until the kernel reaps it (join
    // returns when the thread has released its memory, before its task is gone): wait for it,
    // boundedly, rather than fork beside it.
    const auto reap_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (thread_count() != 1 && std::chrono::steady_clock::now() < reap_deadline) {
      std::this_thread::yield();
    }
    ASSERT_EQ(thread_count(), 1u) << "a forked child needs a single-threaded parent";
    std::cout.flush();
    std::fflush(nullptr);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      const auto faults = std::make_shared<FaultFileSystem>(posix_file_system());
      uint64_t seen = 0;
      faults->set_hook([&](OperationKind, const std::string&) {
        if (++seen == n) ::_exit(kCrashed);
      });
      ::_exit(import(faults, target).is_ok() ? kImported : kImportFailed);
    }
    int wait_status = 0;
    ASSERT_EQ(::waitpid(child, &wait_status, 0), child);
    ASSERT_TRUE(WIFEXITED(wait_status)) << "case " << n;
    const int code = WEXITSTATUS(wait_status);
    EXPECT_EQ(code, n <= operations ? kCrashed : kImported) << "case " << n;
    const bool published = exists(target);
    std::string verdict = judge(target);
    if (verdict.empty()) verdict = judge_retry(target, published);
    EXPECT_TRUE(verdict.empty()) << "crash before operation #" << n << " of " << operations << ": "
                                 << verdict;
  }
}

// What a power loss could undo is what was not synced: before the temporary folder is renamed,
// every file written in it has been synced after its last append and the folder itself after its
// last new name; after the rename, the parent folder is synced.
TEST_F(ImportCrashTest, EverythingIsDurableBeforeThePublishingRenameAndTheRenameAfter) {
  struct Operation {
    OperationKind kind;
    std::string path;
  };
  std::vector<Operation> log;
  const auto faults = std::make_shared<FaultFileSystem>(posix_file_system());
  faults->set_hook([&](OperationKind kind, const std::string& path) {
    log.push_back({kind, path});
  });
  // Three batches of the import (kImportBatchRowsMax rows each), each in its own segment.
  std::mt19937_64 random(testing::test_seed());
  testing::SpinContents contents;
  for (int i = 0; i < 600; ++i) contents["default"]["key-" + std::to_string(i)] = value(random, 64);
  const std::string db = dir_.file("many.db");
  testing::SpinDatabase(db).set_all(contents);
  const std::string target = dir_.file("stores/default");
  const std::string temp = import_temp_dir(target);
  ASSERT_TRUE(import_from(db, faults, target).is_ok());

  size_t rename_at = log.size();
  for (size_t i = 0; i < log.size(); ++i) {
    if (log[i].kind == OperationKind::kRename && log[i].path == temp) rename_at = i;
  }
  ASSERT_LT(rename_at, log.size()) << "the temporary folder was never renamed";

  std::map<std::string, bool> file_durable;  // path in the temporary folder -> synced since
  bool names_durable = true;
  size_t segments = 0;
  for (size_t i = 0; i < rename_at; ++i) {
    const Operation& op = log[i];
    if (!op.path.starts_with(temp + "/") && op.path != temp) continue;
    switch (op.kind) {
      case OperationKind::kOpenWritable:
        file_durable[op.path] = false;
        names_durable = false;
        segments += op.path.ends_with(".log") ? 1 : 0;
        break;
      case OperationKind::kAppend:
        file_durable[op.path] = false;
        break;
      case OperationKind::kSync:
        file_durable[op.path] = true;
        break;
      case OperationKind::kRename:
      case OperationKind::kRemove:
        names_durable = false;
        break;
      case OperationKind::kSyncDir:
        if (op.path == temp) names_durable = true;
        break;
      default:
        break;
    }
  }
  EXPECT_GT(segments, 2u) << "the test means to cover segment rolls";
  EXPECT_TRUE(names_durable) << "the temporary folder was not synced after its last new name";
  for (const auto& [path, durable] : file_durable) {
    // Never synced, on purpose: a lost or torn one only costs what it would tell an open
    // (wal/synced_marker.h).
    if (path.ends_with(std::string("/") + kSyncedMarkerFileName)) continue;
    EXPECT_TRUE(durable) << path << " was not synced after its last append";
  }
  bool parent_synced = false;
  for (size_t i = rename_at + 1; i < log.size(); ++i) {
    parent_synced |= log[i].kind == OperationKind::kSyncDir && log[i].path == dir_.file("stores");
  }
  EXPECT_TRUE(parent_synced) << "the rename was not made durable";
}

}  // namespace
}  // namespace logkv
