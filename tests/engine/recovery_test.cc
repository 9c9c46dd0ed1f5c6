// Recovery after crashes, simulated with MemFileSystem's power-loss model: every acknowledged
// write is present, a torn tail is cut off, nothing is invented, and damage in the middle of the
// log is reported with its file and offset instead of being taken for the end of the log.
#include "engine/recovery.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/store_impl.h"
#include "fs/mem_file_system.h"
#include "index/key_directory.h"
#include "tests/support/mem_power_loss.h"
#include "tests/support/seed.h"
#include "tests/support/store_contents.h"
#include "wal/file_names.h"
#include "wal/record_format.h"
#include "wal/segment_set.h"
#include "wal/store_folder.h"
#include "wal/synced_marker.h"

namespace logkv {
namespace {

using Model = std::map<std::string, std::string>;

constexpr char kDir[] = "/store";

class RecoveryTest : public ::testing::Test {
 protected:
  Result<std::unique_ptr<Store>> open(const Options& options = {}) {
    return open_store(fs_, kDir, options);
  }
  std::unique_ptr<Store> open_ok(const Options& options = {}) {
    Result<std::unique_ptr<Store>> store = open(options);
    EXPECT_TRUE(store.is_ok()) << store.status().to_string();
    return store.is_ok() ? std::move(store).value() : nullptr;
  }
  static Model contents(Store& store) { return testing::store_contents(store); }
  // Small segments that get hint files (at compaction), no background compaction.
  static Options hinted_options() {
    Options options;
    options.segment_bytes_max = 4096;
    options.hint_segment_bytes_min = 1024;
    options.automatic_compaction = false;
    return options;
  }
  // The id of the store's first segment with a hint file, if it has one.
  std::optional<uint64_t> first_hinted_segment() const {
    Result<StoreFolderListing> listing = list_store_folder(*fs_, kDir);
    if (!listing.is_ok() || listing->hint_ids.empty()) return std::nullopt;
    return listing->hint_ids.front();
  }
  std::string segment_path(uint64_t id) const {
    return std::string(kDir) + "/" + segment_file_name(id);
  }

