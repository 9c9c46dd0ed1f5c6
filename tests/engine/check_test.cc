// check_store (logkv/check.h): a clean store is ok, also while another process writes; a seeded
// sweep of byte flips and truncations over every file of a store is each reported, naming the
// file and where, and never crashes the checker.
//
// LOGKV_CHECK_FLIPS and LOGKV_CHECK_TRUNCATIONS set the sweep's counts (defaults 500 and 50;
// `./test.sh --extended` raises them). LOGKV_TEST_SEED replays a run.
#include "logkv/check.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/store_check.h"
#include "engine/store_impl.h"
#include "fs/mem_file_system.h"
#include "fs/posix_file_system.h"
#include "logkv/key_text.h"
#include "logkv/store.h"
#include "logkv/write_batch.h"
#include "tests/engine/varied_store.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/seed.h"
#include "tests/support/test_dir.h"
#include "wal/file_names.h"
#include "wal/record_format.h"
#include "wal/segment_scanner.h"
#include "wal/synced_marker.h"

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

size_t count_from_env(const char* name, size_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  return static_cast<size_t>(std::strtoull(text, nullptr, 10));
}

std::string describe(const CheckReport& report) {
  std::string text;
  for (const CheckProblem& problem : report.problems) {
    text += "  " + problem.file + " offset " + std::to_string(problem.offset) + ": " +
            problem.what + "\n";
  }
  return text;
}

struct StoreFile {
  std::string name;
  std::string bytes;
  bool is_segment = false;
  bool has_hint = false;
  bool is_newest = false;
  // Segments: the offsets at which the file may end with every record whole (a cut there is a
  // shorter but well-formed segment).
  std::set<uint64_t> clean_ends;
};

std::vector<StoreFile> load_files(const std::string& dir) {
  std::vector<StoreFile> files;
  std::set<uint64_t> hinted;
  uint64_t newest = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (auto id = parse_hint_file_name(name)) hinted.insert(*id);
    if (auto id = parse_segment_file_name(name)) newest = std::max(newest, *id);
  }
  for (const auto& entry : fs::directory_iterator(dir)) {
    StoreFile file;
    file.name = entry.path().filename().string();
    // None holds store data: damage to them changes nothing check could see (a damaged close
    // or synced-point marker only stops counting, wal/close_marker.h, wal/synced_marker.h).
    if (file.name == kLockFileName || file.name == kReserveFileName ||
        file.name == kCloseMarkerFileName || file.name == kSyncedMarkerFileName) {
      continue;
    }
    file.bytes = read_bytes(entry.path().string());
    if (auto id = parse_segment_file_name(file.name)) {
      file.is_segment = true;
      file.has_hint = hinted.contains(*id);
      file.is_newest = *id == newest;
      file.clean_ends.insert(kSegmentHeaderBytes);
      if (file.is_newest) file.clean_ends.insert(0);  // a crash while creating it
      const SegmentScan scan =
          scan_segment(file.bytes, file.name, *id, file.is_newest, [&](const ScannedRecord& r) {
            if ((r.record.flags & kRecordFlagBatchContinues) == 0) {
              file.clean_ends.insert(r.offset + r.bytes);
            }
          });
      EXPECT_TRUE(scan.status.is_ok()) << scan.status.to_string();
    }
    files.push_back(std::move(file));
  }
  std::sort(files.begin(), files.end(),
            [](const StoreFile& a, const StoreFile& b) { return a.name < b.name; });
  return files;
}

// Whether `report` names `file` at or before `offset`, where damage that reaches `offset` is
// reported (the record holding it starts there or earlier). Hint files are verified whole by
// their checksum, so any problem naming the hint file counts.
bool names_damage(const CheckReport& report, const StoreFile& file, uint64_t offset) {
  for (const CheckProblem& problem : report.problems) {
    if (problem.file != file.name) continue;
    if (!file.is_segment || problem.offset <= offset) return true;
  }
  return false;
}

TEST(CheckTest, ACleanStoreIsOk) {
  testing::TestDir dir;
  std::mt19937_64 random(testing::test_seed());
  testing::write_varied_store(dir.path(), random);
  Result<CheckReport> report = check_store(dir.path());
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_TRUE(report->ok()) << describe(*report);
  EXPECT_GT(report->hint_files, 0u) << "the store should have hint files to check";
  EXPECT_GT(report->segments, report->hint_files) << "and segments without hints";
  // The summary agrees with what a store opened on the folder says.
  Options read_only;
  read_only.read_only = true;
  Result<std::unique_ptr<Store>> store = Store::open(dir.path(), read_only);
  ASSERT_TRUE(store.is_ok());
  EXPECT_EQ(report->live_keys, (*store)->stats().keys);
  EXPECT_EQ(report->live_bytes, (*store)->stats().live_bytes);

  CheckOptions quick_options;
  quick_options.quick = true;
  Result<CheckReport> quick = check_store(dir.path(), quick_options);
  ASSERT_TRUE(quick.is_ok());
  EXPECT_TRUE(quick->ok()) << describe(*quick);
}

