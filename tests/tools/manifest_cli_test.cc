// Tests of the built `logkv` tool (its path comes from LOGKV_BIN) on stores whose folder no
// longer matches their MANIFEST (wal/manifest.h, wal/segment_set.h): a sealed segment cut on a
// record boundary, a sealed segment removed, and an old segment put back after compaction
// deleted it. Each of these used to read as a smaller, well-formed store; now a writer's open
// refuses it (exit 4, naming the file), `logkv check` names the file (exit 1), and `logkv repair`
// makes the store whole again.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "logkv/store.h"
#include "tests/support/test_dir.h"
#include "tests/tools/process_runner.h"
#include "tools/exit_codes.h"
#include "wal/file_names.h"
#include "wal/record_format.h"

namespace logkv::testing {
namespace {

constexpr int kStoreError = tool::to_int(tool::ExitCode::kStoreError);
// What `logkv check` exits with when it found problems.
constexpr int kCheckFoundProblems = tool::to_int(tool::ExitCode::kNotFoundOrFalse);

std::string read_bytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  EXPECT_TRUE(file.is_open()) << "cannot open " << path;
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  ASSERT_TRUE(file.is_open()) << "cannot create " << path;
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(file.flush()) << "cannot write " << path;
}

uint64_t read_le(const std::string& bytes, size_t offset, size_t width) {
  uint64_t value = 0;
  for (size_t i = 0; i < width; ++i) {
    value |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
  }
  return value;
}

// The offsets where the records of segment `bytes` start, and its end (header, then each record
// 28 + key_len + value_len bytes), as far as whole record headers go.
std::vector<size_t> record_boundaries(const std::string& bytes) {
  std::vector<size_t> boundaries;
  size_t offset = kSegmentHeaderBytes;
  boundaries.push_back(offset);
  while (offset + kRecordHeaderBytes <= bytes.size()) {
    const uint64_t value_len = read_le(bytes, offset + kRecordValueLenOffset, 4);
    const uint64_t key_len = read_le(bytes, offset + kRecordKeyLenOffset, 2);
    offset += kRecordHeaderBytes + key_len + value_len;
    if (offset > bytes.size()) break;
    boundaries.push_back(offset);
  }
  return boundaries;
}

class ManifestCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(binary_.empty()) << "LOGKV_BIN is not set; run this test with `meson test`";
    store_path_ = dir_.file("store");
  }

  // Runs `logkv --store <test store> args...` with LOGKV_STORE unset.
  ProcessResult logkv(std::vector<std::string> args) {
    args.insert(args.begin(), {"--store", store_path_});
    ProcessSpec spec{binary_, std::move(args), "", "", {{"LOGKV_STORE", std::nullopt}}};
    return run_process(spec);
  }

  // The ids of the segment files in the store folder, ascending.
  std::vector<uint64_t> segment_ids() const {
    std::vector<uint64_t> ids;
    for (const auto& entry : std::filesystem::directory_iterator(store_path_)) {
      if (auto id = parse_segment_file_name(entry.path().filename().string())) ids.push_back(*id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  std::string segment_path(uint64_t id) const { return store_path_ + "/" + segment_file_name(id); }

  const std::string binary_ = required_env("LOGKV_BIN");
  TestDir dir_;
  std::string store_path_;
};

// Issue 12, case 1, with the MANIFEST: the compaction output that holds k1 and k2, cut exactly
// where its first record ends, still scans as a whole segment, so without the manifest k2 would
// silently be gone. Now a writer refuses the store and check names the file, neither changes it,
// and repair makes the store writable again with k1 and k3 intact.
TEST_F(ManifestCliTest, ASealedSegmentCutOnARecordBoundaryIsRefusedCheckedAndRepaired) {
  ASSERT_EQ(logkv({"set", "k1", "v1"}).exit_code, 0);
  ASSERT_EQ(logkv({"set", "k2", "v2"}).exit_code, 0);
  ProcessResult compact = logkv({"compact"});
  ASSERT_EQ(compact.exit_code, 0) << compact.err;
  ASSERT_EQ(logkv({"set", "k3", "v3"}).exit_code, 0);

  // The compaction's output: the sealed segment with the highest id below the newest.
  const std::vector<uint64_t> ids = segment_ids();
  ASSERT_GE(ids.size(), 2u) << "compact should have left its output and a new active segment";
  const uint64_t compacted = ids[ids.size() - 2];
  const std::string segment = segment_file_name(compacted);
  const std::string path = segment_path(compacted);
  ASSERT_FALSE(std::filesystem::exists(store_path_ + "/" + hint_file_name(compacted)))
      << "a hint file records the segment's length by itself; this case is the one without";
  const std::string original = read_bytes(path);
  const size_t k2_at = original.find("k2v2");
  ASSERT_NE(k2_at, std::string::npos) << segment << " should hold k2";

  // Cut at 64 bytes when that is where a record ends, else where the first record ends.
  const std::vector<size_t> boundaries = record_boundaries(original);
  ASSERT_GE(boundaries.size(), 3u) << segment << " should hold k1 and k2 as whole records";
  ASSERT_EQ(boundaries.back(), original.size()) << segment << " should end on a record";
  const bool at_64 = std::find(boundaries.begin(), boundaries.end(), 64) != boundaries.end();
  const size_t cut = at_64 ? 64 : boundaries[1];
  ASSERT_GT(cut, kSegmentHeaderBytes);
  ASSERT_LT(cut, original.size());
  ASSERT_GE(k2_at, cut) << "the cut should drop k2's record";
  std::filesystem::resize_file(path, cut);
  const std::string cut_bytes = read_bytes(path);
  ASSERT_EQ(cut_bytes, original.substr(0, cut));

  ProcessResult set = logkv({"set", "x", "y"});
  EXPECT_EQ(set.exit_code, kStoreError) << set.out << set.err;
  EXPECT_NE(set.err.find(segment), std::string::npos) << set.err;
  EXPECT_NE(set.err.find("MANIFEST"), std::string::npos) << set.err;
  ProcessResult check = logkv({"check"});
  EXPECT_EQ(check.exit_code, kCheckFoundProblems) << check.out << check.err;
  EXPECT_NE(check.out.find(segment), std::string::npos) << check.out;
  EXPECT_EQ(read_bytes(path), cut_bytes) << "the refused set or check changed " << segment;

  ProcessResult repair = logkv({"repair"});
  EXPECT_EQ(repair.exit_code, 0) << repair.out << repair.err;
  ProcessResult after = logkv({"check"});
  EXPECT_EQ(after.exit_code, 0) << after.out << after.err;
  EXPECT_EQ(after.out, "ok\n");
  ProcessResult set_after = logkv({"set", "x", "y"});
  EXPECT_EQ(set_after.exit_code, 0) << set_after.err;
  ProcessResult k1 = logkv({"get", "k1"});
  EXPECT_EQ(k1.exit_code, 0) << k1.err;
  EXPECT_EQ(k1.out, "v1");
  ProcessResult k3 = logkv({"get", "k3"});
  EXPECT_EQ(k3.exit_code, 0) << k3.err;
  EXPECT_EQ(k3.out, "v3");
  ProcessResult x = logkv({"get", "x"});
  EXPECT_EQ(x.exit_code, 0) << x.err;
  EXPECT_EQ(x.out, "y");
}

// A sealed segment in the middle of the log, removed (it never had a hint file). It held the
// newest value of "k", whose older value is in segment 1: read as a smaller store, `get k` would
// print that older value. Now set refuses naming the file, get never serves the older value, and
// check names the file.
TEST_F(ManifestCliTest, ARemovedMiddleSegmentIsRefusedAndNeverServesAnOlderValue) {
  const std::string old_value = "k-old-value";
  const std::string new_value = "k-newest-value";
  {
    // The tool has no option for the segment size: small segments through Options, as the other
    // CLI tests fill their stores.
    Options options;
    options.segment_bytes_max = 4096;
    Result<std::unique_ptr<Store>> store = Store::open(store_path_, options);
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    ASSERT_TRUE((*store)->set("k", old_value).is_ok());
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE((*store)->set("a" + std::to_string(100 + i), std::string(200, 'a')).is_ok());
    }
    ASSERT_TRUE((*store)->set("k", new_value).is_ok());
    for (int i = 0; i < 40; ++i) {
      ASSERT_TRUE((*store)->set("b" + std::to_string(100 + i), std::string(200, 'b')).is_ok());
    }
    ASSERT_TRUE((*store)->close().is_ok());
  }
  const std::vector<uint64_t> ids = segment_ids();
  ASSERT_GE(ids.size(), 3u) << "the store should have at least three segments";
  std::optional<uint64_t> newest_k;
  std::optional<uint64_t> oldest_k;
  for (uint64_t id : ids) {
    const std::string bytes = read_bytes(segment_path(id));
    if (bytes.find("k" + new_value) != std::string::npos) newest_k = id;
    if (bytes.find("k" + old_value) != std::string::npos) oldest_k = id;
  }
  ASSERT_TRUE(newest_k.has_value() && oldest_k.has_value());
  ASSERT_LT(*oldest_k, *newest_k) << "the two values of k should be in different segments";
  ASSERT_GT(*newest_k, ids.front());
  ASSERT_LT(*newest_k, ids.back()) << "the removed segment should be sealed, not the newest";
  ASSERT_FALSE(std::filesystem::exists(store_path_ + "/" + hint_file_name(*newest_k)));
  const std::string segment = segment_file_name(*newest_k);
  // A key whose only record is in the removed segment (the first b key after k's new value).
  ASSERT_NE(read_bytes(segment_path(*newest_k)).find("b100"), std::string::npos);
  ASSERT_TRUE(std::filesystem::remove(segment_path(*newest_k)));

  ProcessResult set = logkv({"set", "x", "y"});
  EXPECT_EQ(set.exit_code, kStoreError) << set.out << set.err;
  EXPECT_NE(set.err.find(segment), std::string::npos) << set.err;

  // A get either fails or prints the value set last: never k's older value.
  const std::vector<std::pair<std::string, std::string>> last_values = {
      {"k", new_value}, {"b100", std::string(200, 'b')}, {"a100", std::string(200, 'a')}};
  for (const auto& [key, value] : last_values) {
    ProcessResult get = logkv({"get", key});
    if (get.exit_code == 0) {
      EXPECT_EQ(get.out, value) << "get " << key << " served another value than its newest";
    } else {
      EXPECT_EQ(get.out, "") << "get " << key << " failed (" << get.exit_code
                             << ") yet printed a value";
    }
  }
  ProcessResult get_k = logkv({"get", "k"});
  EXPECT_NE(get_k.out, old_value) << "the removed segment's newer value was silently lost";

  ProcessResult check = logkv({"check"});
  EXPECT_EQ(check.exit_code, kCheckFoundProblems) << check.out << check.err;
  EXPECT_NE(check.out.find(segment), std::string::npos) << check.out;
  EXPECT_FALSE(std::filesystem::exists(segment_path(*newest_k))) << "a command recreated it";
}

// A segment put back from an old copy after compaction deleted it: not listed in the MANIFEST,
// so it is foreign. A writer refuses the store naming it; reads never take its records (neither
// the overwritten value of k1 nor k2, deleted after the copy); repair moves it into lost+found,
// after which the store is writable.
TEST_F(ManifestCliTest, ASegmentRestoredFromAnOldCopyIsForeignAndRepairMovesItAside) {
  ASSERT_EQ(logkv({"set", "k1", "v1"}).exit_code, 0);
  ASSERT_EQ(logkv({"set", "k2", "v2"}).exit_code, 0);
  ProcessResult first_compact = logkv({"compact"});
  ASSERT_EQ(first_compact.exit_code, 0) << first_compact.err;
  std::vector<uint64_t> ids = segment_ids();
  ASSERT_GE(ids.size(), 2u);
  const uint64_t sealed = ids[ids.size() - 2];
  const std::string segment = segment_file_name(sealed);
  const std::string path = segment_path(sealed);
  const std::string old_copy = read_bytes(path);
  ASSERT_NE(old_copy.find("k1v1"), std::string::npos) << segment << " should hold k1";
  ASSERT_NE(old_copy.find("k2v2"), std::string::npos) << segment << " should hold k2";

  ASSERT_EQ(logkv({"set", "k1", "v1-new"}).exit_code, 0);
  ASSERT_EQ(logkv({"delete", "k2"}).exit_code, 0);
  ProcessResult second_compact = logkv({"compact"});
  ASSERT_EQ(second_compact.exit_code, 0) << second_compact.err;
  ASSERT_FALSE(std::filesystem::exists(path)) << "compact should have deleted " << segment;
  write_bytes(path, old_copy);

  ProcessResult set = logkv({"set", "x", "y"});
  EXPECT_EQ(set.exit_code, kStoreError) << set.out << set.err;
  EXPECT_NE(set.err.find(segment), std::string::npos) << set.err;
  ProcessResult k1 = logkv({"get", "k1"});
  EXPECT_EQ(k1.exit_code, 0) << k1.err;
  EXPECT_EQ(k1.out, "v1-new");
  ProcessResult k2 = logkv({"get", "k2"});
  EXPECT_NE(k2.out, "v2") << "the foreign segment brought a deleted value back";
  EXPECT_EQ(read_bytes(path), old_copy) << "a refused set or a read changed " << segment;

  ProcessResult repair = logkv({"repair"});
  EXPECT_EQ(repair.exit_code, 0) << repair.out << repair.err;
  EXPECT_FALSE(std::filesystem::exists(path)) << "repair should have moved " << segment;
  bool in_lost_and_found = false;
  const std::string lost_and_found = store_path_ + "/" + kLostAndFoundName;
  if (std::filesystem::exists(lost_and_found)) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(lost_and_found)) {
      if (entry.path().filename() == segment && read_bytes(entry.path().string()) == old_copy) {
        in_lost_and_found = true;
      }
    }
  }
  EXPECT_TRUE(in_lost_and_found) << segment << " should be kept in lost+found, unchanged";
  ProcessResult set_after = logkv({"set", "x", "y"});
  EXPECT_EQ(set_after.exit_code, 0) << set_after.err;
  EXPECT_EQ(logkv({"get", "x"}).out, "y");
  EXPECT_EQ(logkv({"get", "k1"}).out, "v1-new");
  EXPECT_EQ(logkv({"get", "k2"}).exit_code, 1);
}

}  // namespace
}  // namespace logkv::testing
