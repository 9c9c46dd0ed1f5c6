// The set of segments is known, not guessed (wal/manifest.h, wal/segment_set.h): a sealed segment
// cut where a record ends, a removed segment (with or without its hint file), the removed newest
// segment, a segment restored from an old copy and two swapped segments are each detected. A
// writer's open refuses the store naming the file and changes nothing; a read-only open never
// serves an older value, a wrong absence or a deleted key come back (it answers a lost key with
// kCorruption, or refuses when it cannot tell which keys were lost); check names the file; repair
// makes the store whole again. Also: the leftovers of a compaction a crash interrupted are
// removed, not reported, and a store written before manifests gets one from its first writer.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <string>

#include "engine/store_impl.h"
#include "fs/mem_file_system.h"
#include "logkv/check.h"
#include "logkv/repair.h"
#include "logkv/store.h"
#include "tests/engine/varied_store.h"
#include "tests/support/mem_power_loss.h"
#include "tests/support/seed.h"
#include "tests/support/store_contents.h"
#include "tests/support/test_dir.h"
#include "wal/file_names.h"
#include "wal/manifest.h"
#include "wal/record_format.h"
#include "wal/segment_scanner.h"
#include "wal/store_folder.h"
#include "wal/synced_marker.h"

namespace logkv {
namespace {

namespace fs = std::filesystem;
using Image = std::map<std::string, std::string>;  // file name -> bytes
using Model = std::map<std::string, std::string>;

constexpr char kMemDir[] = "/store";

Image read_image(const std::string& dir) {
  Image image;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    if (name == kLockFileName) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    image[name] = std::string(std::istreambuf_iterator<char>(in), {});
  }
  return image;
}

void write_image(const std::string& dir, const Image& image) {
  for (const auto& [name, bytes] : image) {
    std::ofstream out(dir + "/" + name, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
}

Model read_only_contents(const std::string& dir) {
  Options options;
  options.read_only = true;
  Result<std::unique_ptr<Store>> store = Store::open(dir, options);
  EXPECT_TRUE(store.is_ok()) << store.status().to_string();
  return store.is_ok() ? testing::store_contents(**store) : Model{};
}

// Offsets where segment `bytes` may end with every record whole, below its length.
std::vector<uint64_t> record_boundaries(const std::string& name, const std::string& bytes) {
  std::vector<uint64_t> ends = {kSegmentHeaderBytes};
  const uint64_t id = parse_segment_file_name(name).value();
  (void)scan_segment(bytes, name, id, false, [&](const ScannedRecord& record) {
    if (!(record.record.flags & kRecordFlagBatchContinues))
      ends.push_back(record.offset + record.bytes);
  });
  while (!ends.empty() && ends.back() >= bytes.size()) ends.pop_back();
  return ends;
}

class SegmentSetSweep : public ::testing::Test {
 protected:
  void SetUp() override {
    seed_ = testing::test_seed();
    std::cout << "seed=" << seed_ << " (replay: LOGKV_TEST_SEED=" << seed_ << ")" << std::endl;
    std::mt19937_64 random(seed_);
    testing::TestDir dir;
    testing::write_varied_store(dir.path(), random);
    const Image before = read_image(dir.path());
    // More writes and a compaction: the segments it removes are the old copies a "restore" puts
    // back.
    {
      Options options;
      options.segment_bytes_max = 4096;
      options.hint_segment_bytes_min = 1024;
      options.automatic_compaction = false;
      Result<std::unique_ptr<Store>> store = Store::open(dir.path(), options);
      ASSERT_TRUE(store.is_ok()) << store.status().to_string();
      for (int i = 0; i < 150; ++i) {
        const std::string key = "key-" + std::to_string(random() % 60);
        if (random() % 4 == 0) {
          ASSERT_TRUE((*store)->del(key).is_ok());
        } else {
          ASSERT_TRUE((*store)->set(key, std::string(20 + random() % 100, 'p')).is_ok());
        }
      }
      ASSERT_TRUE((*store)->compact().is_ok());
      for (int i = 0; i < 80; ++i) {  // sealed segments after the compaction's outputs
        ASSERT_TRUE(
            (*store)->set("key-" + std::to_string(random() % 60), std::string(150, 'l')).is_ok());
      }
      ASSERT_TRUE((*store)->close().is_ok());
    }
    image_ = read_image(dir.path());
    model_ = read_only_contents(dir.path());
    ASSERT_TRUE(image_.contains(kManifestFileName)) << "the writer left no manifest";
    for (const auto& [name, bytes] : image_) {
      if (parse_segment_file_name(name)) segments_.push_back(name);
    }
    ASSERT_GE(segments_.size(), 4u);
    for (const auto& [name, bytes] : before) {
      if (parse_segment_file_name(name) && !image_.contains(name)) old_copies_[name] = bytes;
    }
  }

  // Every key the workload may have written: a read-only open must answer each as the model
  // does, or with kCorruption.
  void expect_no_wrong_answer(Store& store, const std::string& what) {
    for (int i = 0; i < 60; ++i) {
      const std::string key = "key-" + std::to_string(i);
      Result<std::optional<std::string>> got = store.get(key);
      if (!got.is_ok()) {
        EXPECT_EQ(got.status().code(), StatusCode::kCorruption) << what << ": " << key;
        continue;
      }
      auto it = model_.find(key);
      const std::string expected = it == model_.end() ? "<absent>" : it->second;
      EXPECT_EQ(got->value_or("<absent>"), expected) << what << ": " << key;
    }
  }

  uint64_t seed_ = 0;
  Image image_;
  Model model_;
  std::vector<std::string> segments_;  // names, ascending ids; the last is the newest
  Image old_copies_;                   // segments the last compaction removed
};

TEST_F(SegmentSetSweep, EveryCutRemovalRestoreAndSwapIsDetectedAndRepaired) {
  const char* env = std::getenv("LOGKV_SEGMENT_SET_ROUNDS");
  const int rounds = env != nullptr && *env != '\0' ? std::atoi(env) : 24;
  std::mt19937_64 random(seed_ + 1);
  std::map<std::string, int> kinds;
  for (int round = 0; round < rounds; ++round) {
    Image damaged = image_;
    std::set<std::string> named;  // a file the reports must name (any one of them)
    std::string what;
    const std::string sealed = segments_[random() % (segments_.size() - 1)];
    const std::string hint = hint_file_name(parse_segment_file_name(sealed).value());
    switch (round % 6) {
      case 0: {
        const std::vector<uint64_t> ends = record_boundaries(sealed, damaged[sealed]);
        const uint64_t end = ends[random() % ends.size()];
        what = "cut " + sealed + " to " + std::to_string(end) + " (a record boundary)";
        damaged[sealed].resize(end);
        named = {sealed};
        break;
      }
      case 1:
        what = "removed " + sealed + ", its hint file kept if it has one";
        damaged.erase(sealed);
        named = {sealed};
        break;
      case 2:
        what = "removed " + sealed + " and its hint file";
        damaged.erase(sealed);
        damaged.erase(hint);
        named = {sealed};
        break;
      case 3:
        what = "removed the newest segment " + segments_.back();
        damaged.erase(segments_.back());
        named = {segments_.back()};
        break;
      case 4: {
        if (old_copies_.empty()) continue;
        auto copy = old_copies_.begin();
        std::advance(copy, random() % old_copies_.size());
        what = "restored the old " + copy->first;
        damaged[copy->first] = copy->second;
        named = {copy->first};
        break;
      }
      case 5: {
        std::string other = segments_[random() % (segments_.size() - 1)];
        if (other == sealed || damaged[other] == damaged[sealed]) continue;
        what = "swapped " + sealed + " and " + other;
        std::swap(damaged[sealed], damaged[other]);
        named = {sealed, other};
        break;
      }
    }
    SCOPED_TRACE("round " + std::to_string(round) + ": " + what);
    ++kinds[what.substr(0, what.find(' '))];
    testing::TestDir dir;
    write_image(dir.path(), damaged);
    const auto names_one = [&](const std::string& text) {
      for (const std::string& name : named) {
        if (text.find(name) != std::string::npos) return true;
      }
      return false;
    };

    Result<std::unique_ptr<Store>> writer = Store::open(dir.path());
    ASSERT_FALSE(writer.is_ok()) << "a writer's open accepted the damaged store";
    EXPECT_EQ(writer.status().code(), StatusCode::kCorruption) << writer.status().to_string();
    EXPECT_TRUE(names_one(writer.status().message())) << writer.status().message();
    EXPECT_EQ(read_image(dir.path()), damaged) << "the refused open changed the files";

    Options read_only;
    read_only.read_only = true;
    Result<std::unique_ptr<Store>> reader = Store::open(dir.path(), read_only);
    if (reader.is_ok()) {
      expect_no_wrong_answer(**reader, what);
    } else {
      EXPECT_EQ(reader.status().code(), StatusCode::kCorruption) << reader.status().to_string();
    }
    reader = Status::not_found("closed");

    Result<CheckReport> report = check_store(dir.path());
    ASSERT_TRUE(report.is_ok()) << report.status().to_string();
    EXPECT_FALSE(report->ok()) << "check found nothing";
    bool check_named = false;
    for (const CheckProblem& problem : report->problems) check_named |= names_one(problem.file);
    EXPECT_TRUE(check_named) << "check did not name the damaged file";

    Result<RepairReport> repaired = repair_store(dir.path());
    ASSERT_TRUE(repaired.is_ok()) << repaired.status().to_string();
    Result<CheckReport> after = check_store(dir.path());
    ASSERT_TRUE(after.is_ok()) << after.status().to_string();
    EXPECT_TRUE(after->ok()) << "check after repair: " << after->problems.front().file << ": "
                             << after->problems.front().what;
    Result<std::unique_ptr<Store>> reopened = Store::open(dir.path());
    ASSERT_TRUE(reopened.is_ok()) << "after repair: " << reopened.status().to_string();
    EXPECT_TRUE((*reopened)->set("after-repair", "ok").is_ok());
  }
  for (const auto& [kind, count] : kinds) std::cout << kind << ": " << count << " round(s)\n";
}

// Issue 12's first case, exactly: set k1, set k2, compact, set k3, then the sealed segment that
// holds k2 cut to 64 bytes (its header and k1's record: a record boundary, so it scans whole).
TEST(SegmentSetTest, ASealedSegmentCutOnARecordBoundaryIsRefusedNotReadAsSmaller) {
  auto mem = std::make_shared<MemFileSystem>();
  Options options;
  options.automatic_compaction = false;
  {
    Result<std::unique_ptr<Store>> store = open_store(mem, kMemDir, options);
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    ASSERT_TRUE((*store)->set("k1", "v1").is_ok());
    ASSERT_TRUE((*store)->set("k2", "v2").is_ok());
    ASSERT_TRUE((*store)->compact().is_ok());
    ASSERT_TRUE((*store)->set("k3", "v3").is_ok());
  }
  Result<StoreFolderListing> listing = list_store_folder(*mem, kMemDir);
  ASSERT_TRUE(listing.is_ok() && listing->segment_ids.size() == 2);
  const std::string sealed =
      std::string(kMemDir) + "/" + segment_file_name(listing->segment_ids[0]);
  std::string bytes = mem->read_file(sealed).value();
  ASSERT_EQ(bytes.size(), kSegmentHeaderBytes + 2 * encoded_record_bytes(2, 2));
  bytes.resize(64);
  ASSERT_TRUE(mem->write_file(sealed, bytes).is_ok());

  for (const bool read_only : {false, true}) {
    Options opening = options;
    opening.read_only = read_only;
    Result<std::unique_ptr<Store>> store = open_store(mem, kMemDir, opening);
    ASSERT_FALSE(store.is_ok()) << (read_only ? "read-only: " : "") << "k2 would read as absent";
    EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
    EXPECT_NE(store.status().message().find(segment_file_name(listing->segment_ids[0])),
              std::string::npos)
        << store.status().message();
    EXPECT_NE(store.status().message().find("sealed at 96 (MANIFEST)"), std::string::npos)
        << store.status().message();
    EXPECT_EQ(mem->read_file(sealed).value(), bytes) << "the open changed the segment";
  }
}

// What a crash in a compaction leaves (its outputs not yet added, or inputs not yet removed) is
// recognised from the manifest: a read-only open does not read it, a writer's open removes it.
// Here the leftovers are the compaction's own inputs put back, holding deleted keys whose
// tombstones the compaction dropped: read, they would bring those keys back.
TEST(SegmentSetTest, CompactionLeftoversAreRemovedByAWritersOpenAndNeverRead) {
  auto mem = std::make_shared<MemFileSystem>();
  Options options;
  options.segment_bytes_max = 4096;
  options.automatic_compaction = false;
  const auto path = [](uint64_t id) { return std::string(kMemDir) + "/" + segment_file_name(id); };
  Model model;
  Image inputs;
  {
    Result<std::unique_ptr<Store>> store = open_store(mem, kMemDir, options);
    ASSERT_TRUE(store.is_ok());
    for (int i = 0; i < 200; ++i) {
      const std::string key = "k" + std::to_string(i % 40);
      const std::string value = "v" + std::to_string(i) + std::string(100, '.');
      ASSERT_TRUE((*store)->set(key, value).is_ok());
      model[key] = value;
    }
    for (int i = 0; i < 40; i += 3) {
      ASSERT_TRUE((*store)->del("k" + std::to_string(i)).is_ok());
      model.erase("k" + std::to_string(i));
    }
    const std::vector<uint64_t> before = list_store_folder(*mem, kMemDir)->segment_ids;
    for (uint64_t id : before) {
      inputs[segment_file_name(id)] = mem->read_file(path(id)).value();
    }
    ASSERT_TRUE((*store)->compact().is_ok());
  }
  const std::vector<uint64_t> after = list_store_folder(*mem, kMemDir)->segment_ids;
  ASSERT_GE(inputs.size(), 3u);
  const uint64_t retired_id = parse_segment_file_name(inputs.begin()->first).value();
  const uint64_t pending_id = parse_segment_file_name(std::next(inputs.begin())->first).value();
  ASSERT_FALSE(std::binary_search(after.begin(), after.end(), retired_id));
  ASSERT_FALSE(std::binary_search(after.begin(), after.end(), pending_id));
  ASSERT_TRUE(mem->write_file(path(retired_id), inputs.begin()->second).is_ok());
  ASSERT_TRUE(mem->write_file(path(pending_id), std::next(inputs.begin())->second).is_ok());

  // Unnamed by the manifest they are foreign: refused. This is what makes the test able to fail.
  Result<std::unique_ptr<Store>> refused = open_store(mem, kMemDir, options);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find("is not part of the store"), std::string::npos)
      << refused.status().message();

  Result<std::optional<Manifest>> manifest = read_manifest(*mem, kMemDir);
  ASSERT_TRUE(manifest.is_ok() && manifest->has_value());
  Manifest edited = **manifest;
  edited.retired = {retired_id};
  edited.pending_first = pending_id;
  edited.pending_count = 1;
  ASSERT_TRUE(write_manifest(*mem, kMemDir, edited).is_ok());

  Options read_only = options;
  read_only.read_only = true;
  {
    Result<std::unique_ptr<Store>> reader = open_store(mem, kMemDir, read_only);
    ASSERT_TRUE(reader.is_ok()) << reader.status().to_string();
    EXPECT_EQ(testing::store_contents(**reader), model);
  }
  EXPECT_TRUE(mem->file_size(path(retired_id)).is_ok()) << "a read-only open removed a file";
  {
    Result<std::unique_ptr<Store>> writer = open_store(mem, kMemDir, options);
    ASSERT_TRUE(writer.is_ok()) << writer.status().to_string();
    EXPECT_EQ(testing::store_contents(**writer), model);
  }
  EXPECT_EQ(mem->file_size(path(retired_id)).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(mem->file_size(path(pending_id)).status().code(), StatusCode::kNotFound);
  Result<std::optional<Manifest>> published = read_manifest(*mem, kMemDir);
  ASSERT_TRUE(published.is_ok() && published->has_value());
  EXPECT_TRUE((*published)->retired.empty());
  EXPECT_EQ((*published)->pending_count, 0u);
}

// Repair of a store none of whose segments is left: no manifest can name a newest segment, so
// repair leaves none, and the next writer's open starts the store afresh.
TEST(SegmentSetTest, RepairOfAStoreWithNoSegmentLeftLeavesOneAWriterOpens) {
  testing::TestDir dir;
  {
    Result<std::unique_ptr<Store>> store = Store::open(dir.path());
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    ASSERT_TRUE((*store)->set("k", "v").is_ok());
  }
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    if (parse_segment_file_name(entry.path().filename().string())) fs::remove(entry.path());
  }
  ASSERT_FALSE(Store::open(dir.path()).is_ok()) << "the missing segment went unnoticed";
  Result<RepairReport> repaired = repair_store(dir.path());
  ASSERT_TRUE(repaired.is_ok()) << repaired.status().to_string();
  Result<CheckReport> checked = check_store(dir.path());
  ASSERT_TRUE(checked.is_ok());
  EXPECT_TRUE(checked->ok());
  Result<std::unique_ptr<Store>> reopened = Store::open(dir.path());
  ASSERT_TRUE(reopened.is_ok()) << reopened.status().to_string();
  EXPECT_TRUE((*reopened)->set("k2", "v2").is_ok());
}

// A leftover's hint file whose segment is gone (a crash undid one of the pair's removals or
// renames but not the other) is removed with the leftovers, not kept as an orphan that a later
// open would read as a removed segment.
TEST(SegmentSetTest, ALeftoversHintWithoutItsSegmentIsRemovedByAWritersOpen) {
  auto mem = std::make_shared<MemFileSystem>();
  Options options;
  options.automatic_compaction = false;
  {
    Result<std::unique_ptr<Store>> store = open_store(mem, kMemDir, options);
    ASSERT_TRUE(store.is_ok());
    ASSERT_TRUE((*store)->set("k", "v").is_ok());
  }
  Result<std::optional<Manifest>> manifest = read_manifest(*mem, kMemDir);
  ASSERT_TRUE(manifest.is_ok() && manifest->has_value());
  Manifest edited = **manifest;
  const uint64_t retired_id = edited.newest_id + 1;
  edited.retired = {retired_id};
  ASSERT_TRUE(write_manifest(*mem, kMemDir, edited).is_ok());
  const std::string hint = std::string(kMemDir) + "/" + hint_file_name(retired_id);
  ASSERT_TRUE(mem->write_file(hint, "a leftover's hint").is_ok());
  {
    Result<std::unique_ptr<Store>> store = open_store(mem, kMemDir, options);
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
  }
  EXPECT_EQ(mem->file_size(hint).status().code(), StatusCode::kNotFound);
}

// A store written before manifests opens as before; its first writer's open gives it one, from
// which on a removed segment is detected.
TEST(SegmentSetTest, AStoreWithoutAManifestGetsOneFromItsFirstWriter) {
  auto mem = std::make_shared<MemFileSystem>();
  Options options;
  options.segment_bytes_max = 4096;
  options.automatic_compaction = false;
  Model model;
  {
    Result<std::unique_ptr<Store>> store = open_store(mem, kMemDir, options);
    ASSERT_TRUE(store.is_ok());
    for (int i = 0; i < 100; ++i) {
      ASSERT_TRUE((*store)->set("k" + std::to_string(i), std::string(100, 'x')).is_ok());
      model["k" + std::to_string(i)] = std::string(100, 'x');
    }
  }
  const std::string manifest_path = std::string(kMemDir) + "/" + kManifestFileName;
  ASSERT_TRUE(mem->remove(manifest_path).is_ok());
  Options read_only = options;
  read_only.read_only = true;
  {
    Result<std::unique_ptr<Store>> reader = open_store(mem, kMemDir, read_only);
    ASSERT_TRUE(reader.is_ok()) << reader.status().to_string();
    EXPECT_EQ(testing::store_contents(**reader), model);
  }
  EXPECT_FALSE(mem->file_size(manifest_path).is_ok()) << "a read-only open wrote a manifest";
  {
    Result<std::unique_ptr<Store>> writer = open_store(mem, kMemDir, options);
    ASSERT_TRUE(writer.is_ok()) << writer.status().to_string();
  }
  ASSERT_TRUE(mem->file_size(manifest_path).is_ok()) << "the writer's open wrote no manifest";
  const std::vector<uint64_t> ids = list_store_folder(*mem, kMemDir)->segment_ids;
  ASSERT_GE(ids.size(), 3u);
  ASSERT_TRUE(mem->remove(std::string(kMemDir) + "/" + segment_file_name(ids[1])).is_ok());
  Result<std::unique_ptr<Store>> refused = open_store(mem, kMemDir, options);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find(segment_file_name(ids[1])), std::string::npos)
      << refused.status().message();
}

// A repair that sets the newest segment aside lets a later roll take its id again; the close and
// synced-point markers of the old segment must not describe the new one (an unsynced rewrite of
// SYNCED can give way to its old bytes after a power loss).
TEST(SegmentSetTest, ARepairThatSetsTheNewestSegmentAsideMovesTheMarkersAside) {
  testing::TestDir dir;
  Options options;
  options.segment_bytes_max = 8192;
  options.automatic_compaction = false;
  const std::string value(500, 'v');
  {
    Result<std::unique_ptr<Store>> store = Store::open(dir.path(), options);
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    for (int i = 0; i < 40; ++i) ASSERT_TRUE((*store)->set("k" + std::to_string(i), value).is_ok());
  }
  uint64_t newest = 0;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    if (auto id = parse_segment_file_name(entry.path().filename().string())) {
      newest = std::max(newest, *id);
    }
  }
  ASSERT_GE(newest, 3u);
  ASSERT_TRUE(fs::exists(dir.file(kSyncedMarkerFileName)));
  ASSERT_TRUE(fs::exists(dir.file(kCloseMarkerFileName)));
  fs::remove(dir.file(segment_file_name(newest)));
  Result<RepairReport> repaired = repair_store(dir.path());
  ASSERT_TRUE(repaired.is_ok()) << repaired.status().to_string();
  EXPECT_FALSE(fs::exists(dir.file(kSyncedMarkerFileName)));
  EXPECT_FALSE(fs::exists(dir.file(kCloseMarkerFileName)));
  // A writer goes on and rolls into a new segment of the same id; the store stays whole.
  {
    Result<std::unique_ptr<Store>> store = Store::open(dir.path(), options);
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    for (int i = 0; !fs::exists(dir.file(segment_file_name(newest))); ++i) {
      ASSERT_LT(i, 100) << "no roll into segment " << newest;
      ASSERT_TRUE((*store)->set("n" + std::to_string(i), value).is_ok());
    }
  }
  Result<CheckReport> report = check_store(dir.path());
  ASSERT_TRUE(report.is_ok());
  EXPECT_TRUE(report->ok());
}

