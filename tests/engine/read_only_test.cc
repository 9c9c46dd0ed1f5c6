// Options::read_only: no lock, no file changed, writes refused, a consistent prefix while a
// writer (another process) keeps writing, and damage that costs only the keys it holds.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "logkv/store.h"
#include "logkv/write_batch.h"
#include "tests/support/test_dir.h"

namespace logkv {
namespace {

namespace fs = std::filesystem;

Options read_only_options() {
  Options options;
  options.read_only = true;
  return options;
}

// Small segments without automatic compaction, so that a few hundred keys span many files.
Options small_segments() {
  Options options;
  options.segment_bytes_max = 4096;
  options.automatic_compaction = false;
  options.limits.keys_max = 100000;
  return options;
}

std::string value_of(int i) { return "value-" + std::to_string(i) + "-" + std::string(40, 'x'); }

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Every file of `dir` with its bytes and modification time.
std::map<std::string, std::pair<std::string, int64_t>> snapshot(const std::string& dir) {
  std::map<std::string, std::pair<std::string, int64_t>> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    struct stat info {};
    EXPECT_EQ(::stat(entry.path().c_str(), &info), 0);
    files[entry.path().filename().string()] = {
        read_bytes(entry.path().string()),
        static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec};
  }
  return files;
}

TEST(ReadOnlyTest, OpensWhileAWriterHoldsTheStoreAndSeesWhatWasAcknowledged) {
  testing::TestDir dir;
  Result<std::unique_ptr<Store>> writer = Store::open(dir.path(), small_segments());
  ASSERT_TRUE(writer.is_ok()) << writer.status().to_string();
  for (int i = 0; i < 300; ++i)
    ASSERT_TRUE((*writer)->set("k" + std::to_string(i), value_of(i)).is_ok());

  Result<std::unique_ptr<Store>> reader = Store::open(dir.path(), read_only_options());
  ASSERT_TRUE(reader.is_ok()) << reader.status().to_string();
  for (int i = 0; i < 300; ++i) {
    Result<std::optional<std::string>> got = (*reader)->get("k" + std::to_string(i));
    ASSERT_TRUE(got.is_ok()) << got.status().to_string();
    ASSERT_EQ(got->value_or("<absent>"), value_of(i));
  }
  // Writes after the open are not seen: the reader shows the log as it was at open.
  ASSERT_TRUE((*writer)->set("later", "v").is_ok());
  Result<std::optional<std::string>> later = (*reader)->get("later");
  ASSERT_TRUE(later.is_ok());
  EXPECT_FALSE(later->has_value());
  EXPECT_EQ((*reader)->stats().keys, 300u);
}

// A reader keeps the files it opened: a writer's compaction that deletes every segment the
// reader saw does not break its reads.
TEST(ReadOnlyTest, ReadsGoOnAfterACompactionDeletedTheSegmentsTheReaderOpened) {
  testing::TestDir dir;
  Result<std::unique_ptr<Store>> writer = Store::open(dir.path(), small_segments());
  ASSERT_TRUE(writer.is_ok());
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE((*writer)->set("k" + std::to_string(i % 100), value_of(i)).is_ok());
  }
  std::set<std::string> before;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    before.insert(entry.path().filename().string());
  }
  Result<std::unique_ptr<Store>> reader = Store::open(dir.path(), read_only_options());
  ASSERT_TRUE(reader.is_ok()) << reader.status().to_string();
  ASSERT_TRUE((*writer)->compact().is_ok());
  size_t gone = 0;
  for (const std::string& name : before) gone += fs::exists(dir.file(name)) ? 0 : 1;
  ASSERT_GT(gone, 0u) << "the compaction should have deleted segments the reader had open";
  for (int i = 200; i < 300; ++i) {
    Result<std::optional<std::string>> got = (*reader)->get("k" + std::to_string(i % 100));
    ASSERT_TRUE(got.is_ok()) << got.status().to_string();
    EXPECT_EQ(got->value_or("<absent>"), value_of(i));
  }
}