TEST(CheckTest, AMissingFolderIsAnErrorNotAReport) {
  testing::TestDir dir;
  Result<CheckReport> report = check_store(dir.file("absent"));
  EXPECT_EQ(report.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(dir.file("absent")));
}

TEST(CheckTest, EveryFlippedByteAndEveryTruncationIsReported) {
  testing::TestDir dir;
  std::mt19937_64 random(testing::test_seed());
  testing::write_varied_store(dir.path(), random);
  Result<CheckReport> clean = check_store(dir.path());
  ASSERT_TRUE(clean.is_ok() && clean->ok()) << "the store must start clean";
  const std::vector<StoreFile> files = load_files(dir.path());
  ASSERT_GT(files.size(), 3u);

  const size_t flips = count_from_env("LOGKV_CHECK_FLIPS", 500);
  for (size_t i = 0; i < flips; ++i) {
    const StoreFile& file = files[random() % files.size()];
    const uint64_t offset = random() % file.bytes.size();
    std::string damaged = file.bytes;
    damaged[offset] = static_cast<char>(damaged[offset] ^ (1 + random() % 255));
    write_bytes(dir.file(file.name), damaged);
    Result<CheckReport> report = check_store(dir.path());
    write_bytes(dir.file(file.name), file.bytes);
    ASSERT_TRUE(report.is_ok()) << "flip " << i << " of " << file.name << " at " << offset << ": "
                                << report.status().to_string();
    ASSERT_FALSE(report->ok()) << "flip " << i << " of " << file.name << " at " << offset
                               << " went unnoticed";
    ASSERT_TRUE(names_damage(*report, file, offset))
        << "flip " << i << " of " << file.name << " at " << offset << " reported as:\n"
        << describe(*report);
  }

  const size_t truncations = count_from_env("LOGKV_CHECK_TRUNCATIONS", 50);
  size_t undetectable = 0;
  for (size_t i = 0; i < truncations; ++i) {
    const StoreFile& file = files[random() % files.size()];
    const uint64_t length = random() % file.bytes.size();
    fs::resize_file(dir.file(file.name), length);
    Result<CheckReport> report = check_store(dir.path());
    write_bytes(dir.file(file.name), file.bytes);
    ASSERT_TRUE(report.is_ok()) << "cut of " << file.name << " to " << length << ": "
                                << report.status().to_string();
    // The newest segment cut exactly where a record (or a whole atomic batch) ends is a shorter
    // well-formed segment: a sealed one's length is recorded (MANIFEST, and its hint file), the
    // newest one's only up to what the synced-point marker names, and past that a crash may cut
    // it there (docs/FORMAT.md, "What check verifies"). Such a cut must then read as clean, not
    // as some other problem.
    const uint64_t recorded_synced =
        file.is_newest ? recorded_synced_bytes(*posix_file_system(), dir.path(),
                                               parse_segment_file_name(file.name).value())
                             .value()
                             .value_or(0)
                       : 0;
    if (file.is_newest && file.clean_ends.contains(length) && length >= recorded_synced) {
      ++undetectable;
      EXPECT_TRUE(report->ok()) << describe(*report);
      continue;
    }
    ASSERT_FALSE(report->ok()) << "cut of " << file.name << " to " << length << " went unnoticed";
    ASSERT_TRUE(names_damage(*report, file, length))
        << "cut of " << file.name << " to " << length << " reported as:\n"
        << describe(*report);
  }
  std::cout << flips << " flips and " << truncations << " truncations checked; " << undetectable
            << " cuts fell on a record boundary of the newest segment" << std::endl;
  Result<CheckReport> after = check_store(dir.path());
  ASSERT_TRUE(after.is_ok() && after->ok()) << "the files were not restored";
}

// A sealed segment cut exactly where a record ends is well-formed on its own; only its hint file
// remembers the length it had. The damage is the segment's, with the keys the cut removed.
TEST(CheckTest, AHintedSegmentCutOnARecordBoundaryIsReportedWithItsLostKeys) {
  testing::TestDir dir;
  std::mt19937_64 random(testing::test_seed());
  testing::write_varied_store(dir.path(), random);
  const std::vector<StoreFile> files = load_files(dir.path());
  const StoreFile* hinted = nullptr;
  uint64_t cut = 0;
  for (const StoreFile& file : files) {
    if (!file.is_segment || !file.has_hint || file.clean_ends.size() < 3) continue;
    hinted = &file;
    cut = *std::prev(file.clean_ends.end(), 2);  // drops the last record (or batch) only
    break;
  }
  ASSERT_NE(hinted, nullptr) << "the store should have a hinted segment of several records";
  ASSERT_LT(cut, hinted->bytes.size());
  fs::resize_file(dir.file(hinted->name), cut);

  Result<CheckReport> report = check_store(dir.path());
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  const CheckProblem* found = nullptr;
  for (const CheckProblem& problem : report->problems) {
    if (problem.file == hinted->name) found = &problem;
  }
  ASSERT_NE(found, nullptr) << "the cut segment is not named:\n" << describe(*report);
  EXPECT_EQ(found->offset, cut);
  EXPECT_NE(found->what.find("cut short"), std::string::npos) << found->what;
  // Every key listed as lost had a record past the cut.
  std::set<std::string> cut_off;
  const uint64_t id = *parse_segment_file_name(hinted->name);
  scan_segment(hinted->bytes, hinted->name, id, false, [&](const ScannedRecord& record) {
    if (record.offset + record.bytes > cut) cut_off.insert(printable_key(record.record.key));
  });
  ASSERT_FALSE(cut_off.empty());
  for (const std::string& key : found->keys) EXPECT_TRUE(cut_off.contains(key)) << key;
  fs::resize_file(dir.file(hinted->name), 0);
  write_bytes(dir.file(hinted->name), hinted->bytes);
  Result<CheckReport> restored = check_store(dir.path());
  ASSERT_TRUE(restored.is_ok() && restored->ok()) << describe(*restored);
}