// The same hazard from any other source: a writer's open removes, durably, a marker that names a
// segment above the newest, so that no power loss can bring it back.
TEST(SegmentSetTest, AWritersOpenDurablyRemovesAMarkerOfAHigherSegment) {
  auto mem = std::make_shared<MemFileSystem>();
  constexpr char kStore[] = "/store";
  ASSERT_TRUE(mem->create_dirs(kStore).is_ok());
  {
    Result<std::unique_ptr<Store>> store = open_store(mem, kStore, Options{});
    ASSERT_TRUE(store.is_ok());
    ASSERT_TRUE((*store)->set("a", "1").is_ok());
  }
  const std::string marker = std::string(kStore) + "/" + kSyncedMarkerFileName;
  ASSERT_TRUE(mem->write_file(marker, encode_synced_marker({9, 5000})).is_ok());  // durable
  {
    Result<std::unique_ptr<Store>> store = open_store(mem, kStore, Options{});
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    ASSERT_TRUE((*store)->set("b", "2").is_ok());
    simulate_power_loss(*mem, testing::test_seed(), PowerLossMode::kDropUnsynced);
  }
  EXPECT_EQ(recorded_synced_bytes(*mem, kStore, 9).value(), std::nullopt)
      << "a power loss brought back a marker of a segment id a later roll takes again";
}

}  // namespace
}  // namespace logkv
