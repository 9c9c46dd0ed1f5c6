// Corruption sweeps: a store of several segments is written once; then, for each of many seeded
// positions over all its files, one byte of one file is flipped in a fresh copy of the store and
// the store is opened. Open must never crash or hang, and the outcome is exactly what
// docs/TESTING.md ("Corruption sweep") promises:
//   - a flip in the records of the last write (the last commit group) of the newest segment
//     cannot be told from a torn write: open succeeds without that write (all of it, for a
//     batch) and everything before it is intact;
//   - a flip anywhere else fails the open with kCorruption naming the file and, for a record,
//     the offset where the damaged record starts; for a segment header, naming the header.
//     A failed open changes no file.
//   - a flip in any other file (a hint file) is ignored: open succeeds with all the data.
// The sweeps stand for a crash after the last write (no close marker); after a clean close, a
// flip in the last write is corruption like any other (AfterACleanClose...).
//
// LOGKV_CORRUPTION_POSITIONS sets the number of random positions (default 2,000); every header
// byte of every segment is flipped as well. LOGKV_TEST_SEED replays a run.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/store_impl.h"
#include "fs/mem_file_system.h"
#include "tests/crash/crash_env.h"
#include "tests/crash/workload.h"
#include "tests/support/seed.h"
#include "wal/file_names.h"
#include "wal/record_format.h"
#include "wal/segment_scanner.h"
#include "wal/synced_marker.h"

namespace logkv::crash {
namespace {

constexpr char kDir[] = "/store";

// A store's files, by name.
using StoreImage = std::map<std::string, std::string>;

struct RecordSpan {
  uint64_t offset;
  uint64_t bytes;
};

struct SegmentLayout {
  std::string name;
  std::vector<RecordSpan> records;
  uint64_t last_synced_offset = 0;  // of the segment's last record
};

Options sweep_options() {
  Options options;
  options.segment_bytes_max = 4096;
  run_in_foreground(&options);  // the store's files change only when the test writes
  return options;
}

std::shared_ptr<MemFileSystem> load_image(const StoreImage& image) {
  auto mem = std::make_shared<MemFileSystem>();
  EXPECT_TRUE(mem->create_dirs(kDir).is_ok());
  for (const auto& [name, bytes] : image) {
    EXPECT_TRUE(mem->write_file(join_path(kDir, name), bytes).is_ok());
  }
  return mem;
}

StoreImage save_image(MemFileSystem& mem) {
  StoreImage image;
  for (const std::string& name : mem.list_dir(kDir).value()) {
    image[name] = mem.read_file(join_path(kDir, name)).value();
  }
  return image;
}

class CorruptionSweepTest : public ::testing::Test {
 protected:
  // Writes the store: a seeded workload of writes, then one final batch (the last commit
  // group), and records the model before and after that batch.
  void SetUp() override {
    seed_ = testing::test_seed();
    auto mem = std::make_shared<MemFileSystem>();
    {
      auto store = open_store(mem, kDir, sweep_options()).value();
      Workload workload(seed_, write_only_shape());
      for (int i = 0; i < 160; ++i) {
        const Op op = workload.next();
        ASSERT_TRUE(apply_to_store(op, model_, *store).is_ok()) << describe(op);
        apply_to_model(op, &model_);
      }
      model_before_last_write_ = model_;
      WriteBatch last;
      last.set("last-a", "the final batch");
      last.set("last-b", std::string(700, 'b'));  // crosses a 512-byte sector
      last.del(model_.begin()->first);
      ASSERT_TRUE(store->write(last).is_ok());
      model_.erase(model_.begin()->first);
      model_["last-a"] = "the final batch";
      model_["last-b"] = std::string(700, 'b');
      ASSERT_TRUE(store->close().is_ok());
    }
    image_ = save_image(*mem);
    // The sweeps below stand for a crash right after the last write: the files are the same,
    // but no clean close recorded where the log ends (wal/close_marker.h), so the last write
    // may be torn. CloseMarkerMakesTheLastWriteSynced puts the marker back.
    ASSERT_EQ(image_.count(kCloseMarkerFileName), 1u) << "close() should leave a close marker";
    close_marker_ = image_[kCloseMarkerFileName];
    image_.erase(kCloseMarkerFileName);
    for (const auto& [name, bytes] : image_) {
      if (!bytes.empty()) files_.push_back(name);
      const std::optional<uint64_t> id = parse_segment_file_name(name);
      if (!id) continue;
      SegmentLayout layout{name, {}, 0};
      const SegmentScan scan = scan_segment(bytes, name, *id, true, [&](const ScannedRecord& r) {
        layout.records.push_back({r.offset, r.bytes});
        layout.last_synced_offset = r.record.synced_offset;
      });
      ASSERT_TRUE(scan.status.is_ok() && !scan.torn_tail) << name;
      segments_.push_back(std::move(layout));
    }
    ASSERT_GE(segments_.size(), 5u) << "the sweep needs a store of several segments";
    // Nor had the synced-point marker recorded the last write's sync yet (wal/synced_marker.h):
    // it names what was synced before it. SyncedMarkerMakesTheLastWriteDurable puts it back.
    ASSERT_EQ(image_.count(kSyncedMarkerFileName), 1u) << "the writer should keep a marker";
    synced_marker_ = image_[kSyncedMarkerFileName];
    const SegmentLayout& newest = segments_.back();
    image_[kSyncedMarkerFileName] = encode_synced_marker(
        {parse_segment_file_name(newest.name).value(), newest.last_synced_offset});
  }

