// Tests of the built `logkv` tool (its path comes from LOGKV_BIN) on store folders it cannot use:
// damaged segments and files logkv did not write are store errors, exit code 4, with one line on
// stderr naming the file, as docs/TOOL.md promises.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "logkv/store.h"
#include "tests/support/test_dir.h"
#include "tests/tools/cli_expectations.h"
#include "tests/tools/process_runner.h"
#include "wal/file_names.h"
#include "wal/record.h"
#include "wal/record_format.h"

namespace logkv::testing {
namespace {

constexpr size_t kKeyBytes = 4;  // "k000"
constexpr size_t kValueBytes = 200;
constexpr size_t kRecordBytes = kRecordHeaderBytes + kKeyBytes + kValueBytes;

class StoreErrorCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(binary_.empty()) << "LOGKV_BIN is not set; run this test with `meson test`";
    store_path_ = dir_.file("store");
  }

  // Damage to the last record of `segment` (`size` bytes): a writer's open refuses, saying `why`,
  // and changes nothing; check names the segment; repair drops the record as damage, not as a
  // torn tail, naming `lost_key`, and moves `marker` aside; the store then checks ok.
  void expect_damage_refused_reported_and_repaired(const std::string& segment, uintmax_t size,
                                                   const std::string& why,
                                                   const std::string& lost_key,
                                                   const std::string& marker) {
    ProcessResult set = logkv({"set", "c", "v"});
    EXPECT_EQ(set.exit_code, 4) << set.err;
    EXPECT_NE(set.err.find(why), std::string::npos) << set.err;
    EXPECT_EQ(std::filesystem::file_size(segment), size) << "a read or a refused open cut the file";
    ProcessResult check = logkv({"check"});
    EXPECT_EQ(check.exit_code, 1) << check.out << check.err;
    EXPECT_NE(check.out.find(segment_file_name(1)), std::string::npos) << check.out;
    ProcessResult repair = logkv({"repair"});
    EXPECT_EQ(repair.exit_code, 0) << repair.out << repair.err;
    EXPECT_NE(repair.out.find("unreadable range"), std::string::npos) << repair.out;
    EXPECT_EQ(repair.out.find("after its last complete record"), std::string::npos) << repair.out;
    EXPECT_NE(repair.out.find("lost: key '" + lost_key + "'"), std::string::npos) << repair.out;
    EXPECT_NE(repair.out.find(marker + ": move aside"), std::string::npos) << repair.out;
    EXPECT_FALSE(std::filesystem::exists(store_path_ + "/" + marker))
        << "a marker of the segment before the repair could later misjudge its end";
    EXPECT_EQ(logkv({"check"}).out, "ok\n");
  }

  // Runs `logkv --store <test store> args...` with LOGKV_STORE unset, `stdin_bytes` on its stdin.
  ProcessResult logkv(std::vector<std::string> args, std::string stdin_bytes = "") {
    args.insert(args.begin(), {"--store", store_path_});
    ProcessSpec spec{
        binary_, std::move(args), std::move(stdin_bytes), "", {{"LOGKV_STORE", std::nullopt}}};
    return run_process(spec);
  }

  // Fills a store with small segments so that several of them exist; returns how many keys.
  int write_several_segments() {
    Options options;
    options.segment_bytes_max = 4096;
    Result<std::unique_ptr<Store>> store = Store::open(store_path_, options);
    EXPECT_TRUE(store.is_ok()) << store.status().to_string();
    if (!store.is_ok()) return 0;
    constexpr int kKeys = 60;
    for (int i = 0; i < kKeys; ++i) {
      std::string key = "k" + std::string(3 - std::to_string(i).size(), '0') + std::to_string(i);
      EXPECT_EQ(key.size(), kKeyBytes);
      EXPECT_TRUE((*store)->set(key, std::string(kValueBytes, 'v')).is_ok());
    }
    EXPECT_TRUE((*store)->close().is_ok());
    return kKeys;
  }

  const std::string binary_ = required_env("LOGKV_BIN");
  TestDir dir_;
  std::string store_path_;
};

// Inverts the byte at `offset` of the file at `path`, in place.
void flip_byte(const std::string& path, std::streamoff offset) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(file.is_open()) << "cannot open " << path;
  file.seekg(offset);
  char byte = 0;
  ASSERT_TRUE(file.get(byte)) << "cannot read offset " << offset << " of " << path;
  file.seekp(offset);
  file.put(static_cast<char>(~byte));
  ASSERT_TRUE(file.flush()) << "cannot write offset " << offset << " of " << path;
}