  std::shared_ptr<MemFileSystem> fs_ = std::make_shared<MemFileSystem>();
};

TEST_F(RecoveryTest, AcknowledgedWritesSurvivePowerLoss) {
  Model model;
  {
    auto store = open_ok();
    for (int i = 0; i < 50; ++i) {
      const std::string key = "k" + std::to_string(i % 7);
      if (i % 5 == 4) {
        ASSERT_TRUE(store->del(key).is_ok());
        model.erase(key);
      } else {
        ASSERT_TRUE(store->set(key, "v" + std::to_string(i)).is_ok());
        model[key] = "v" + std::to_string(i);
      }
    }
    // The synced-point marker is never synced, on purpose (wal/synced_marker.h).
    EXPECT_EQ(unsynced_bytes(*fs_, kSyncedMarkerFileName), 0u)
        << "kAlways must leave nothing unsynced";
    simulate_power_loss(*fs_, 1, PowerLossMode::kDropUnsynced);
  }
  auto store = open_ok();
  EXPECT_EQ(contents(*store), model);
}

TEST_F(RecoveryTest, TornTailIsCutOffAndReported) {
  {
    auto store = open_ok();
    ASSERT_TRUE(store->set("a", "1").is_ok());
    ASSERT_TRUE(store->set("b", "2").is_ok());
  }
  Result<std::string> bytes = fs_->read_file(segment_path(1));
  ASSERT_TRUE(bytes.is_ok());
  // Cut the last record in half, as a crash in the middle of its write would; the synced-point
  // marker then still names the length before it (its sync never returned).
  const uint64_t before_last = bytes->size() - encoded_record_bytes(1, 1);
  const std::string cut = bytes->substr(0, bytes->size() - 3);
  ASSERT_TRUE(fs_->write_file(segment_path(1), cut).is_ok());
  ASSERT_TRUE(fs_->write_file(std::string(kDir) + "/" + kSyncedMarkerFileName,
                              encode_synced_marker({1, before_last}))
                  .is_ok());

  auto store = open_ok();
  EXPECT_EQ(contents(*store), (Model{{"a", "1"}}));
  EXPECT_EQ(store->stats().torn_bytes_dropped, encoded_record_bytes(1, 1) - 3);
  EXPECT_EQ(fs_->read_file(segment_path(1))->size(), bytes->size() - encoded_record_bytes(1, 1))
      << "the torn record must be truncated away on disk";
  // The log continues cleanly after the cut.
  ASSERT_TRUE(store->set("c", "3").is_ok());
  store.reset();
  EXPECT_EQ(contents(*open_ok()), (Model{{"a", "1"}, {"c", "3"}}));
}

// Issue 12's case: the last group was synced (the synced-point marker says so), no record
// follows it, and the store was not closed cleanly. Damage there is corruption, not a torn tail.
TEST_F(RecoveryTest, DamageToTheLastSyncedGroupAfterACrashIsCorruption) {
  {
    auto store = open_ok();
    ASSERT_TRUE(store->set("a", "old-a").is_ok());
    const std::vector<std::pair<std::string_view, std::string_view>> batch{{"a", "new-a"},
                                                                           {"b", "new-b"}};
    ASSERT_TRUE(store->set_many(batch).is_ok());
  }
  // The files as the process left them had it been killed right after the batch was
  // acknowledged: a close only adds the close marker (the log was synced already).
  ASSERT_TRUE(fs_->remove(std::string(kDir) + "/" + kCloseMarkerFileName).is_ok());
  const std::string path = segment_path(1);
  std::string bytes = fs_->read_file(path).value();
  const std::optional<uint64_t> recorded = recorded_synced_bytes(*fs_, kDir, 1).value();
  ASSERT_EQ(recorded, std::optional<uint64_t>(bytes.size()))
      << "the marker must name the whole synced log";
  bytes.back() = static_cast<char>(bytes.back() ^ 0x01);
  ASSERT_TRUE(fs_->write_file(path, bytes).is_ok());

  Result<std::unique_ptr<Store>> writer = open();
  ASSERT_EQ(writer.status().code(), StatusCode::kCorruption) << writer.status().to_string();
  EXPECT_NE(writer.status().message().find("not a torn write"), std::string::npos)
      << writer.status().to_string();
  EXPECT_EQ(fs_->read_file(path).value(), bytes) << "a refused open must change nothing";

  // Cutting the synced batch off where it starts (a record boundary) is caught as well.
  const uint64_t first_record_end = kSegmentHeaderBytes + encoded_record_bytes(1, 5);
  ASSERT_TRUE(fs_->write_file(path, bytes.substr(0, first_record_end)).is_ok());
  writer = open();
  ASSERT_EQ(writer.status().code(), StatusCode::kCorruption) << writer.status().to_string();
  EXPECT_NE(writer.status().message().find("cut short"), std::string::npos)
      << writer.status().to_string();

  // Without the marker (a crash before it reached the disk) the same bytes read as a torn
  // tail: the old rule, and the batch is dropped whole.
  ASSERT_TRUE(fs_->remove(std::string(kDir) + "/" + kSyncedMarkerFileName).is_ok());
  EXPECT_EQ(contents(*open_ok()), (Model{{"a", "old-a"}}));
}

TEST_F(RecoveryTest, ZeroFilledTailIsTorn) {
  {
    auto store = open_ok();
    ASSERT_TRUE(store->set("a", "1").is_ok());
  }
  std::string bytes = fs_->read_file(segment_path(1)).value();
  bytes.append(4096, '\0');
  ASSERT_TRUE(fs_->write_file(segment_path(1), bytes).is_ok());
  auto store = open_ok();
  EXPECT_EQ(contents(*store), (Model{{"a", "1"}}));
  EXPECT_EQ(store->stats().torn_bytes_dropped, 4096u);
}

TEST_F(RecoveryTest, CorruptionInAnOlderSegmentFailsOpenWithFileAndOffset) {
  Options options;
  options.segment_bytes_max = 4096;
  {
    auto store = open_ok(options);
    for (int i = 0; i < 100; ++i)
      ASSERT_TRUE(store->set("k" + std::to_string(i), std::string(100, 'x')).is_ok());
    ASSERT_GT(store->stats().segments, 2u);
  }
  std::string bytes = fs_->read_file(segment_path(1)).value();
  const size_t damaged = kSegmentHeaderBytes + encoded_record_bytes(2, 100) + 40;
  bytes[damaged] ^= 0x01;
  ASSERT_TRUE(fs_->write_file(segment_path(1), bytes).is_ok());

  Result<std::unique_ptr<Store>> store = open(options);
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
  const std::string& message = store.status().message();
  EXPECT_NE(message.find(segment_file_name(1)), std::string::npos) << message;
  EXPECT_NE(message.find(std::to_string(kSegmentHeaderBytes + encoded_record_bytes(2, 100))),
            std::string::npos)
      << message;
  EXPECT_EQ(fs_->read_file(segment_path(1)).value(), bytes) << "a failed open changes nothing";
}

// A sealed segment cut exactly where a record ends scans as whole; its hint file remembers the
// length it had. A writer's open refuses the store (naming the segment and the commands that
// resolve it) rather than serve the lost keys as absent; a read-only open serves every other key
// and answers the lost ones with the damage.
TEST_F(RecoveryTest, SealedSegmentShorterThanItsHintIsCorruptionNotAShorterLog) {
  const Options options = hinted_options();
  constexpr int kKeys = 100;
  {
    auto store = open_ok(options);
    for (int i = 0; i < kKeys; ++i)
      ASSERT_TRUE(store->set("k" + std::to_string(i), std::string(100, 'x')).is_ok());
    ASSERT_TRUE(store->compact().is_ok());  // sealed segments with hint files
  }
  Result<StoreFolderListing> listing = list_store_folder(*fs_, kDir);
  ASSERT_TRUE(listing.is_ok());
  ASSERT_GE(listing->segment_ids.size(), 2u);
  ASSERT_FALSE(listing->hint_ids.empty());
  const uint64_t id = listing->hint_ids.front();
  ASSERT_NE(id, listing->segment_ids.back()) << "the hinted segment must be a sealed one";
  // Cut the segment after its first record (every key is written once, so its keys are lost).
  const std::string original = fs_->read_file(segment_path(id)).value();
  const uint64_t cut = kSegmentHeaderBytes + encoded_record_bytes(2, 100);
  ASSERT_LT(cut, original.size());
  ASSERT_TRUE(fs_->write_file(segment_path(id), original.substr(0, cut)).is_ok());

  Result<std::unique_ptr<Store>> writer = open(options);
  ASSERT_FALSE(writer.is_ok()) << "the lost keys would read as absent";
  EXPECT_EQ(writer.status().code(), StatusCode::kCorruption);
  const std::string& message = writer.status().message();
  EXPECT_NE(message.find(segment_file_name(id)), std::string::npos) << message;
  EXPECT_NE(message.find("cut short"), std::string::npos) << message;
  EXPECT_NE(message.find("logkv repair"), std::string::npos) << message;
  EXPECT_EQ(fs_->read_file(segment_path(id)).value(), original.substr(0, cut))
      << "a failed open changes nothing";

  Options read_only = options;
  read_only.read_only = true;
  auto reader = open_ok(read_only);
  ASSERT_NE(reader, nullptr);
  int served = 0;
  int refused = 0;
  for (int i = 0; i < kKeys; ++i) {
    Result<std::optional<std::string>> got = reader->get("k" + std::to_string(i));
    if (got.is_ok()) {
      EXPECT_TRUE(got->has_value()) << "k" << i << " reads as absent";
      ++served;
    } else {
      EXPECT_EQ(got.status().code(), StatusCode::kCorruption) << got.status().to_string();
      ++refused;
    }
  }
  EXPECT_GT(served, 0);
  EXPECT_GT(refused, 0);
}

// A sealed segment removed while its hint file stays: the hint shows which keys' newest version
// went with it. A writer's open refuses the store; a read-only open answers those keys with the
// damage instead of an older value or "absent".
TEST_F(RecoveryTest, RemovedSegmentWhoseHintStaysIsCorruption) {
  const Options options = hinted_options();
  constexpr int kKeys = 100;
  {
    auto store = open_ok(options);
    for (int i = 0; i < kKeys; ++i)
      ASSERT_TRUE(store->set("k" + std::to_string(i), "old-" + std::to_string(i)).is_ok());
    ASSERT_TRUE(store->compact().is_ok());  // sealed segments with hint files
    // Newer values in later segments for half of the keys: those survive the removal.
    for (int i = 0; i < kKeys; i += 2)
      ASSERT_TRUE(store->set("k" + std::to_string(i), "new-" + std::to_string(i)).is_ok());
  }
  const std::optional<uint64_t> hinted = first_hinted_segment();
  ASSERT_TRUE(hinted.has_value()) << "the store should have a hint file";
  const uint64_t id = *hinted;
  ASSERT_TRUE(fs_->remove(segment_path(id)).is_ok());

  Result<std::unique_ptr<Store>> writer = open(options);
  ASSERT_FALSE(writer.is_ok()) << "keys of the removed segment would read as absent";
  EXPECT_EQ(writer.status().code(), StatusCode::kCorruption);
  EXPECT_NE(writer.status().message().find("is missing"), std::string::npos)
      << writer.status().message();
  EXPECT_NE(writer.status().message().find(segment_file_name(id)), std::string::npos)
      << writer.status().message();
  EXPECT_TRUE(fs_->file_size(std::string(kDir) + "/" + hint_file_name(id)).is_ok())
      << "the failed open removed the evidence";

  Options read_only = options;
  read_only.read_only = true;
  auto reader = open_ok(read_only);
  ASSERT_NE(reader, nullptr);
  int refused = 0;
  for (int i = 0; i < kKeys; ++i) {
    Result<std::optional<std::string>> got = reader->get("k" + std::to_string(i));
    if (i % 2 == 0) {
      ASSERT_TRUE(got.is_ok()) << got.status().to_string();
      EXPECT_EQ(got->value_or("<absent>"), "new-" + std::to_string(i));
    } else if (!got.is_ok()) {
      EXPECT_EQ(got.status().code(), StatusCode::kCorruption);
      ++refused;
    } else {
      // Not in the removed segment: its value is the one written.
      EXPECT_EQ(got->value_or("<absent>"), "old-" + std::to_string(i));
    }
  }
  EXPECT_GT(refused, 0);
}

// A hint file left without its segment whose every entry is superseded (what a crash in the
// middle of an older version's compaction cleanup leaves, in a store written before manifests)
// is not damage: open succeeds and a writer's open removes the hint.
TEST_F(RecoveryTest, OrphanHintWhoseEntriesAreAllSupersededIsRemoved) {
  const Options options = hinted_options();
  constexpr int kKeys = 100;
  {
    auto store = open_ok(options);
    for (int i = 0; i < kKeys; ++i) ASSERT_TRUE(store->set("k" + std::to_string(i), "old").is_ok());
    ASSERT_TRUE(store->compact().is_ok());
    for (int i = 0; i < kKeys; ++i) {
      if (i % 3 == 0) {
        ASSERT_TRUE(store->del("k" + std::to_string(i)).is_ok());
      } else {
        ASSERT_TRUE(store->set("k" + std::to_string(i), "new").is_ok());
      }
    }
  }
  const std::optional<uint64_t> hinted = first_hinted_segment();
  ASSERT_TRUE(hinted.has_value()) << "the store should have a hint file";
  const uint64_t id = *hinted;
  ASSERT_TRUE(fs_->remove(segment_path(id)).is_ok());
  // Such a store has no manifest; with one, the segment it lists is missing (segment_set_test).
  ASSERT_TRUE(fs_->remove(std::string(kDir) + "/" + kManifestFileName).is_ok());

  auto store = open_ok(options);
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < kKeys; ++i) {
    Result<std::optional<std::string>> got = store->get("k" + std::to_string(i));
    ASSERT_TRUE(got.is_ok());
    EXPECT_EQ(got->value_or("<absent>"), i % 3 == 0 ? "<absent>" : "new") << i;
  }
  EXPECT_EQ(fs_->file_size(std::string(kDir) + "/" + hint_file_name(id)).status().code(),
            StatusCode::kNotFound);
}

TEST_F(RecoveryTest, DamagedSyncedRecordInNewestSegmentIsCorruptionNotTornTail) {
  {
    auto store = open_ok();
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(store->set("k" + std::to_string(i), "value").is_ok());
  }
  std::string bytes = fs_->read_file(segment_path(1)).value();
  // Flip a byte in the third record: later records were written after syncs that covered it.
  bytes[kSegmentHeaderBytes + 2 * encoded_record_bytes(2, 5) + kRecordHeaderBytes] ^= 0x20;
  ASSERT_TRUE(fs_->write_file(segment_path(1), bytes).is_ok());
  Result<std::unique_ptr<Store>> store = open();
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption) << store.status().to_string();
}