  // Flips bytes of the last write in `image`, whose markers say that it was synced: each flip
  // must be corruption naming the file, and change no file.
  void expect_flips_in_the_last_write_are_corruption(const StoreImage& image) {
    std::mt19937_64 random(seed_);
    const SegmentLayout& layout = segments_.back();
    {
      Result<std::unique_ptr<Store>> intact = open_store(load_image(image), kDir, sweep_options());
      ASSERT_TRUE(intact.is_ok()) << intact.status().to_string();
      const Result<Model> recovered = read_all(**intact);
      ASSERT_TRUE(recovered.is_ok() && *recovered == model_) << "the marker changed what is read";
    }
    const uint64_t begin = layout.last_synced_offset;
    const uint64_t end = image.at(layout.name).size();
    uint64_t flipped = 0;
    for (uint64_t position = begin; position < end; position += 1 + random() % 7) {
      StoreImage damaged = image;
      damaged[layout.name][position] ^= static_cast<char>(1 + random() % 255);
      auto mem = load_image(damaged);
      Result<std::unique_ptr<Store>> opened = open_store(mem, kDir, sweep_options());
      ASSERT_FALSE(opened.is_ok())
          << layout.name << " byte " << position << ": read as a torn write although it was synced";
      EXPECT_EQ(opened.status().code(), StatusCode::kCorruption) << opened.status().to_string();
      EXPECT_NE(opened.status().message().find(layout.name), std::string::npos)
          << opened.status().message();
      EXPECT_EQ(save_image(*mem), damaged) << "a failed open changed the files";
      ++flipped;
    }
    std::cout << "last-write bytes flipped: " << flipped << std::endl;
  }

  // Flips byte `position` of file `name` with `mask` in a copy of the store, opens it and checks
  // the outcome. Returns a description of what is wrong, or "".
  std::string flip_and_open(const std::string& name, uint64_t position, uint8_t mask) {
    const auto segment_of_name = std::find_if(
        segments_.begin(), segments_.end(), [&](const SegmentLayout& s) { return s.name == name; });
    if (segment_of_name == segments_.end()) return flip_other_file(name, position, mask);
    const auto segment = static_cast<size_t>(segment_of_name - segments_.begin());
    const SegmentLayout& layout = segments_[segment];
    const bool newest = segment + 1 == segments_.size();
    StoreImage damaged = image_;
    damaged[layout.name][position] ^= static_cast<char>(mask);
    auto mem = load_image(damaged);
    Result<std::unique_ptr<Store>> opened = open_store(mem, kDir, sweep_options());
    const std::string where = layout.name + " byte " + std::to_string(position) + " ^ " +
                              std::to_string(mask) + (newest ? " (newest segment)" : "");

    const auto record = std::find_if(layout.records.begin(), layout.records.end(), [&](auto& r) {
      return position >= r.offset && position < r.offset + r.bytes;
    });
    const bool in_last_write =
        newest && position >= layout.last_synced_offset && position >= kSegmentHeaderBytes;
    if (in_last_write) {
      if (!opened.is_ok())
        return where + ": torn last write refused: " + opened.status().to_string();
      const Result<Model> recovered = read_all(**opened);
      if (!recovered.is_ok() || *recovered != model_before_last_write_) {
        return where + ": the store does not hold exactly the data before the last write";
      }
      const uint64_t torn = damaged[layout.name].size() - layout.last_synced_offset;
      if ((*opened)->stats().torn_bytes_dropped != torn) return where + ": wrong torn byte count";
      return {};
    }
    if (opened.is_ok()) return where + ": damage to synced data was not reported";
    const Status& status = opened.status();
    if (status.code() != StatusCode::kCorruption) return where + ": " + status.to_string();
    if (status.message().find(layout.name) == std::string::npos) {
      return where + ": the error does not name the file: " + status.message();
    }
    if (position < kSegmentHeaderBytes) {
      const bool names_header = status.message().find("segment header") != std::string::npos ||
                                status.message().find("at offset 0;") != std::string::npos;
      if (!names_header) return where + ": the error does not name the header: " + status.message();
    } else if (record == layout.records.end() ||
               status.message().find("at offset " + std::to_string(record->offset) + ";") ==
                   std::string::npos) {
      return where + ": the error does not name the damaged record's offset: " + status.message();
    }
    if (save_image(*mem) != damaged) return where + ": a failed open changed the files";
    return {};
  }

