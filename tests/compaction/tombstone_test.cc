// Tombstones and partial compactions: a delete's tombstone is dropped only when no older value
// of its key can survive anywhere (Bitcask issue #82: deleted keys came back after a partial
// merge). Deleted keys must stay deleted after any sequence of partial compactions and reopens.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <string>

#include "compaction/segment_records.h"
#include "fs/mem_file_system.h"
#include "tests/compaction/compaction_test_util.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/seed.h"
#include "tests/support/store_test_peer.h"

namespace logkv {
namespace {

using testing::compaction_test_options;
using testing::contents;
using testing::Model;
using testing::open_impl;

constexpr char kDir[] = "/store";

class TombstoneTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> open() { return open_impl(fs_, kDir, compaction_test_options()); }

  // Fills segments with other keys until the active segment is a new one.
  static void roll(Store& store) {
    const size_t sealed = StoreTestPeer(store).immutable_segment_ids().size();
    for (int i = 0; StoreTestPeer(store).immutable_segment_ids().size() == sealed; ++i) {
      ASSERT_TRUE(store.set("filler" + std::to_string(i), std::string(200, 'f')).is_ok());
      ASSERT_LT(i, 1000);
    }
  }

  // Records of `key` in the segment files on disk, counting deletes only when asked.
  int records_of(std::string_view key, bool deletes_only = false) {
    int count = 0;
    for (const std::string& name : fs_->list_dir(kDir).value()) {
      const std::optional<uint64_t> id = parse_segment_file_name(name);
      if (!id) continue;
      const std::string bytes = fs_->read_file(std::string(kDir) + "/" + name).value();
      Result<std::vector<SegmentRecord>> records = scan_segment_records(bytes, name, *id);
      EXPECT_TRUE(records.is_ok()) << records.status().to_string();
      if (!records.is_ok()) continue;
      for (const SegmentRecord& record : *records) {
        if (record.key == key && (!deletes_only || record.type == RecordType::kDelete)) ++count;
      }
    }
    return count;
  }
  bool any_record_of(std::string_view key) { return records_of(key) > 0; }