TEST_F(RecoveryTest, NewestSegmentWithoutHeaderIsRemoved) {
  {
    auto store = open_ok();
    ASSERT_TRUE(store->set("a", "1").is_ok());
  }
  // A crash while segment 2 was being created left a file with half a header.
  ASSERT_TRUE(fs_->write_file(segment_path(2), std::string("LOGKV")).is_ok());
  auto store = open_ok();
  EXPECT_EQ(contents(*store), (Model{{"a", "1"}}));
  ASSERT_TRUE(store->set("b", "2").is_ok());
  store.reset();
  EXPECT_EQ(contents(*open_ok()), (Model{{"a", "1"}, {"b", "2"}}));
}

// A store error (the folder is wrong), not a refused input: the tool exits 4 for it.
TEST_F(RecoveryTest, ForeignFileInTheFolderIsRefused) {
  ASSERT_TRUE(fs_->create_dirs(kDir).is_ok());
  ASSERT_TRUE(fs_->write_file(std::string(kDir) + "/notes.txt", "mine").is_ok());
  Result<std::unique_ptr<Store>> store = open();
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption) << store.status().to_string();
  EXPECT_NE(store.status().message().find("'/store/notes.txt'"), std::string::npos)
      << "the message names the file: " << store.status().message();
  EXPECT_NE(store.status().message().find("move that file out"), std::string::npos)
      << "the message says what to do: " << store.status().message();
  EXPECT_EQ(fs_->read_file(std::string(kDir) + "/notes.txt").value(), "mine");
}