// A child process writes k0, k1, ... (each acknowledged before `acknowledged` counts it) with
// default options (preallocated 64 MiB segments, automatic compaction) while the parent opens
// the store read-only again and again: every open succeeds and holds every key acknowledged
// before it began.
TEST(ReadOnlyTest, EachOpenDuringAnotherProcesssWritesHoldsEveryAcknowledgedKey) {
  testing::TestDir dir;
  constexpr int kKeys = 4000;
  auto* shared = static_cast<std::atomic<int>*>(::mmap(nullptr, sizeof(std::atomic<int>) * 2,
                                                       PROT_READ | PROT_WRITE,
                                                       MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(shared, MAP_FAILED);
  std::atomic<int>& acknowledged = *new (&shared[0]) std::atomic<int>(0);
  std::atomic<int>& stop = *new (&shared[1]) std::atomic<int>(0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Options options;
    options.sync_mode = SyncMode::kNever;
    options.limits.keys_max = kKeys + 10;
    Result<std::unique_ptr<Store>> store = Store::open(dir.path(), options);
    if (!store.is_ok()) ::_exit(2);
    for (int i = 0; i < kKeys && stop.load() == 0; ++i) {
      if (!(*store)->set("k" + std::to_string(i), value_of(i)).is_ok()) ::_exit(3);
      if (!(*store)->set("hot", value_of(i)).is_ok()) ::_exit(3);  // dead bytes
      acknowledged.store(i + 1);
    }
    ::_exit((*store)->close().is_ok() ? 0 : 4);
  }
  int opens = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (opens < 30 && std::chrono::steady_clock::now() < deadline) {
    const int before = acknowledged.load();
    if (before == 0) continue;  // the child has not created the store yet
    Result<std::unique_ptr<Store>> reader = Store::open(dir.path(), read_only_options());
    ASSERT_TRUE(reader.is_ok()) << "open " << opens << ": " << reader.status().to_string();
    for (int i = 0; i < before; ++i) {
      Result<std::optional<std::string>> got = (*reader)->get("k" + std::to_string(i));
      ASSERT_TRUE(got.is_ok()) << got.status().to_string();
      ASSERT_EQ(got->value_or("<absent>"), value_of(i)) << "open " << opens << ", key k" << i;
    }
    ++opens;
  }
  stop.store(1);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "writer status " << status;
  EXPECT_GE(opens, 1) << "no read-only open happened within 60 s";
  ::munmap(shared, sizeof(std::atomic<int>) * 2);
}

TEST(ReadOnlyTest, ChangesNoFileAndLeavesATornTail) {
  testing::TestDir dir;
  {
    Options options = small_segments();
    options.hint_segment_bytes_min = 4096;
    Result<std::unique_ptr<Store>> writer = Store::open(dir.path(), options);
    ASSERT_TRUE(writer.is_ok());
    for (int i = 0; i < 200; ++i)
      ASSERT_TRUE((*writer)->set("k" + std::to_string(i % 50), value_of(i)).is_ok());
    ASSERT_TRUE((*writer)->compact().is_ok());
    ASSERT_TRUE((*writer)->set("after", "compact").is_ok());
    ASSERT_TRUE((*writer)->close().is_ok());
  }
  // A torn append at the end of the newest segment: a writer's open would cut it.
  std::string newest;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".log") && name > newest) newest = name;
  }
  ASSERT_FALSE(newest.empty());
  write_bytes(dir.file(newest), read_bytes(dir.file(newest)) + std::string("\x07torn", 5));
  const auto before = snapshot(dir.path());

  Result<std::unique_ptr<Store>> reader = Store::open(dir.path(), read_only_options());
  ASSERT_TRUE(reader.is_ok()) << reader.status().to_string();
  Result<std::optional<std::string>> after = (*reader)->get("after");
  ASSERT_TRUE(after.is_ok());
  EXPECT_EQ(after->value_or("<absent>"), "compact");
  EXPECT_EQ((*reader)->keys()->size(), 51u);
  EXPECT_FALSE((*reader)->set("x", "y").is_ok());
  EXPECT_FALSE((*reader)->compact().is_ok());
  ASSERT_TRUE((*reader)->close().is_ok());
  reader->reset();

  EXPECT_EQ(snapshot(dir.path()), before) << "a read-only open changed a file";
}

TEST(ReadOnlyTest, DoesNotCreateAMissingFolder) {
  testing::TestDir dir;
  const std::string missing = dir.file("nothing-here");
  Result<std::unique_ptr<Store>> reader = Store::open(missing, read_only_options());
  ASSERT_FALSE(reader.is_ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(missing));
}

