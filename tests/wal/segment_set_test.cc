// wal/segment_set.h: the folder held against the manifest. Each rule on a folder built by hand
// (the files' contents do not matter to it, only their names and lengths), and the race a reader
// without the writer's lock meets: a writer publishing faster than the reader can list, so that
// the last listing predates the last manifest read.
#include "wal/segment_set.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "fs/mem_file_system.h"
#include "tests/support/fault_file_system.h"
#include "wal/file_names.h"
#include "wal/record_format.h"

namespace logkv {
namespace {

using testing::FaultFileSystem;
using testing::OperationKind;
using Kind = SegmentSetProblem::Kind;

constexpr char kDir[] = "/store";

class SegmentSetTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(mem_->create_dirs(kDir).is_ok()); }
  void segment(uint64_t id, uint64_t bytes) {
    ASSERT_TRUE(mem_->write_file(path(id), std::string(bytes, 's')).is_ok());
  }
  static std::string path(uint64_t id) { return std::string(kDir) + "/" + segment_file_name(id); }
  void publish(const Manifest& manifest) {
    ASSERT_TRUE(write_manifest(*mem_, kDir, manifest).is_ok());
  }
  SegmentSet reconcile() {
    Result<SegmentSet> set = reconcile_segment_set(*faults_, kDir);
    EXPECT_TRUE(set.is_ok()) << set.status().to_string();
    return set.is_ok() ? std::move(set).value() : SegmentSet{};
  }

  std::shared_ptr<MemFileSystem> mem_ = std::make_shared<MemFileSystem>();
  std::shared_ptr<FaultFileSystem> faults_ = std::make_shared<FaultFileSystem>(mem_);
};

TEST_F(SegmentSetTest, WithoutAManifestTheFolderIsTheStore) {
  segment(1, 100);
  segment(4, 50);
  const SegmentSet set = reconcile();
  EXPECT_FALSE(set.manifest.has_value());
  EXPECT_TRUE(set.problems.empty());
  EXPECT_EQ(set.listing.segment_ids, (std::vector<uint64_t>{1, 4}));
}

TEST_F(SegmentSetTest, EachRuleOnAFolderBuiltByHand) {
  // Listed: 2 (100 bytes), 3 (cut to 60 of 80), 5 (missing), newest 9. Present but unlisted:
  // 6 (pending), 7 (retired), 8 (foreign), 10 and 11 (above the newest: 11, the highest, only a
  // header long, is a roll's segment; 10 is foreign). 4 (retired) left only its hint file.
  for (uint64_t id : {2, 6, 7, 8, 9, 10}) segment(id, 100);
  segment(11, kSegmentHeaderBytes);
  segment(3, 60);
  ASSERT_TRUE(mem_->write_file(std::string(kDir) + "/" + hint_file_name(4), "hint").is_ok());
  publish(Manifest{9, {{2, 100}, {3, 80}, {5, 70}}, 6, 1, {4, 7}});
  const SegmentSet set = reconcile();
  ASSERT_TRUE(set.manifest.has_value());
  EXPECT_EQ(set.listing.segment_ids, (std::vector<uint64_t>{2, 3, 9, 11}));
  EXPECT_EQ(set.leftovers, (std::vector<uint64_t>{4, 6, 7}));
  EXPECT_TRUE(set.listing.hint_ids.empty()) << "a leftover's hint is not the store's";
  ASSERT_EQ(set.problems.size(), 4u);
  EXPECT_EQ(set.problems[0].kind, Kind::kLengthDiffers);
  EXPECT_EQ(set.problems[0].segment_id, 3u);
  EXPECT_EQ(set.problems[0].present_bytes, 60u);
  EXPECT_EQ(set.problems[0].listed_bytes, 80u);
  EXPECT_EQ(set.problems[1].kind, Kind::kMissing);
  EXPECT_EQ(set.problems[1].segment_id, 5u);
  EXPECT_EQ(set.problems[2].kind, Kind::kNotInStore);
  EXPECT_EQ(set.problems[2].segment_id, 8u);
  EXPECT_EQ(set.problems[3].kind, Kind::kNotInStore);
  EXPECT_EQ(set.problems[3].segment_id, 10u);
  for (const SegmentSetProblem& problem : set.problems) {
    EXPECT_EQ(problem.file, segment_file_name(problem.segment_id));
  }
}

TEST_F(SegmentSetTest, AMissingNewestSegmentAndADamagedManifestAreProblems) {
  segment(1, 100);
  publish(Manifest{2, {{1, 100}}, 0, 0, {}});
  SegmentSet set = reconcile();
  ASSERT_EQ(set.problems.size(), 1u);
  EXPECT_EQ(set.problems[0].kind, Kind::kMissing);
  EXPECT_EQ(set.problems[0].segment_id, 2u);

  ASSERT_TRUE(mem_->write_file(std::string(kDir) + "/" + kManifestFileName, "damaged").is_ok());
  set = reconcile();
  ASSERT_EQ(set.problems.size(), 1u);
  EXPECT_EQ(set.problems[0].kind, Kind::kManifestDamaged);
  EXPECT_EQ(set.problems[0].file, kManifestFileName);
  EXPECT_EQ(set.listing.segment_ids, (std::vector<uint64_t>{1})) << "read as without one";
}

