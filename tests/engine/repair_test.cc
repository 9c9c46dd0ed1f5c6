// repair_store (logkv/repair.h): after a seeded sample of byte flips over every file of a varied
// store, repair leaves a store that checks ok, in which every key whose records the damage did
// not touch has its value (no deleted key back), with the damaged originals in lost+found.
//
// LOGKV_REPAIR_FLIPS and LOGKV_REPAIR_TRUNCATIONS raise the counts (defaults 40 and 30).
// LOGKV_TEST_SEED replays a run.
#include "logkv/repair.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "logkv/check.h"
#include "logkv/store.h"
#include "tests/engine/varied_store.h"
#include "tests/support/seed.h"
#include "tests/support/test_dir.h"
#include "wal/file_names.h"
#include "wal/segment_scanner.h"

namespace logkv {
namespace {

namespace fs = std::filesystem;

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Every live key and its value, read through a read-only open.
std::map<std::string, std::string> contents_of(const std::string& dir) {
  Options options;
  options.read_only = true;
  Result<std::unique_ptr<Store>> store = Store::open(dir, options);
  EXPECT_TRUE(store.is_ok()) << store.status().to_string();
  std::map<std::string, std::string> contents;
  if (!store.is_ok()) return contents;
  Result<std::vector<std::string>> keys = (*store)->keys();
  EXPECT_TRUE(keys.is_ok()) << keys.status().to_string();
  if (!keys.is_ok()) return contents;
  for (const std::string& key : *keys) {
    Result<std::optional<std::string>> value = (*store)->get(key);
    EXPECT_TRUE(value.is_ok()) << value.status().to_string();
    if (value.is_ok() && value->has_value()) contents[key] = **value;
  }
  return contents;
}

// Segment name -> the (offset, key) of each of its records.
using RecordPlaces = std::map<std::string, std::vector<std::pair<uint64_t, std::string>>>;

RecordPlaces record_places(const std::string& dir) {
  RecordPlaces places;
  uint64_t newest = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (auto id = parse_segment_file_name(entry.path().filename().string())) {
      newest = std::max(newest, *id);
    }
  }
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    const std::optional<uint64_t> id = parse_segment_file_name(name);
    if (!id) continue;
    const std::string bytes = read_bytes(entry.path().string());
    (void)scan_segment(bytes, name, *id, *id == newest, [&](const ScannedRecord& record) {
      places[name].emplace_back(record.offset, std::string(record.record.key));
    });
  }
  return places;
}

// Whether `key` had a record of `file` inside a range repair says it dropped.
bool dropped_by_repair(const RepairReport& report, const RecordPlaces& places,
                       const std::string& file, const std::string& key) {
  auto it = places.find(file);
  if (it == places.end()) return false;
  for (const auto& [offset, record_key] : it->second) {
    if (record_key != key) continue;
    for (const RepairReport::DroppedRange& range : report.dropped) {
      if (range.file == file && range.start <= offset && offset < range.end) return true;
    }
  }
  return false;
}

// Whether `key` had a record of `file` past `length`, where a cut removed it.
bool cut_off(const RecordPlaces& places, const std::string& file, uint64_t length,
             const std::string& key) {
  auto it = places.find(file);
  if (it == places.end()) return false;
  for (const auto& [offset, record_key] : it->second) {
    if (record_key == key && offset + 1 > length) return true;
  }
  return false;
}

void copy_folder(const std::string& from, const std::string& to) {
  fs::create_directories(to);
  for (const auto& entry : fs::directory_iterator(from)) {
    fs::copy_file(entry.path(), fs::path(to) / entry.path().filename());
  }
}

class RepairTest : public ::testing::Test {
 protected:
  void SetUp() override {
    random_.seed(testing::test_seed());
    testing::write_varied_store(pristine_dir(), random_);
    pristine_ = contents_of(pristine_dir());
    places_ = record_places(pristine_dir());
    for (const auto& entry : fs::directory_iterator(pristine_dir())) {
      const std::string name = entry.path().filename().string();
      // None of these holds store data (a flipped close or synced-point marker only stops
      // counting).
      if (name != kLockFileName && name != kReserveFileName && name != kCloseMarkerFileName &&
          name != kSyncedMarkerFileName) {
        files_.push_back(name);
      }
    }
    std::sort(files_.begin(), files_.end());
  }

