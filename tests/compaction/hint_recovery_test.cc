// Opening a store with hint files: hints replace scanning, and a damaged, stale or missing hint
// only costs a scan (counted in stats, never an error). Files a crash leaves behind (temporary
// files, hints without a segment) are cleaned up at open.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "fs/mem_file_system.h"
#include "tests/compaction/compaction_test_util.h"
#include "tests/support/mem_power_loss.h"
#include "tests/support/store_test_peer.h"
#include "wal/hint_io.h"

namespace logkv {
namespace {

using testing::compaction_test_options;
using testing::contents;
using testing::files_ending_with;
using testing::Model;
using testing::open_impl;

constexpr char kDir[] = "/store";

class HintRecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = open();
    for (int round = 0; round < 3; ++round) {
      for (int k = 0; k < 60; ++k) {
        const std::string key = "key" + std::to_string(k);
        if (k % 7 == round) {
          ASSERT_TRUE(store->del(key).is_ok());
          model_.erase(key);
        } else {
          const std::string value = std::to_string(round) + std::string(80, 'a' + k % 26);
          ASSERT_TRUE(store->set(key, value).is_ok());
          model_[key] = value;
        }
      }
    }
    ASSERT_TRUE(store->compact().is_ok());
    hinted_ = StoreTestPeer(*store).immutable_segment_ids();
    ASSERT_GE(hinted_.size(), 2u);
  }

  std::unique_ptr<Store> open() { return open_impl(fs_, kDir, compaction_test_options()); }
  std::string path(const std::string& name) const { return std::string(kDir) + "/" + name; }

  std::shared_ptr<MemFileSystem> fs_ = std::make_shared<MemFileSystem>();
  Model model_;
  std::vector<uint64_t> hinted_;
};

TEST_F(HintRecoveryTest, OpenLoadsEveryHintInsteadOfScanning) {
  auto store = open();
  EXPECT_EQ(store->stats().hint_files_loaded, hinted_.size());
  EXPECT_EQ(store->stats().hint_files_rejected, 0u);
  EXPECT_EQ(contents(*store), model_);
}

// Proof that open did not read a hinted segment's records: damage inside a value goes unnoticed
// until that value is read, and then it is reported as corruption with file and offset.
TEST_F(HintRecoveryTest, DamageInAHintedSegmentIsFoundWhenTheValueIsRead) {
  const std::string segment = path(segment_file_name(hinted_.front()));
  std::string bytes = fs_->read_file(segment).value();
  Result<LoadedHint> hint = load_hint_file(*fs_, kDir, hinted_.front(), bytes.size());
  ASSERT_TRUE(hint.is_ok()) << hint.status().to_string();
  const auto value_record =
      std::find_if(hint->hint.entries.begin(), hint->hint.entries.end(),
                   [](const HintEntry& entry) { return entry.type == RecordType::kSet; });
  ASSERT_NE(value_record, hint->hint.entries.end());
  bytes[value_record->offset + value_record->record_bytes - 1] ^= 0x01;  // its value's last byte
  ASSERT_TRUE(fs_->write_file(segment, bytes).is_ok());
  auto store = open();
  ASSERT_NE(store, nullptr) << "open trusted the hint and did not scan";
  size_t corrupt = 0;
  for (const auto& [key, value] : model_) {
    Result<std::optional<std::string>> got = store->get(key);
    if (got.is_ok()) {
      EXPECT_EQ(**got, value);
      continue;
    }
    ++corrupt;
    EXPECT_EQ(got.status().code(), StatusCode::kCorruption);
    EXPECT_NE(got.status().message().find(segment_file_name(hinted_.front())), std::string::npos);
  }
  EXPECT_EQ(corrupt, 1u);
}