TEST(ReadOnlyTest, RefusesEveryWrite) {
  testing::TestDir dir;
  {
    Result<std::unique_ptr<Store>> writer = Store::open(dir.path());
    ASSERT_TRUE(writer.is_ok());
    ASSERT_TRUE((*writer)->set("k", "5").is_ok());
  }
  Result<std::unique_ptr<Store>> opened = Store::open(dir.path(), read_only_options());
  ASSERT_TRUE(opened.is_ok());
  Store& store = **opened;
  auto expect_refused = [](const Status& status, const char* what) {
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << what << ": " << status.to_string();
    EXPECT_NE(status.message().find("read-only"), std::string::npos) << what;
  };
  expect_refused(store.set("k", "v"), "set");
  expect_refused(store.del("k"), "del");
  WriteBatch batch;
  batch.set("a", "b");
  expect_refused(store.write(batch), "write");
  const std::pair<std::string_view, std::string_view> pairs[] = {{"a", "b"}};
  expect_refused(store.set_many(pairs), "set_many");
  const std::string_view keys[] = {"k"};
  expect_refused(store.delete_many(keys), "delete_many");
  expect_refused(store.increment("k", 1).status(), "increment");
  Result<CasToken> token = store.cas_begin("k");
  ASSERT_TRUE(token.is_ok());
  expect_refused(store.cas_swap(*token, "v").status(), "cas_swap");
  expect_refused(store.compact(), "compact");
  Result<std::optional<std::string>> got = store.get("k");
  ASSERT_TRUE(got.is_ok());
  EXPECT_EQ(got->value_or("<absent>"), "5");
}

// Writes k0..k99 into small sealed segments and returns where k42's record starts and in which
// file (found through its value, which is unique).
std::pair<std::string, size_t> write_keys_and_find(const testing::TestDir& dir, int target) {
  {
    Result<std::unique_ptr<Store>> writer = Store::open(dir.path(), small_segments());
    EXPECT_TRUE(writer.is_ok());
    for (int i = 0; i < 100; ++i)
      EXPECT_TRUE((*writer)->set("k" + std::to_string(i), value_of(i)).is_ok());
    EXPECT_TRUE((*writer)->close().is_ok());
  }
  const std::string key = "k" + std::to_string(target);
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    const std::string bytes = read_bytes(entry.path().string());
    const size_t at = bytes.find(value_of(target));
    if (at != std::string::npos) {
      return {entry.path().filename().string(), at - key.size() - 28};  // 28: record header
    }
  }
  ADD_FAILURE() << "no file holds " << key;
  return {};
}

TEST(ReadOnlyTest, AFlippedValueByteCostsOnlyItsKeyAndTheErrorSaysWhere) {
  testing::TestDir dir;
  const auto [file, offset] = write_keys_and_find(dir, 42);
  std::string bytes = read_bytes(dir.file(file));
  bytes[offset + 28 + 3 + 5] ^= 0x20;  // a byte of k42's value
  write_bytes(dir.file(file), bytes);

  Result<std::unique_ptr<Store>> writer = Store::open(dir.path(), small_segments());
  EXPECT_EQ(writer.status().code(), StatusCode::kCorruption) << "a writer still refuses damage";

  Result<std::unique_ptr<Store>> reader = Store::open(dir.path(), read_only_options());
  ASSERT_TRUE(reader.is_ok()) << reader.status().to_string();
  for (int i = 0; i < 100; ++i) {
    Result<std::optional<std::string>> got = (*reader)->get("k" + std::to_string(i));
    if (i == 42) {
      ASSERT_EQ(got.status().code(), StatusCode::kCorruption);
      const std::string message = got.status().message();
      EXPECT_NE(message.find("k42"), std::string::npos) << message;
      EXPECT_NE(message.find(file), std::string::npos) << message;
      EXPECT_NE(message.find("offset " + std::to_string(offset)), std::string::npos) << message;
      EXPECT_EQ((*reader)->exists("k42").status().code(), StatusCode::kCorruption);
      continue;
    }
    ASSERT_TRUE(got.is_ok()) << "k" << i << ": " << got.status().to_string();
    EXPECT_EQ(got->value_or("<absent>"), value_of(i)) << "k" << i;
  }
}

TEST(ReadOnlyTest, ADamagedLengthFieldLosesOnlyTheRecordsUpToTheNextIntactOne) {
  testing::TestDir dir;
  const auto [file, offset] = write_keys_and_find(dir, 42);
  std::string bytes = read_bytes(dir.file(file));
  bytes[offset + 20 + 2] ^= 0x01;  // value_len: the record's length is no longer known
  write_bytes(dir.file(file), bytes);

  Result<std::unique_ptr<Store>> reader = Store::open(dir.path(), read_only_options());
  ASSERT_TRUE(reader.is_ok()) << reader.status().to_string();
  for (int i = 0; i < 100; ++i) {
    Result<std::optional<std::string>> got = (*reader)->get("k" + std::to_string(i));
    if (i == 42) {
      // Its key is unknown to the reader: absent (it had no older version), never wrong.
      EXPECT_TRUE(!got.is_ok() || !got->has_value());
      continue;
    }
    ASSERT_TRUE(got.is_ok()) << "k" << i << ": " << got.status().to_string();
    EXPECT_EQ(got->value_or("<absent>"), value_of(i)) << "k" << i;
  }
}

}  // namespace
}  // namespace logkv