  std::string pristine_dir() const { return pristine_folder_.file("store"); }

  // A fresh copy of the pristine store with one byte of `file` flipped at `offset`.
  std::string damaged_copy(const testing::TestDir& work, const std::string& file, uint64_t offset,
                           char mask) {
    const std::string dir = work.file("store");
    copy_folder(pristine_dir(), dir);
    std::string bytes = read_bytes(dir + "/" + file);
    bytes[offset] = static_cast<char>(bytes[offset] ^ mask);
    write_bytes(dir + "/" + file, bytes);
    return dir;
  }

  std::mt19937_64 random_;
  testing::TestDir pristine_folder_;
  std::map<std::string, std::string> pristine_;
  RecordPlaces places_;
  std::vector<std::string> files_;
};

TEST_F(RepairTest, AfterEachFlipTheStoreChecksOkAndKeepsEveryUntouchedKey) {
  const char* count_text = std::getenv("LOGKV_REPAIR_FLIPS");
  const size_t flips = count_text != nullptr && *count_text != '\0'
                           ? static_cast<size_t>(std::strtoull(count_text, nullptr, 10))
                           : 40;
  for (size_t i = 0; i < flips; ++i) {
    const std::string& file = files_[random_() % files_.size()];
    const std::string original = read_bytes(pristine_dir() + "/" + file);
    const uint64_t offset = random_() % original.size();
    testing::TestDir work;
    const std::string dir =
        damaged_copy(work, file, offset, static_cast<char>(1 + random_() % 255));
    const std::string damaged = read_bytes(dir + "/" + file);
    const std::string where =
        "flip " + std::to_string(i) + " of " + file + " at " + std::to_string(offset);

    Result<RepairReport> report = repair_store(dir);
    ASSERT_TRUE(report.is_ok()) << where << ": " << report.status().to_string();
    ASSERT_FALSE(report->actions.empty()) << where << ": repair found nothing to do";
    Result<CheckReport> checked = check_store(dir);
    ASSERT_TRUE(checked.is_ok()) << where;
    ASSERT_TRUE(checked->ok()) << where << ": after repair: " << checked->problems[0].file
                               << " offset " << checked->problems[0].offset << ": "
                               << checked->problems[0].what;
    // The damaged original is kept.
    const std::string kept = dir + "/" + report->lost_and_found + "/" + file;
    ASSERT_TRUE(fs::exists(kept)) << where << ": no " << kept;
    EXPECT_EQ(read_bytes(kept), damaged) << where;

    const std::map<std::string, std::string> now = contents_of(dir);
    for (const auto& [key, value] : pristine_) {
      auto it = now.find(key);
      if (it != now.end() && it->second == value) continue;
      EXPECT_TRUE(dropped_by_repair(*report, places_, file, key))
          << where << ": key " << key << " lost or changed, but none of its records was dropped";
    }
    for (const auto& [key, value] : now) {
      if (pristine_.contains(key)) continue;
      EXPECT_TRUE(dropped_by_repair(*report, places_, file, key))
          << where << ": key " << key << " is back, but none of its records was dropped";
    }
    // A second repair has nothing left to do.
    Result<RepairReport> again = repair_store(dir);
    ASSERT_TRUE(again.is_ok());
    EXPECT_TRUE(again->actions.empty()) << where << ": " << again->actions[0];
  }
}