// Segment 1 is not the newest, so it was synced in full: a bad record in it is damage, never a
// torn tail. Reads open the store read-only, which serves every intact key: a get of the damaged
// key fails naming the key, file and offset; its neighbours are still served.
TEST_F(StoreErrorCliTest, CorruptSegmentInTheMiddleExitsFourNamingTheFileAndOffset) {
  ASSERT_GT(write_several_segments(), 0);
  const std::string oldest = store_path_ + "/" + segment_file_name(1);
  ASSERT_TRUE(std::filesystem::exists(oldest));
  ASSERT_TRUE(std::filesystem::exists(store_path_ + "/" + segment_file_name(3)))
      << "the store should have at least three segments, so that segment 1 is in the middle of "
         "the log's history and not its newest segment";
  // A value byte of the second record (k001): its checksum no longer matches.
  const size_t second_record = kSegmentHeaderBytes + kRecordBytes;
  flip_byte(oldest, static_cast<std::streamoff>(second_record + kRecordHeaderBytes + kKeyBytes));

  ProcessResult get = logkv({"get", "k001"});
  EXPECT_EQ(get.exit_code, 4) << get.err;
  EXPECT_EQ(get.out, "");
  expect_one_error_line(get);
  EXPECT_NE(get.err.find("k001"), std::string::npos) << get.err;
  EXPECT_NE(get.err.find(segment_file_name(1)), std::string::npos) << get.err;
  EXPECT_NE(get.err.find("at offset " + std::to_string(second_record)), std::string::npos)
      << get.err;
  ProcessResult intact = logkv({"get", "k000"});
  EXPECT_EQ(intact.exit_code, 0) << intact.err;
  EXPECT_EQ(intact.out, std::string(kValueBytes, 'v'));
  // A writer still refuses the damaged store.
  ProcessResult set = logkv({"set", "k000", "new"});
  EXPECT_EQ(set.exit_code, 4) << set.err;
  EXPECT_NE(set.err.find("at offset " + std::to_string(second_record)), std::string::npos)
      << set.err;
}

// Issue 12, case 1, as an operator met it: a compacted segment (it has a hint file) cut to its
// header lost k1 and k2, yet `keys` printed the rest and exited 0 and `get k2` said "no such
// key". Now every command says the store is damaged and names the command that shows how.
TEST_F(StoreErrorCliTest, ACompactedSegmentCutShortIsDamageToEveryCommand) {
  // Large enough values that compaction's output gets a hint file (hint_segment_bytes_min).
  const std::string large(600 << 10, 'v');
  ASSERT_EQ(logkv({"set", "k1"}, large).exit_code, 0);
  ASSERT_EQ(logkv({"set", "k2"}, large).exit_code, 0);
  ProcessResult compact = logkv({"compact"});
  ASSERT_EQ(compact.exit_code, 0) << compact.err;
  ASSERT_EQ(logkv({"set", "k3", "v3"}).exit_code, 0);
  std::optional<uint64_t> hinted;
  for (const auto& entry : std::filesystem::directory_iterator(store_path_)) {
    if (auto id = parse_hint_file_name(entry.path().filename().string())) hinted = *id;
  }
  ASSERT_TRUE(hinted.has_value()) << "compact should have written a hint file";
  const std::string segment = segment_file_name(*hinted);
  std::filesystem::resize_file(store_path_ + "/" + segment, kSegmentHeaderBytes);

  ProcessResult keys = logkv({"keys"});
  EXPECT_EQ(keys.exit_code, 4) << keys.err;
  EXPECT_EQ(keys.out, "k3\n");
  EXPECT_NE(keys.err.find("logkv check --store"), std::string::npos) << keys.err;
  ProcessResult get = logkv({"get", "k2"});
  EXPECT_EQ(get.exit_code, 4) << get.err;
  expect_one_error_line(get);
  EXPECT_NE(get.err.find(segment), std::string::npos) << get.err;
  EXPECT_EQ(logkv({"get", "k3"}).out, "v3");
  ProcessResult set = logkv({"set", "k4", "v4"});
  EXPECT_EQ(set.exit_code, 4) << set.err;
  EXPECT_NE(set.err.find("cut short"), std::string::npos) << set.err;
  EXPECT_NE(set.err.find("logkv repair"), std::string::npos) << set.err;
  ProcessResult check = logkv({"check"});
  EXPECT_EQ(check.exit_code, 1) << check.out << check.err;
  EXPECT_NE(check.out.find(segment), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("k1"), std::string::npos) << "lost keys are named:\n" << check.out;
}

