// Helpers shared by the store-level compaction tests.
#ifndef LOGKV_TESTS_COMPACTION_COMPACTION_TEST_UTIL_H_
#define LOGKV_TESTS_COMPACTION_COMPACTION_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/store_impl.h"
#include "fs/file_system.h"
#include "logkv/store.h"
#include "tests/support/store_contents.h"
#include "tests/support/store_test_peer.h"
#include "wal/file_names.h"

namespace logkv::testing {

using Model = std::map<std::string, std::string>;

inline Model contents(Store& store) { return store_contents(store); }

// Small segments, no compaction floor, and (unless asked) no background compaction, so that a
// test decides exactly when compaction runs.
inline Options compaction_test_options(bool automatic = false) {
  Options options;
  options.segment_bytes_max = 4096;
  options.limits.keys_max = 100000;
  options.automatic_compaction = automatic;
  options.compaction_dead_bytes_min = 0;
  options.hint_segment_bytes_min = 0;
  return options;
}

// Opens a store on `fs`; its compaction hooks are reached through StoreTestPeer.
inline std::unique_ptr<Store> open_impl(std::shared_ptr<FileSystem> fs, const std::string& dir,
                                        const Options& options) {
  Result<std::unique_ptr<Store>> store = open_store(std::move(fs), dir, options);
  EXPECT_TRUE(store.is_ok()) << store.status().to_string();
  if (!store.is_ok()) return nullptr;
  return std::move(store).value();
}

// Names in `dir` that end with `suffix`, sorted.
inline std::vector<std::string> files_ending_with(FileSystem& fs, const std::string& dir,
                                                  std::string_view suffix) {
  std::vector<std::string> names;
  for (const std::string& name : fs.list_dir(dir).value()) {
    if (name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix) {
      names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace logkv::testing

#endif  // LOGKV_TESTS_COMPACTION_COMPACTION_TEST_UTIL_H_