TEST_F(RecoveryTest, SegmentWithWrongMagicIsCorruption) {
  {
    auto store = open_ok();
    ASSERT_TRUE(store->set("a", "1").is_ok());
  }
  std::string bytes = fs_->read_file(segment_path(1)).value();
  bytes[0] = 'X';
  ASSERT_TRUE(fs_->write_file(segment_path(1), bytes).is_ok());
  Result<std::unique_ptr<Store>> store = open();
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
}

// kNever leaves writes unsynced, so a power loss keeps, drops or garbles them at random. The
// recovered store must equal the model after some prefix of the operations that includes every
// operation before the last close (which syncs): never a torn record, never an invented value.
TEST_F(RecoveryTest, RandomPowerLossRecoversAPrefixOfTheLog) {
  const uint64_t seed = testing::test_seed();
  std::mt19937_64 random(seed);
  Options options;
  options.sync_mode = SyncMode::kNever;
  options.segment_bytes_max = 8192;
  for (int round = 0; round < 200; ++round) {
    SCOPED_TRACE("round " + std::to_string(round) + " seed " + std::to_string(seed));
    fs_ = std::make_shared<MemFileSystem>();
    std::vector<Model> history{Model{}};
    size_t durable_ops = 0;
    {
      auto store = open_ok(options);
      const int ops = 1 + static_cast<int>(random() % 120);
      for (int i = 0; i < ops; ++i) {
        Model next = history.back();
        const std::string key = "key" + std::to_string(random() % 12);
        if (random() % 4 == 0) {
          ASSERT_TRUE(store->del(key).is_ok());
          next.erase(key);
        } else {
          const std::string value(random() % 700, static_cast<char>('a' + random() % 26));
          ASSERT_TRUE(store->set(key, value).is_ok());
          next[key] = value;
        }
        history.push_back(std::move(next));
        if (random() % 40 == 0) {  // a clean close makes everything so far durable
          ASSERT_TRUE(store->close().is_ok());
          durable_ops = history.size() - 1;
          store = open_ok(options);
        }
      }
      simulate_power_loss(*fs_, random(), PowerLossMode::kRandom);
    }
    auto store = open_ok(options);
    ASSERT_NE(store, nullptr);
    const Model recovered = contents(*store);
    bool matched = false;
    for (size_t k = durable_ops; k < history.size() && !matched; ++k) {
      matched = history[k] == recovered;
    }
    ASSERT_TRUE(matched) << "recovered state is not the state after any prefix >= " << durable_ops
                         << " of " << history.size() - 1 << " operations";
  }
}

}  // namespace
}  // namespace logkv