  // A hint file (which compaction writes) only speeds up open: a damaged one is ignored, and the
  // store opens with all its data. A damaged manifest leaves the set of segments unknown: a
  // writer's open refuses the store naming it, changing nothing, and a read-only open serves
  // every key.
  std::string flip_other_file(const std::string& name, uint64_t position, uint8_t mask) {
    StoreImage damaged = image_;
    damaged[name][position] ^= static_cast<char>(mask);
    auto mem = load_image(damaged);
    Result<std::unique_ptr<Store>> opened = open_store(mem, kDir, sweep_options());
    const std::string where = name + " byte " + std::to_string(position);
    if (name == kManifestFileName) {
      if (opened.is_ok()) return where + ": a damaged manifest was not reported";
      if (opened.status().code() != StatusCode::kCorruption ||
          opened.status().message().find(kManifestFileName) == std::string::npos) {
        return where + ": the error does not name the manifest: " + opened.status().to_string();
      }
      if (save_image(*mem) != damaged) return where + ": a failed open changed the files";
      Options read_only = sweep_options();
      read_only.read_only = true;
      opened = open_store(mem, kDir, read_only);
    }
    if (!opened.is_ok()) return where + ": open failed: " + opened.status().to_string();
    const Result<Model> recovered = read_all(**opened);
    if (!recovered.is_ok() || *recovered != model_) return where + ": the data changed";
    return {};
  }

  uint64_t seed_ = 0;
  std::string close_marker_;
  std::string synced_marker_;  // as the writer left it: naming the whole log
  Model model_;
  Model model_before_last_write_;
  StoreImage image_;
  std::vector<SegmentLayout> segments_;  // ascending ids; the last is the newest
  std::vector<std::string> files_;       // every file of the store that is not empty
};

TEST_F(CorruptionSweepTest, ByteFlipAtRandomPositionsIsReportedOrTornTail) {
  const uint64_t positions = env_count("LOGKV_CORRUPTION_POSITIONS", 2000);
  std::vector<uint64_t> ends;  // cumulative sizes, to draw positions uniformly over all bytes
  uint64_t total = 0;
  for (const std::string& name : files_) ends.push_back(total += image_[name].size());
  std::mt19937_64 random(seed_);
  uint64_t torn = 0;
  for (uint64_t i = 0; i < positions; ++i) {
    const uint64_t global = random() % total;
    const size_t file = std::upper_bound(ends.begin(), ends.end(), global) - ends.begin();
    const uint64_t position = global - (file == 0 ? 0 : ends[file - 1]);
    const auto mask = static_cast<uint8_t>(1 + random() % 255);
    ASSERT_EQ(flip_and_open(files_[file], position, mask), "") << "position " << i;
    torn +=
        files_[file] == segments_.back().name && position >= segments_.back().last_synced_offset;
  }
  std::cout << "positions flipped: " << positions << " over " << files_.size() << " files ("
            << total << " bytes); " << torn << " fell in the last write" << std::endl;
  ::testing::Test::RecordProperty("positions", std::to_string(positions));
}

TEST_F(CorruptionSweepTest, ByteFlipInEverySegmentHeaderByteIsReported) {
  std::mt19937_64 random(seed_);
  for (size_t segment = 0; segment < segments_.size(); ++segment) {
    for (uint64_t position = 0; position < kSegmentHeaderBytes; ++position) {
      const auto mask = static_cast<uint8_t>(1 + random() % 255);
      ASSERT_EQ(flip_and_open(segments_[segment].name, position, mask), "");
    }
  }
  std::cout << "header bytes flipped: " << segments_.size() * kSegmentHeaderBytes << std::endl;
}

TEST_F(CorruptionSweepTest, ByteFlipInEveryByteOfTheLastWriteIsATornTail) {
  std::mt19937_64 random(seed_);
  const size_t newest = segments_.size() - 1;
  const uint64_t begin = segments_[newest].last_synced_offset;
  const uint64_t end = image_[segments_[newest].name].size();
  ASSERT_GT(end - begin, 700u) << "the last write is the final batch";
  for (uint64_t position = begin; position < end; ++position) {
    const auto mask = static_cast<uint8_t>(1 + random() % 255);
    ASSERT_EQ(flip_and_open(segments_[newest].name, position, mask), "");
  }
  std::cout << "last-write bytes flipped: " << end - begin << std::endl;
}

// After a clean close nothing can be torn: the same flips in the last write are corruption,
// naming the file and the damaged record's offset, and change no file.
TEST_F(CorruptionSweepTest, AfterACleanCloseAFlipInTheLastWriteIsCorruption) {
  StoreImage closed = image_;
  closed[kCloseMarkerFileName] = close_marker_;
  expect_flips_in_the_last_write_are_corruption(closed);
}

// Nor after a crash once the synced-point marker recorded the last write's sync (issue 12: the
// last synced group has no later record to prove it durable).
TEST_F(CorruptionSweepTest, SyncedMarkerMakesTheLastWriteDurable) {
  StoreImage crashed = image_;
  crashed[kSyncedMarkerFileName] = synced_marker_;
  expect_flips_in_the_last_write_are_corruption(crashed);
}

}  // namespace
}  // namespace logkv::crash