  std::shared_ptr<MemFileSystem> fs_ = std::make_shared<MemFileSystem>();
};

// The Bitcask #82 sequence: the value sits in one segment, its delete in a later one, and only
// the later one is compacted. Dropping the tombstone there would bring the value back.
TEST_F(TombstoneTest, TombstoneIsKeptWhileAnOlderValueSurvivesElsewhere) {
  auto store = open();
  ASSERT_TRUE(store->set("doomed", "old value").is_ok());
  roll(*store);
  const uint64_t value_segment = StoreTestPeer(*store).immutable_segment_ids().front();
  ASSERT_TRUE(store->del("doomed").is_ok());
  roll(*store);
  const uint64_t tombstone_segment = StoreTestPeer(*store).immutable_segment_ids().back();
  ASSERT_NE(value_segment, tombstone_segment);

  const uint64_t only_the_tombstone[] = {tombstone_segment};
  ASSERT_TRUE(StoreTestPeer(*store).compact_segments(only_the_tombstone).is_ok());
  EXPECT_EQ(store->get("doomed").value(), std::nullopt);
  store.reset();
  store = open();
  EXPECT_EQ(store->get("doomed").value(), std::nullopt) << "the deleted key came back";

  // Once the old value's segment is compacted away, the tombstone has nothing left to hide and
  // the next compaction of its segment drops it: no trace of the key remains.
  const uint64_t only_the_value[] = {value_segment};
  ASSERT_TRUE(StoreTestPeer(*store).compact_segments(only_the_value).is_ok());
  ASSERT_TRUE(store->compact().is_ok());
  EXPECT_FALSE(any_record_of("doomed"));
  store.reset();
  EXPECT_EQ(open()->get("doomed").value(), std::nullopt);
}

// Compacting the value's and the tombstone's segments together still keeps the tombstone once:
// the inputs are deleted one at a time, so a crash could leave the value's segment behind.
TEST_F(TombstoneTest, TombstoneSurvivesTheMergeWithItsValueAndGoesInTheNext) {
  auto store = open();
  ASSERT_TRUE(store->set("doomed", "old value").is_ok());
  roll(*store);
  ASSERT_TRUE(store->del("doomed").is_ok());
  roll(*store);
  const std::vector<uint64_t> both = StoreTestPeer(*store).immutable_segment_ids();
  ASSERT_TRUE(StoreTestPeer(*store).compact_segments(both).is_ok());
  EXPECT_TRUE(any_record_of("doomed")) << "the tombstone must outlive this merge";
  ASSERT_TRUE(store->compact().is_ok());
  EXPECT_FALSE(any_record_of("doomed"));
  EXPECT_EQ(store->get("doomed").value(), std::nullopt);
}

// A tombstone hidden behind a newer value is dead: it goes in the first compaction of its
// segment, even while the older value it once hid is still on disk.
TEST_F(TombstoneTest, TombstoneBehindANewerValueIsDropped) {
  auto store = open();
  ASSERT_TRUE(store->set("k", "v1").is_ok());
  roll(*store);
  ASSERT_TRUE(store->del("k").is_ok());
  roll(*store);
  const uint64_t tombstone_segment[] = {StoreTestPeer(*store).immutable_segment_ids().back()};
  ASSERT_TRUE(store->set("k", "v2").is_ok());
  roll(*store);
  ASSERT_EQ(records_of("k", /*deletes_only=*/true), 1);
  ASSERT_TRUE(StoreTestPeer(*store).compact_segments(tombstone_segment).is_ok());
  EXPECT_EQ(records_of("k", /*deletes_only=*/true), 0);
  EXPECT_EQ(records_of("k"), 2) << "v1 and v2 remain";
  EXPECT_EQ(store->get("k").value(), "v2");
  store.reset();
  EXPECT_EQ(open()->get("k").value(), "v2");
}

// Rewrites every live key, so that every sealed segment so far holds nothing live.
void rewrite_every_key(Store& store) {
  for (const std::string& key : store.keys().value()) {
    const std::optional<std::string> value = store.get(key).value();
    ASSERT_TRUE(value.has_value());
    ASSERT_TRUE(store.set(key, *value).is_ok());
  }
}

// A segment with no live value and no tombstone is deleted without being read: nothing in it
// can matter (with overwritten large values, reading it was most of a compaction's work).
TEST_F(TombstoneTest, SegmentHoldingNothingNeededIsDeletedUnread) {
  auto faults = std::make_shared<testing::FaultFileSystem>(fs_);
  auto store = open_impl(faults, kDir, compaction_test_options());
  ASSERT_TRUE(store->set("k", "v1").is_ok());
  roll(*store);
  const uint64_t dead_segment = StoreTestPeer(*store).immutable_segment_ids().front();
  ASSERT_NO_FATAL_FAILURE(rewrite_every_key(*store));
  roll(*store);
  const Model before = contents(*store);

  const std::string dead_path = std::string(kDir) + "/" + segment_file_name(dead_segment);
  std::atomic<int> reads_of_dead{0};
  faults->set_hook([&](testing::OperationKind kind, const std::string& path) {
    if (kind == testing::OperationKind::kRead && path == dead_path) ++reads_of_dead;
  });
  const uint64_t only_the_dead[] = {dead_segment};
  ASSERT_TRUE(StoreTestPeer(*store).compact_segments(only_the_dead).is_ok());
  faults->set_hook({});
  EXPECT_EQ(reads_of_dead.load(), 0);
  EXPECT_FALSE(fs_->file_size(dead_path).is_ok()) << "the dead segment is deleted";
  EXPECT_EQ(contents(*store), before);
  store.reset();
  EXPECT_EQ(contents(*open()), before);
}

// A segment whose only needed record is a tombstone is still read, and the tombstone kept while
// the older value it hides survives elsewhere; also when the store was reopened in between, so
// that what the segment holds was learnt by recovery, not by the write path.
class TombstoneOnlySegmentTest : public TombstoneTest,
                                 public ::testing::WithParamInterface<bool> {};

TEST_P(TombstoneOnlySegmentTest, TombstoneIsKeptWhenItIsAllItsSegmentHolds) {
  const bool reopen = GetParam();
  auto store = open();
  ASSERT_TRUE(store->set("doomed", "old value").is_ok());
  roll(*store);
  ASSERT_TRUE(store->del("doomed").is_ok());
  roll(*store);
  const uint64_t tombstone_segment = StoreTestPeer(*store).immutable_segment_ids().back();
  ASSERT_NO_FATAL_FAILURE(rewrite_every_key(*store));
  roll(*store);
  ASSERT_EQ(records_of("doomed"), 2) << "the old value and its tombstone are on disk";
  if (reopen) {
    store.reset();
    store = open();
  }

  const uint64_t only_the_tombstone[] = {tombstone_segment};
  ASSERT_TRUE(StoreTestPeer(*store).compact_segments(only_the_tombstone).is_ok());
  EXPECT_EQ(records_of("doomed", /*deletes_only=*/true), 1) << "the tombstone was dropped";
  store.reset();
  EXPECT_EQ(open()->get("doomed").value(), std::nullopt) << "the deleted key came back";
}

INSTANTIATE_TEST_SUITE_P(WithAndWithoutReopen, TombstoneOnlySegmentTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "AfterReopen" : "SameSession";
                         });