namespace logkv {
namespace {

// kInterval: a background thread syncs; once it has, a power loss keeps the write.
TEST_F(RecoveryTest, IntervalModeSyncsInTheBackground) {
  Options options;
  options.sync_mode = SyncMode::kInterval;
  options.sync_interval_ms = 1;
  {
    auto store = open_ok(options);
    ASSERT_TRUE(store->set("k", "v").is_ok());
    EXPECT_EQ(store->get("k").value(), "v") << "visible before it is durable";
    // Wait (bounded) for the background sync; the write itself did not sync.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (unsynced_bytes(*fs_, kSyncedMarkerFileName) > 0 &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    ASSERT_EQ(unsynced_bytes(*fs_, kSyncedMarkerFileName), 0u) << "no background sync within 20 s";
    simulate_power_loss(*fs_, 5, PowerLossMode::kDropUnsynced);
  }
  EXPECT_EQ(contents(*open_ok(options)), (Model{{"k", "v"}}));
}

TEST_F(RecoveryTest, IntervalModeOutOfRangeIsRefused) {
  Options options;
  options.sync_mode = SyncMode::kInterval;
  options.sync_interval_ms = 0;
  Result<std::unique_ptr<Store>> store = open(options);
  ASSERT_FALSE(store.is_ok());
  EXPECT_NE(store.status().message().find("sync_interval_ms"), std::string::npos);
}

// Recovery through the bulk path: a pre-sized directory filled from hint files and scans must
// be exactly the directory that putting the same keys one by one builds.

// Every key's entry, so that two directories compare whole.
std::map<std::string, IndexEntry> directory_contents(const KeyDirectory& keys) {
  std::map<std::string, IndexEntry> contents;
  for (const std::string& key : keys.keys()) contents[key] = keys.find(key).value();
  return contents;
}

class RecoveryPathTest : public RecoveryTest {
 protected:
  // Recovers the (closed) store into `keys`; the folder is only read, since a clean close leaves
  // no torn tail.
  RecoveredLog recover(KeyDirectory& keys) {
    Result<SegmentSet> set = reconcile_segment_set(*fs_, kDir);
    EXPECT_TRUE(set.is_ok()) << set.status().to_string();
    if (!set.is_ok()) return RecoveredLog{};
    Result<RecoveredLog> log = recover_log(*fs_, kDir, *set, keys);
    EXPECT_TRUE(log.is_ok()) << log.status().to_string();
    return log.is_ok() ? std::move(log).value() : RecoveredLog{};
  }