// The writer appends to a new segment only after publishing it, so one above the manifest's
// newest that holds records was not made by a roll: a segment copied in from another store.
TEST_F(SegmentSetTest, ASegmentAboveTheNewestThatHoldsRecordsIsForeign) {
  segment(1, 100);
  segment(2, 100);
  publish(Manifest{1, {}, 0, 0, {}});
  SegmentSet set = reconcile();
  ASSERT_EQ(set.problems.size(), 1u);
  EXPECT_EQ(set.problems[0].kind, Kind::kNotInStore);
  EXPECT_EQ(set.problems[0].segment_id, 2u);
  EXPECT_EQ(set.listing.segment_ids, (std::vector<uint64_t>{1}));
  // Only a header, or a header and preallocated zeros: a roll's segment.
  std::string rolled(4096, '\0');
  rolled.replace(0, kSegmentHeaderBytes, std::string(kSegmentHeaderBytes, 'h'));
  ASSERT_TRUE(mem_->write_file(path(2), rolled).is_ok());
  set = reconcile();
  EXPECT_TRUE(set.problems.empty());
  EXPECT_EQ(set.listing.segment_ids, (std::vector<uint64_t>{1, 2}));
}

// A writer that, between each listing and the manifest read after it, retires and removes one
// more sealed segment and publishes: the reads never settle, and the last listing still holds
// the segment the last manifest no longer names. It was removed, not copied in.
TEST_F(SegmentSetTest, ASegmentRemovedAfterTheLastListingIsNotForeign) {
  Manifest manifest{20, {}, 0, 0, {}};
  for (uint64_t id = 1; id <= 8; ++id) {
    segment(id, 100);
    manifest.sealed.push_back({id, 100});
  }
  segment(20, 40);
  publish(manifest);
  bool listed = false;
  int removed = 0;
  faults_->set_hook([&](OperationKind kind, const std::string& path) {
    if (kind == OperationKind::kListDir) listed = true;
    if (kind != OperationKind::kOpenRandomAccess || !path.ends_with(kManifestFileName) || !listed)
      return;
    listed = false;
    manifest.sealed.erase(manifest.sealed.begin());
    ASSERT_TRUE(write_manifest(*mem_, kDir, manifest).is_ok());
    ASSERT_TRUE(mem_->remove(this->path(static_cast<uint64_t>(++removed))).is_ok());
  });
  const SegmentSet set = reconcile();
  faults_->set_hook({});
  EXPECT_GE(removed, 5) << "the reads settled: the race was not exercised";
  EXPECT_TRUE(set.problems.empty())
      << set.problems.front().file << " " << set.problems.front().what;
  ASSERT_FALSE(set.listing.segment_ids.empty());
  EXPECT_GT(set.listing.segment_ids.front(), static_cast<uint64_t>(removed));
}

// The same writer rolling instead: each new segment is created and published after the
// listing, so the last manifest names a newest segment the last listing has not seen.
TEST_F(SegmentSetTest, ASegmentCreatedAfterTheLastListingIsNotMissing) {
  Manifest manifest{1, {}, 0, 0, {}};
  segment(1, 40);
  publish(manifest);
  bool listed = false;
  faults_->set_hook([&](OperationKind kind, const std::string& path) {
    if (kind == OperationKind::kListDir) listed = true;
    if (kind != OperationKind::kOpenRandomAccess || !path.ends_with(kManifestFileName) || !listed)
      return;
    listed = false;
    const uint64_t sealed = manifest.newest_id;
    manifest.sealed.push_back({sealed, 40});
    manifest.newest_id = sealed + 1;
    segment(manifest.newest_id, 40);
    ASSERT_TRUE(write_manifest(*mem_, kDir, manifest).is_ok());
  });
  const SegmentSet set = reconcile();
  faults_->set_hook({});
  EXPECT_GE(manifest.newest_id, 6u) << "the reads settled: the race was not exercised";
  EXPECT_TRUE(set.problems.empty())
      << set.problems.front().file << " " << set.problems.front().what;
  ASSERT_FALSE(set.listing.segment_ids.empty());
  EXPECT_EQ(set.listing.segment_ids.back(), set.manifest->newest_id);
}

// The last manifest lists a sealed segment the older listing missed (a compaction's output
// added after it), and the writer retires and removes it (the next compaction) just before it
// is looked up again: a problem seen while the writer keeps publishing is not reported but
// retried (kNotFound, which every reader retries).
TEST_F(SegmentSetTest, AProblemSeenWhileTheWriterKeepsPublishingIsRetriedNotReported) {
  Manifest manifest{1, {}, 0, 0, {}};
  segment(1, 40);
  publish(manifest);
  bool listed = false;
  uint64_t output = 100;
  faults_->set_hook([&](OperationKind kind, const std::string& path) {
    if (kind == OperationKind::kListDir) listed = true;
    if (kind == OperationKind::kFileSize && path == this->path(output) &&
        !manifest.sealed.empty() && manifest.sealed.back().id == output) {
      manifest.sealed.pop_back();
      manifest.retired = {output};
      ASSERT_TRUE(write_manifest(*mem_, kDir, manifest).is_ok());
      ASSERT_TRUE(mem_->remove(path).is_ok());
      return;
    }
    if (kind != OperationKind::kOpenRandomAccess || !path.ends_with(kManifestFileName) || !listed)
      return;
    listed = false;
    segment(++output, 40);
    manifest.sealed.push_back({output, 40});
    ASSERT_TRUE(write_manifest(*mem_, kDir, manifest).is_ok());
  });
  Result<SegmentSet> set = reconcile_segment_set(*faults_, kDir);
  faults_->set_hook({});
  ASSERT_FALSE(set.is_ok()) << "a segment removed by the writer was reported as lost";
  EXPECT_EQ(set.status().code(), StatusCode::kNotFound) << set.status().to_string();
}

}  // namespace
}  // namespace logkv