TEST_F(HintRecoveryTest, CorruptHintFallsBackToScanningAndIsCounted) {
  const std::string hint = path(hint_file_name(hinted_.front()));
  std::string bytes = fs_->read_file(hint).value();
  bytes[bytes.size() / 2] ^= 0x40;
  ASSERT_TRUE(fs_->write_file(hint, bytes).is_ok());
  EXPECT_EQ(verify_hint_file(*fs_, kDir, hinted_.front()).code(), StatusCode::kCorruption);

  auto store = open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->stats().hint_files_rejected, 1u);
  EXPECT_EQ(store->stats().hint_files_loaded, hinted_.size() - 1);
  EXPECT_EQ(contents(*store), model_);
  // A compaction rewrites the segment, and with it a good hint.
  ASSERT_TRUE(store->compact().is_ok());
  store.reset();
  store = open();
  EXPECT_EQ(store->stats().hint_files_rejected, 0u);
  EXPECT_EQ(contents(*store), model_);
}

TEST_F(HintRecoveryTest, MissingHintFallsBackToScanning) {
  ASSERT_TRUE(fs_->remove(path(hint_file_name(hinted_.back()))).is_ok());
  EXPECT_EQ(verify_hint_file(*fs_, kDir, hinted_.back()).code(), StatusCode::kNotFound);
  auto store = open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->stats().hint_files_loaded, hinted_.size() - 1);
  EXPECT_EQ(store->stats().hint_files_rejected, 0u);
  EXPECT_EQ(contents(*store), model_);
}

TEST_F(HintRecoveryTest, HintOfAnotherSegmentLengthIsRejected) {
  // The hint of one segment copied over another's: intact, but it describes other bytes.
  const std::string other = fs_->read_file(path(hint_file_name(hinted_.back()))).value();
  ASSERT_TRUE(fs_->write_file(path(hint_file_name(hinted_.front())), other).is_ok());
  auto store = open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->stats().hint_files_rejected, 1u);
  EXPECT_EQ(contents(*store), model_);
}

TEST_F(HintRecoveryTest, OpenRemovesTemporaryFilesAndOrphanHints) {
  const std::string orphan = hint_file_name(9999);
  const std::string temp_segment = temp_file_name(segment_file_name(9998));
  const std::string temp_hint = temp_file_name(hint_file_name(9998));
  ASSERT_TRUE(fs_->write_file(path(orphan), "stale").is_ok());
  ASSERT_TRUE(fs_->write_file(path(temp_segment), "half a segment").is_ok());
  ASSERT_TRUE(fs_->write_file(path(temp_hint), "half a hint").is_ok());
  auto store = open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(contents(*store), model_);
  for (const std::string& name : {orphan, temp_segment, temp_hint}) {
    EXPECT_EQ(fs_->read_file(path(name)).status().code(), StatusCode::kNotFound) << name;
  }
  // The removal is durable: a power loss does not bring the files back.
  simulate_power_loss(*fs_, 3, PowerLossMode::kDropUnsynced);
  EXPECT_EQ(fs_->read_file(path(orphan)).status().code(), StatusCode::kNotFound);
}

TEST_F(HintRecoveryTest, HintOfTheSegmentTheLogContinuesInIsRemoved) {
  // The active segment never has a hint; one found there would go stale with the next append.
  const uint64_t active = hinted_.back() + 1;
  ASSERT_TRUE(fs_->read_file(path(segment_file_name(active))).is_ok());
  ASSERT_TRUE(fs_->write_file(path(hint_file_name(active)),
                              fs_->read_file(path(hint_file_name(hinted_.back()))).value())
                  .is_ok());
  auto store = open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(fs_->read_file(path(hint_file_name(active))).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(store->set("after", "reopen").is_ok());
  model_["after"] = "reopen";
  store.reset();
  EXPECT_EQ(contents(*open()), model_);
}

TEST_F(HintRecoveryTest, DeletedKeysStayDeletedWhenLoadedFromHints) {
  auto store = open();
  for (int k = 0; k < 60; ++k) {
    const std::string key = "key" + std::to_string(k);
    EXPECT_EQ(store->exists(key).value(), model_.contains(key)) << key;
  }
}

}  // namespace
}  // namespace logkv