  // A random workload of sets, overwrites and deletes over few keys and many small segments,
  // with compactions at random points (whose outputs have hint files) and background hint
  // files for sealed segments, so that hints and scans overlap on the same keys. Returns the
  // store's contents at close.
  Model write_random_store(uint64_t seed) {
    std::mt19937_64 random(seed);
    Options options;
    options.sync_mode = SyncMode::kNever;
    options.segment_bytes_max = 4096;
    options.hint_segment_bytes_min = 1;
    options.compaction_disk_ratio_max = 100;         // compact only when told: hints from the
    options.compaction_segment_dead_fraction = 1.0;  // background thread, not merges
    options.compaction_dead_bytes_min = uint64_t{1} << 40;
    Model model;
    auto store = open_ok(options);
    if (store == nullptr) return model;
    for (int i = 0; i < 3000; ++i) {
      const std::string key = "key" + std::to_string(random() % 400);
      const uint64_t dice = random() % 100;
      if (dice < 20) {
        EXPECT_TRUE(store->del(key).is_ok());
        model.erase(key);
      } else {
        const std::string value(random() % 90, static_cast<char>('a' + random() % 26));
        EXPECT_TRUE(store->set(key, value).is_ok());
        model[key] = value;
      }
      if (dice == 99 && random() % 8 == 0) {
        EXPECT_TRUE(store->compact().is_ok());
      }
    }
    EXPECT_TRUE(store->close().is_ok());
    return model;
  }
};

TEST_F(RecoveryPathTest, ReopenedStoreHoldsTheWorkloadsContents) {
  const uint64_t seed = testing::test_seed();
  const Model model = write_random_store(seed);
  Options options;
  options.automatic_compaction = false;
  auto store = open_ok(options);
  ASSERT_NE(store, nullptr);
  EXPECT_GT(store->stats().hint_files_loaded, 0u);
  EXPECT_EQ(contents(*store), model);
}

TEST_F(RecoveryPathTest, PresizedDirectoryMatchesOneGrownByPuts) {
  const uint64_t seed = testing::test_seed();
  write_random_store(seed);
  KeyDirectory recovered;
  const RecoveredLog log = recover(recovered);
  ASSERT_GT(log.hint_files_loaded, 0u) << "the workload must exercise hint files";
  ASSERT_GT(log.segments.size(), log.hint_files_loaded) << "and scanned segments";
  KeyDirectory grown;
  for (const auto& [key, entry] : directory_contents(recovered)) grown.put(key, entry);
  EXPECT_EQ(directory_contents(grown), directory_contents(recovered));
  // Sized from an upper bound (hint entries plus scanned records), then trimmed: never more
  // than the same keys put one by one, apart from the per-shard spread of a reservation.
  EXPECT_LE(recovered.memory_bytes(), grown.memory_bytes() + grown.memory_bytes() / 8);
}

TEST_F(RecoveryPathTest, DamagedHintIsScannedIntoTheSameDirectory) {
  const uint64_t seed = testing::test_seed();
  write_random_store(seed);
  KeyDirectory intact_keys;
  const RecoveredLog intact = recover(intact_keys);
  ASSERT_GT(intact.hint_files_loaded, 0u);
  // Flip a byte in the middle of the first hint file: its checksum no longer matches.
  Result<StoreFolderListing> listing = list_store_folder(*fs_, kDir);
  ASSERT_TRUE(listing.is_ok());
  ASSERT_FALSE(listing->hint_ids.empty());
  const std::string hint_path = std::string(kDir) + "/" + hint_file_name(listing->hint_ids.front());
  std::string hint = fs_->read_file(hint_path).value();
  hint[hint.size() / 2] ^= 0x20;
  ASSERT_TRUE(fs_->write_file(hint_path, hint).is_ok());

  KeyDirectory keys;
  const RecoveredLog log = recover(keys);
  EXPECT_EQ(log.hint_files_rejected, 1u);
  EXPECT_EQ(log.hint_files_loaded, intact.hint_files_loaded - 1);
  EXPECT_EQ(log.live_bytes, intact.live_bytes);
  EXPECT_EQ(directory_contents(keys), directory_contents(intact_keys));
}

}  // namespace
}  // namespace logkv