// Issue 12, case 2, as an operator met it: three commands, each closing the store cleanly, then
// one flipped byte in the file's last byte. `get a` printed the old value and exited 0, as if
// the batch had been torn by a crash. After a clean close nothing can be torn: it is damage.
TEST_F(StoreErrorCliTest, DamageToTheLastRecordAfterACleanCloseIsNotATornTail) {
  ASSERT_EQ(logkv({"set", "a", "old-a"}).exit_code, 0);
  ASSERT_EQ(logkv({"set", "b", "old-b"}).exit_code, 0);
  ProcessResult batch = logkv({"set-many"}, R"({"a":"new-a","b":"new-b"})");
  ASSERT_EQ(batch.exit_code, 0) << batch.err;
  const std::string segment = store_path_ + "/" + segment_file_name(1);
  const auto size = std::filesystem::file_size(segment);
  flip_byte(segment, static_cast<std::streamoff>(size - 1));

  ProcessResult get = logkv({"get", "a"});
  EXPECT_EQ(get.exit_code, 4) << get.out << get.err;
  EXPECT_EQ(get.out, "") << "an old value was served for a damaged newest one";
  expect_one_error_line(get);
  expect_damage_refused_reported_and_repaired(segment, size, "clean close", "b",
                                              kCloseMarkerFileName);
}

// Issue 12: the same damage after a process was killed right after its last acknowledged write
// (no clean close). The synced-point marker it left records that the write had been synced.
TEST_F(StoreErrorCliTest, DamageToTheLastSyncedRecordAfterAKillIsNotATornTail) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Result<std::unique_ptr<Store>> store = Store::open(store_path_);
    const std::vector<std::pair<std::string_view, std::string_view>> batch{{"a", "new-a"},
                                                                           {"b", "new-b"}};
    const bool written = store.is_ok() && (*store)->set("a", "old-a").is_ok() &&
                         (*store)->set("b", "old-b").is_ok() && (*store)->set_many(batch).is_ok();
    ::_exit(written ? 0 : 1);  // as a kill would: no close, nothing more written
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the writer failed";
  ASSERT_FALSE(std::filesystem::exists(store_path_ + "/CLOSED")) << "the store was closed";
  const std::string segment = store_path_ + "/" + segment_file_name(1);
  // The file may be longer: the killed writer's preallocated zeros stay.
  const auto size = std::filesystem::file_size(segment);
  const uint64_t records_end = kSegmentHeaderBytes + 4 * encoded_record_bytes(1, 5);
  ASSERT_GE(size, records_end);
  flip_byte(segment, static_cast<std::streamoff>(records_end - 1));

  ProcessResult get = logkv({"get", "a"});
  EXPECT_EQ(get.exit_code, 4) << get.out << get.err;
  EXPECT_EQ(get.out, "") << "an old value was served for a damaged newest one";
  EXPECT_NE(get.err.find(segment_file_name(1)), std::string::npos) << get.err;
  ProcessResult walk = logkv({"dump", "--all-versions"});
  EXPECT_EQ(walk.exit_code, 4) << "the log walk took the damage for a torn tail: " << walk.err;
  EXPECT_NE(walk.err.find("SYNCED"), std::string::npos) << walk.err;
  expect_damage_refused_reported_and_repaired(segment, size, "SYNCED", "a", kSyncedMarkerFileName);
  EXPECT_EQ(logkv({"get", "a"}).out, "old-a") << "the batch is lost whole, the older value stays";
}

TEST_F(StoreErrorCliTest, ForeignFileInTheStoreFolderExitsFourNamingItAndKeepsIt) {
  ASSERT_EQ(logkv({"set", "k", "v"}).exit_code, 0);
  const std::string foreign = store_path_ + "/notes.txt";
  std::ofstream(foreign) << "mine";
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"get", "k"}, std::vector<std::string>{"set", "k", "changed"}}) {
    ProcessResult result = logkv(command);
    EXPECT_EQ(result.exit_code, 4) << command[0] << ": " << result.err;
    expect_one_error_line(result);
    EXPECT_NE(result.err.find(foreign), std::string::npos) << result.err;
  }
  std::ifstream kept(foreign);
  std::string contents((std::istreambuf_iterator<char>(kept)), std::istreambuf_iterator<char>());
  EXPECT_EQ(contents, "mine");
  std::filesystem::remove(foreign);
  ProcessResult get = logkv({"get", "k"});
  EXPECT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(get.out, "v") << "the refused set must not have written anything";
}

}  // namespace
}  // namespace logkv::testing