// Cuts over every file: after repair the store checks ok and every key none of whose records
// was cut keeps its value. A segment without a hint file cut exactly at a record boundary is a
// well-formed shorter segment that nothing can tell from the original (docs/FORMAT.md, "What
// check verifies"): such cuts are counted, not repaired.
TEST_F(RepairTest, AfterEachTruncationTheStoreChecksOkAndKeepsEveryUntouchedKey) {
  const char* count_text = std::getenv("LOGKV_REPAIR_TRUNCATIONS");
  const size_t cuts = count_text != nullptr && *count_text != '\0'
                          ? static_cast<size_t>(std::strtoull(count_text, nullptr, 10))
                          : 30;
  size_t undetectable = 0;
  for (size_t i = 0; i < cuts; ++i) {
    const std::string& file = files_[random_() % files_.size()];
    const std::string original = read_bytes(pristine_dir() + "/" + file);
    const uint64_t length = random_() % original.size();
    testing::TestDir work;
    const std::string dir = work.file("store");
    copy_folder(pristine_dir(), dir);
    fs::resize_file(dir + "/" + file, length);
    const std::string where = "cut of " + file + " to " + std::to_string(length);

    Result<RepairReport> report = repair_store(dir);
    ASSERT_TRUE(report.is_ok()) << where << ": " << report.status().to_string();
    if (report->actions.empty()) {
      ++undetectable;
      continue;
    }
    Result<CheckReport> checked = check_store(dir);
    ASSERT_TRUE(checked.is_ok()) << where;
    ASSERT_TRUE(checked->ok()) << where << ": after repair: " << checked->problems[0].file
                               << " offset " << checked->problems[0].offset << ": "
                               << checked->problems[0].what;
    const std::map<std::string, std::string> now = contents_of(dir);
    for (const auto& [key, value] : pristine_) {
      auto it = now.find(key);
      if (it != now.end() && it->second == value) continue;
      EXPECT_TRUE(dropped_by_repair(*report, places_, file, key) ||
                  cut_off(places_, file, length, key))
          << where << ": key " << key << " lost or changed, but none of its records was dropped";
    }
    for (const auto& [key, value] : now) {
      if (pristine_.contains(key)) continue;
      EXPECT_TRUE(dropped_by_repair(*report, places_, file, key) ||
                  cut_off(places_, file, length, key))
          << where << ": key " << key << " is back, but none of its records was dropped";
    }
  }
  std::cout << cuts << " cuts, " << undetectable << " of them undetectable by design" << std::endl;
}

TEST_F(RepairTest, DryRunChangesNothing) {
  testing::TestDir work;
  // A value byte in the middle of the first segment.
  const std::string dir =
      damaged_copy(work, files_[0], read_bytes(pristine_dir() + "/" + files_[0]).size() / 2, 0x40);
  std::map<std::string, std::string> before;
  for (const auto& entry : fs::directory_iterator(dir)) {
    before[entry.path().filename().string()] = read_bytes(entry.path().string());
  }
  RepairOptions options;
  options.dry_run = true;
  Result<RepairReport> report = repair_store(dir, options);
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_FALSE(report->actions.empty());
  EXPECT_TRUE(report->lost_and_found.empty());
  std::map<std::string, std::string> after;
  for (const auto& entry : fs::directory_iterator(dir)) {
    after[entry.path().filename().string()] = read_bytes(entry.path().string());
  }
  EXPECT_EQ(after, before);
}

TEST_F(RepairTest, TellsItsProgressUpToTheBytesOfEverySegment) {
  testing::TestDir work;
  const std::string dir =
      damaged_copy(work, files_[0], read_bytes(pristine_dir() + "/" + files_[0]).size() / 2, 0x40);
  uint64_t segment_bytes = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".log") segment_bytes += entry.file_size();
  }
  std::vector<std::pair<uint64_t, uint64_t>> told;  // done, total
  RepairOptions options;
  options.progress = [&told](uint64_t done, uint64_t total) { told.emplace_back(done, total); };
  Result<RepairReport> report = repair_store(dir, options);
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  ASSERT_GE(told.size(), 2u) << "told per segment read";
  for (size_t i = 0; i < told.size(); ++i) {
    EXPECT_EQ(told[i].second, segment_bytes) << "call " << i;
    if (i > 0) {
      EXPECT_GT(told[i].first, told[i - 1].first) << "call " << i;
    }
  }
  EXPECT_EQ(told.back().first, segment_bytes);
}

TEST_F(RepairTest, RefusesWhileAWriterHoldsTheStore) {
  Result<std::unique_ptr<Store>> writer = Store::open(pristine_dir());
  ASSERT_TRUE(writer.is_ok());
  Result<RepairReport> report = repair_store(pristine_dir());
  EXPECT_EQ(report.status().code(), StatusCode::kLocked) << report.status().to_string();
}

}  // namespace
}  // namespace logkv