// A child process writes (rolling 1 MiB preallocated segments, compacting automatically) while
// the parent checks the store again and again: a healthy store being written is always ok.
TEST(CheckTest, IsOkOnAHealthyStoreWhileAnotherProcessWrites) {
  testing::TestDir dir;
  // [0]: the parent asks the writer to stop; [1]: writes the writer has made.
  auto* shared = static_cast<std::atomic<int>*>(::mmap(nullptr, sizeof(std::atomic<int>) * 2,
                                                       PROT_READ | PROT_WRITE,
                                                       MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(shared, MAP_FAILED);
  std::atomic<int>& stop = *new (&shared[0]) std::atomic<int>(0);
  std::atomic<int>& written = *new (&shared[1]) std::atomic<int>(0);
  constexpr int kWrites = 40000;
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Options options;
    options.sync_mode = SyncMode::kNever;
    options.segment_bytes_max = 1 << 20;
    options.compaction_dead_bytes_min = 0;
    options.hint_segment_bytes_min = 64 << 10;
    Result<std::unique_ptr<Store>> store = Store::open(dir.path(), options);
    if (!store.is_ok()) ::_exit(2);
    const std::string value(2000, 'w');
    for (int i = 0; i < kWrites && stop.load() == 0; ++i) {
      WriteBatch batch;
      batch.set("key-" + std::to_string(i % 300), value);
      batch.set("other-" + std::to_string(i % 100), value.substr(0, 100));
      if (!(*store)->write(batch).is_ok()) ::_exit(3);
      if (i % 7 == 0 && !(*store)->del("other-" + std::to_string(i % 50)).is_ok()) ::_exit(3);
      written.store(i + 1);
    }
    ::_exit((*store)->close().is_ok() ? 0 : 4);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  // Checks start once the writer has rolled a few segments, and go on while it writes.
  while (written.load() < 2000 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  int checks = 0;
  int checks_during_writes = 0;
  while (checks < 100 && written.load() < kWrites && std::chrono::steady_clock::now() < deadline) {
    Result<CheckReport> report = check_store(dir.path());
    ASSERT_TRUE(report.is_ok()) << "check " << checks << ": " << report.status().to_string();
    EXPECT_TRUE(report->ok()) << "check " << checks << ":\n" << describe(*report);
    ++checks;
    if (written.load() < kWrites) ++checks_during_writes;
  }
  stop.store(1);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "writer status " << status;
  std::cout << checks << " checks, " << checks_during_writes << " of them while the writer wrote"
            << std::endl;
  EXPECT_GE(checks_during_writes, 3) << "too few checks overlapped the writes to mean anything";
  Result<CheckReport> last = check_store(dir.path());
  ASSERT_TRUE(last.is_ok());
  EXPECT_TRUE(last->ok()) << describe(*last);
  ::munmap(shared, sizeof(std::atomic<int>) * 2);
}

// A writer that syncs and records it in the synced-point marker between check's reads of the
// newest segment: check reads the marker before the segment's size, so it never sees a marker
// naming more bytes than the size it took (it once took the size first and reported a healthy
// segment as cut short, a race a writer in another process hit about once in 800 checks).
TEST(CheckTest, AWriterSyncingBetweenCheckReadsIsNeverACutShortSegment) {
  auto mem = std::make_shared<MemFileSystem>();
  constexpr char kStore[] = "/store";
  ASSERT_TRUE(mem->create_dirs(kStore).is_ok());
  Result<std::unique_ptr<Store>> writer = open_store(mem, kStore, Options{});
  ASSERT_TRUE(writer.is_ok()) << writer.status().to_string();
  ASSERT_TRUE((*writer)->set("first", "value").is_ok());
  testing::FaultFileSystem checker_fs(mem);
  int writes = 0;
  // Before each file-system call of the check, the writer appends and syncs one record.
  checker_fs.set_hook([&](testing::OperationKind, const std::string&) {
    ASSERT_TRUE((*writer)->set("k" + std::to_string(writes), std::string(100, 'v')).is_ok());
    ++writes;
  });
  Result<CheckReport> report = check_store_folder(checker_fs, kStore);
  checker_fs.set_hook({});
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_TRUE(report->ok()) << describe(*report);
  EXPECT_GT(writes, 5) << "the writer must have written between the checker's reads";
}

}  // namespace
}  // namespace logkv
