// Segment files copied or renamed to another segment's name (a restore from the wrong backup, a
// hand-made "fix"): each header names its own segment, so every such file is refused by name
// rather than read as records in the wrong place of the log, and nothing is removed; check names
// the same file.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/store_impl.h"
#include "fs/mem_file_system.h"
#include "logkv/check.h"
#include "tests/support/test_dir.h"
#include "wal/file_names.h"
#include "wal/store_folder.h"

namespace logkv {
namespace {

constexpr char kDir[] = "/store";

TEST(SegmentIdentityTest, SegmentsCopiedOrRenamedToAnotherIdAreCorruptionNamingTheFile) {
  auto fs = std::make_shared<MemFileSystem>();
  const auto open = [&fs](const Options& options) { return open_store(fs, kDir, options); };
  const auto segment_path = [](uint64_t id) {
    return std::string(kDir) + "/" + segment_file_name(id);
  };
  Options options;
  options.segment_bytes_max = 4096;
  options.automatic_compaction = false;
  {
    Result<std::unique_ptr<Store>> opened = open(options);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    std::unique_ptr<Store> store = std::move(opened).value();
    for (int i = 0; i < 200; ++i) {
      ASSERT_TRUE(store->set("k" + std::to_string(i % 50), std::string(100, 'a' + i % 26)).is_ok());
    }
  }
  Result<StoreFolderListing> listing = list_store_folder(*fs, kDir);
  ASSERT_TRUE(listing.is_ok()) << listing.status().to_string();
  const std::vector<uint64_t> ids = listing->segment_ids;
  ASSERT_GE(ids.size(), 4u);
  std::map<std::string, std::string> original;  // file name -> bytes
  Result<std::vector<std::string>> names = fs->list_dir(kDir);
  ASSERT_TRUE(names.is_ok());
  for (const std::string& name : *names) {
    Result<std::string> bytes = fs->read_file(std::string(kDir) + "/" + name);
    if (bytes.is_ok()) original[name] = *bytes;
  }
  const auto bytes_of = [&](uint64_t id) { return original.at(segment_file_name(id)); };
  const uint64_t newest = ids.back();
  struct Case {
    std::string what;
    std::map<uint64_t, std::string> segments;  // segment id -> the bytes it is given
    uint64_t refused;                          // the file the open must name
  };
  const std::vector<Case> cases = {
      {"a sealed segment copied as a newer one", {{newest + 1, bytes_of(ids[0])}}, newest + 1},
      {"a sealed segment copied over another", {{ids[2], bytes_of(ids[1])}}, ids[2]},
      {"two sealed segments swapped",
       {{ids[1], bytes_of(ids[2])}, {ids[2], bytes_of(ids[1])}},
       ids[1]},
      {"the newest segment swapped with a sealed one",
       {{ids[0], bytes_of(newest)}, {newest, bytes_of(ids[0])}},
       ids[0]},
  };
  // With the manifest, a copy of another length is caught by the length it lists, and a copy
  // holding records above the newest segment as not part of the store; without one (a store
  // written before manifests), only the header's segment id catches them.
  for (const bool with_manifest : {true, false}) {
    for (const Case& test_case : cases) {
      SCOPED_TRACE(test_case.what + (with_manifest ? "" : ", without a manifest"));
      fs = std::make_shared<MemFileSystem>();
      ASSERT_TRUE(fs->create_dirs(kDir).is_ok());
      for (const auto& [name, bytes] : original) {
        if (name == kManifestFileName && !with_manifest) continue;
        ASSERT_TRUE(fs->write_file(std::string(kDir) + "/" + name, bytes).is_ok());
      }
      for (const auto& [id, bytes] : test_case.segments) {
        ASSERT_TRUE(fs->write_file(segment_path(id), bytes).is_ok());
      }
      Result<std::unique_ptr<Store>> writer = open(options);
      ASSERT_FALSE(writer.is_ok()) << "records would be read in the wrong place of the log";
      EXPECT_EQ(writer.status().code(), StatusCode::kCorruption) << writer.status().to_string();
      const std::string& message = writer.status().message();
      EXPECT_TRUE(message.find("bad segment header") != std::string::npos ||
                  (with_manifest && (message.find("(MANIFEST)") != std::string::npos ||
                                     message.find("not part of the store") != std::string::npos)))
          << message;
      EXPECT_NE(writer.status().message().find(segment_file_name(test_case.refused)),
                std::string::npos)
          << writer.status().message();
      for (const auto& [id, bytes] : test_case.segments) {
        Result<std::string> kept = fs->read_file(segment_path(id));
        EXPECT_TRUE(kept.is_ok() && *kept == bytes) << segment_file_name(id) << " was changed";
      }

      // check (which reads a real folder) names the file too.
      testing::TestDir dir;
      Result<std::vector<std::string>> names = fs->list_dir(kDir);
      ASSERT_TRUE(names.is_ok());
      for (const std::string& name : *names) {
        Result<std::string> bytes = fs->read_file(std::string(kDir) + "/" + name);
        if (!bytes.is_ok()) continue;
        std::ofstream(dir.file(name), std::ios::binary) << *bytes;
      }
      Result<CheckReport> report = check_store(dir.path());
      ASSERT_TRUE(report.is_ok()) << report.status().to_string();
      EXPECT_FALSE(report->ok()) << "check found nothing";
      bool named = false;
      for (const CheckProblem& problem : report->problems) {
        named |= problem.file == segment_file_name(test_case.refused);
      }
      EXPECT_TRUE(named) << "check did not name " << segment_file_name(test_case.refused);
    }
  }
}

}  // namespace
}  // namespace logkv
