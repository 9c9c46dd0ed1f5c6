// `logkv check`: `ok` and exit 0 on a clean store, one line per problem and exit 1 on a damaged
// one, a JSON report with --json, exit 4 when there is no store to read. And `logkv backup`,
// whose copies check verifies.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "logkv/store.h"
#include "tests/support/test_dir.h"
#include "tests/tools/process_runner.h"

namespace logkv::testing {
namespace {

class CheckCliTest : public ::testing::Test {
 protected:
  void SetUp() override { store_path_ = dir_.file("store"); }

  ProcessResult logkv(std::vector<std::string> args) {
    args.insert(args.begin(), {"--store", store_path_});
    ProcessSpec spec{binary_, std::move(args), "", "", {{"LOGKV_STORE", std::nullopt}}};
    return run_process(spec);
  }

  // Sets k0..k(count-1) in segments of 4 KiB, so that the first segment is sealed.
  void fill(int count) {
    Options options;
    options.segment_bytes_max = 4096;
    Result<std::unique_ptr<Store>> store = Store::open(store_path_, options);
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    for (int i = 0; i < count; ++i) {
      ASSERT_TRUE((*store)->set("k" + std::to_string(i), std::string(100, 'v')).is_ok());
    }
    ASSERT_TRUE((*store)->close().is_ok());
  }

  const std::string binary_ = required_env("LOGKV_BIN");
  TestDir dir_;
  std::string store_path_;
};

TEST_F(CheckCliTest, ACleanStorePrintsExactlyOk) {
  fill(100);
  ProcessResult check = logkv({"check"});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_EQ(check.out, "ok\n");
  ProcessResult quick = logkv({"check", "--quick"});
  EXPECT_EQ(quick.exit_code, 0) << quick.err;
  EXPECT_EQ(quick.out, "ok\n");
}

TEST_F(CheckCliTest, ADamagedRecordIsOneLineNamingFileOffsetAndKey) {
  fill(100);
  // k1's record is the second of segment 1: a byte of its value.
  const std::string segment = store_path_ + "/0000000001.log";
  std::fstream file(segment, std::ios::in | std::ios::out | std::ios::binary);
  const std::streamoff second_record = 32 + 28 + 2 + 100;
  file.seekp(second_record + 28 + 2 + 50);
  file.put('X');
  file.close();

  ProcessResult check = logkv({"check"});
  EXPECT_EQ(check.exit_code, 1) << check.err;
  EXPECT_EQ(check.out.find("ok\n"), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("0000000001.log offset " + std::to_string(second_record) + ": "),
            std::string::npos)
      << check.out;
  EXPECT_NE(check.out.find("'k1'"), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("summary: "), std::string::npos) << check.out;

  ProcessResult json = logkv({"check", "--json"});
  EXPECT_EQ(json.exit_code, 1) << json.err;
  const nlohmann::json report = nlohmann::json::parse(json.out);
  EXPECT_EQ(report["ok"], false);
  ASSERT_EQ(report["problems"].size(), 1u) << json.out;
  EXPECT_EQ(report["problems"][0]["file"], "0000000001.log");
  EXPECT_EQ(report["problems"][0]["offset"], second_record);
  EXPECT_EQ(report["problems"][0]["keys"], nlohmann::json::array({"'k1'"}));
  EXPECT_EQ(report["summary"]["live_keys"], 99);

  // The damage costs k1 only: the read commands serve the rest.
  ProcessResult get = logkv({"get", "k2"});
  EXPECT_EQ(get.exit_code, 0) << get.err;
  ProcessResult damaged = logkv({"get", "k1"});
  EXPECT_EQ(damaged.exit_code, 4);
  EXPECT_NE(damaged.err.find("logkv check"), std::string::npos) << damaged.err;
}

TEST_F(CheckCliTest, NoStoreExitsFourAndCreatesNothing) {
  ProcessResult check = logkv({"check"});
  EXPECT_EQ(check.exit_code, 4);
  EXPECT_NE(check.err.find("does not exist"), std::string::npos) << check.err;
  EXPECT_FALSE(std::filesystem::exists(store_path_));
}

TEST_F(CheckCliTest, ABackupChecksOkHoldsTheKeysAndIsNeverWrittenOverAFullFolder) {
  fill(100);
  const std::string copy = dir_.file("copy");
  ProcessResult backup = logkv({"backup", copy});
  EXPECT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_NE(backup.out.find("segments: "), std::string::npos) << backup.out;
  ProcessSpec check_copy{
      binary_, {"--store", copy, "check"}, "", "", {{"LOGKV_STORE", std::nullopt}}};
  ProcessResult checked = run_process(check_copy);
  EXPECT_EQ(checked.exit_code, 0) << checked.err;
  EXPECT_EQ(checked.out, "ok\n");
  ProcessSpec get_copy{
      binary_, {"--store", copy, "get", "k99"}, "", "", {{"LOGKV_STORE", std::nullopt}}};
  EXPECT_EQ(run_process(get_copy).out, std::string(100, 'v'));

  ProcessResult again = logkv({"backup", copy});
  EXPECT_EQ(again.exit_code, 3) << again.err;
  EXPECT_NE(again.err.find("not an empty folder"), std::string::npos) << again.err;
}

TEST_F(CheckCliTest, RepairPlansWithDryRunThenFixesAndReportsTheLostKey) {
  fill(100);
  const std::string segment = store_path_ + "/0000000001.log";
  std::fstream file(segment, std::ios::in | std::ios::out | std::ios::binary);
  const std::streamoff second_record = 32 + 28 + 2 + 100;
  file.seekp(second_record + 28 + 2 + 50);
  file.put('X');
  file.close();

  ProcessResult plan = logkv({"repair", "--dry-run"});
  EXPECT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find("would 0000000001.log: rewrite"), std::string::npos) << plan.out;
  EXPECT_EQ(logkv({"check"}).exit_code, 1) << "the dry run changed the store";

  ProcessResult repair = logkv({"repair"});
  EXPECT_EQ(repair.exit_code, 0) << repair.err;
  EXPECT_NE(repair.out.find("lost: key 'k1'"), std::string::npos) << repair.out;
  EXPECT_NE(repair.out.find("now absent"), std::string::npos) << repair.out;
  EXPECT_NE(repair.out.find("check: ok\n"), std::string::npos) << repair.out;
  EXPECT_EQ(logkv({"check"}).out, "ok\n");
  EXPECT_EQ(logkv({"get", "k2"}).out, std::string(100, 'v'));
  EXPECT_EQ(logkv({"get", "k1"}).exit_code, 1);
  EXPECT_EQ(logkv({"set", "k1", "again"}).exit_code, 0) << "writers open the repaired store";
  EXPECT_EQ(logkv({"repair"}).out, "nothing to repair\n");
}

}  // namespace
}  // namespace logkv::testing