// Random sets and deletes over a few keys, random partial compactions (any subset of the sealed
// segments), full compactions and reopens, checked against a model after every step.
TEST_F(TombstoneTest, DeletedKeysStayDeletedAcrossPartialCompactionsAndReopens) {
  const uint64_t seed = testing::test_seed();
  std::mt19937_64 random(seed);
  auto store = open();
  Model model;
  for (int step = 0; step < 2000; ++step) {
    SCOPED_TRACE("step " + std::to_string(step) + " seed " + std::to_string(seed));
    const int action = static_cast<int>(random() % 20);
    if (action < 14) {
      const std::string key = "key" + std::to_string(random() % 16);
      if (random() % 3 == 0) {
        ASSERT_TRUE(store->del(key).is_ok());
        model.erase(key);
      } else {
        const std::string value(1 + random() % 400, static_cast<char>('a' + random() % 26));
        ASSERT_TRUE(store->set(key, value).is_ok());
        model[key] = value;
      }
      continue;
    }
    if (action < 18) {
      std::vector<uint64_t> subset;
      for (uint64_t id : StoreTestPeer(*store).immutable_segment_ids()) {
        if (random() % 2 == 0) subset.push_back(id);
      }
      ASSERT_TRUE(StoreTestPeer(*store).compact_segments(subset).is_ok());
    } else if (action == 18) {
      ASSERT_TRUE(store->compact().is_ok());
    } else {
      store.reset();
      store = open();
      ASSERT_NE(store, nullptr);
    }
    ASSERT_EQ(contents(*store), model);
  }
  store.reset();
  store = open();
  EXPECT_EQ(contents(*store), model);
  // A final full compaction leaves no trace of keys deleted long ago... once their tombstones
  // have nothing left to hide, which a second pass guarantees.
  ASSERT_TRUE(store->compact().is_ok());
  ASSERT_TRUE(store->compact().is_ok());
  for (int k = 0; k < 16; ++k) {
    const std::string key = "key" + std::to_string(k);
    if (!model.contains(key)) {
      EXPECT_FALSE(any_record_of(key)) << key;
    }
  }
  EXPECT_EQ(contents(*store), model);
}

}  // namespace
}  // namespace logkv
