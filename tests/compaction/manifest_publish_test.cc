// The manifest on disk matches the folder at every moment of compactions that run while a writer
// rolls segments beside them: whenever any manifest is about to be published (the moment a
// crash could leave the previous one as the last word), the folder held against the manifest
// on disk has no problem (wal/segment_set.h). A roll published while a compaction had taken its
// inputs out of the segment table, but not yet retired them, made them "not part of the store"
// after a crash (found by a review); this is the test that catches it. Bounded by rounds.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

#include "fs/mem_file_system.h"
#include "tests/compaction/compaction_test_util.h"
#include "tests/support/fault_file_system.h"
#include "wal/file_names.h"
#include "wal/segment_set.h"

namespace logkv {
namespace {

using testing::FaultFileSystem;
using testing::OperationKind;

constexpr char kDir[] = "/store";

TEST(ManifestPublishTest, TheManifestOnDiskMatchesTheFolderThroughCompactionsBesideRolls) {
  const char* env = std::getenv("LOGKV_MANIFEST_ROUNDS");
  const int rounds = env != nullptr && *env != '\0' ? std::atoi(env) : 150;
  const Options options = testing::compaction_test_options();
  auto mem = std::make_shared<MemFileSystem>();
  auto faults = std::make_shared<FaultFileSystem>(mem);
  std::unique_ptr<Store> store = testing::open_impl(faults, kDir, options);
  ASSERT_NE(store, nullptr);
  const std::string manifest_temp = std::string(kDir) + "/" + temp_file_name(kManifestFileName);
  std::mutex mutex;
  int publishes = 0;
  std::string first_problem;
  faults->set_hook([&](OperationKind kind, const std::string& path) {
    // write_manifest() looks for a stale temporary file first: the start of every publish.
    if (kind != OperationKind::kFileSize || path != manifest_temp) return;
    std::lock_guard lock(mutex);
    ++publishes;
    Result<SegmentSet> set = reconcile_segment_set(*mem, kDir);
    if (!first_problem.empty()) return;
    if (!set.is_ok()) {
      first_problem = set.status().to_string();
    } else if (!set->problems.empty()) {
      first_problem = set->problems.front().file + " " + set->problems.front().what;
    }
  });
  std::atomic<bool> done{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; !done.load(); ++i) {
      const Status set = store->set("key" + std::to_string(i % 50), std::string(900, 'a' + i % 26));
      if (!set.is_ok()) {
        ADD_FAILURE() << set.to_string();
        break;
      }
      written.store(i + 1);
    }
    done = true;
  });
  for (int round = 0; round < rounds && !done.load(); ++round) {
    // Each round compacts what the writer added since the last (several segments' worth).
    const int target = written.load() + 20;
    while (written.load() < target && !done.load()) std::this_thread::yield();
    ASSERT_TRUE(store->compact().is_ok());
  }
  done = true;
  writer.join();
  faults->set_hook({});
  std::lock_guard lock(mutex);
  std::cout << rounds << " compactions, " << publishes << " manifests published" << std::endl;
  EXPECT_TRUE(first_problem.empty()) << first_problem;
  EXPECT_GT(publishes, rounds) << "the hook did not see the publishes";
}

}  // namespace
}  // namespace logkv
