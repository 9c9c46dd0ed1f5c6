// `logkv import-sqlite` and `logkv export-sqlite`, run as a separate process (LOGKV_BIN): a Spin
// database in, the same rows back out, limits reported with nothing written, and the one-line
// notice of a migration on first open.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/migration/spin_database.h"
#include "tests/support/seed.h"
#include "tests/support/test_dir.h"
#include "tests/tools/process_runner.h"

namespace logkv::testing {
namespace {

class MigrationCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(binary_.empty()) << "LOGKV_BIN is not set; run this test with `meson test`";
  }

  ProcessResult logkv(std::vector<std::string> args) {
    std::map<std::string, std::optional<std::string>> env;
    env.emplace("LOGKV_STORE", std::nullopt);
    return run_process(ProcessSpec{binary_, std::move(args), "", dir_.path(), std::move(env)});
  }

  const std::string binary_ = required_env("LOGKV_BIN");
  TestDir dir_;
};

TEST_F(MigrationCliTest, ImportThenExportGivesBackEveryRow) {
  const uint64_t seed = test_seed();
  SpinContents contents = sample_contents(seed, /*large_values=*/1);
  {
    SpinDatabase db(dir_.file("spin.db"));
    db.set_all(contents);
  }
  std::filesystem::create_directories(dir_.file("cfg"));
  const std::string config = dir_.file("cfg/rc.toml");
  FILE* out = std::fopen(config.c_str(), "w");
  ASSERT_NE(out, nullptr);
  std::fputs(
      "[key_value_store.sessions]\ntype = \"spin\"\npath = \"sessions\"\n"
      "[key_value_store.large]\ntype = \"spin\"\npath = \"large\"\n",
      out);
  std::fclose(out);

  ProcessResult imported =
      logkv({"--config", config, "--state-dir", "state", "import-sqlite", "spin.db"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.out.find("sessions: 1024 rows"), std::string::npos) << imported.out;
  EXPECT_NE(imported.out.find("verified"), std::string::npos) << imported.out;

  ProcessResult exported =
      logkv({"--config", config, "--state-dir", "state", "export-sqlite", "back.db"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(read_spin_rows(dir_.file("back.db")), read_spin_rows(dir_.file("spin.db")))
      << "seed " << seed;

  ProcessResult again =
      logkv({"--config", config, "--state-dir", "state", "export-sqlite", "back.db"});
  EXPECT_EQ(again.exit_code, 3) << "an existing file is replaced only with --force: " << again.err;
  ProcessResult forced =
      logkv({"--config", config, "--state-dir", "state", "export-sqlite", "back.db", "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
}

TEST_F(MigrationCliTest, RowsOverTheLimitsAreListedAndNothingIsWritten) {
  {
    SpinDatabase db(dir_.file("spin.db"));
    db.set("default", "big", std::string((1 << 20) + 5, 'x'));
    db.set("default", "small", "ok");
  }
  ProcessResult refused = logkv({"--state-dir", "state", "import-sqlite", "spin.db"});
  EXPECT_EQ(refused.exit_code, 3) << refused.err;
  EXPECT_NE(refused.err.find("'big'"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("max_value_bytes = 1048581"), std::string::npos) << refused.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.file("state/logkv/default")));

  ProcessResult raised =
      logkv({"--state-dir", "state", "import-sqlite", "spin.db", "--raise-limits"});
  EXPECT_EQ(raised.exit_code, 0) << raised.err;
  EXPECT_NE(raised.out.find("max_value_bytes = 1048581"), std::string::npos) << raised.out;
}

TEST_F(MigrationCliTest, FirstOpenOfAStateFolderWithSpinsDatabaseSaysItMigrated) {
  std::filesystem::create_directories(dir_.file(".spin"));
  {
    SpinDatabase db(dir_.file(".spin/sqlite_key_value.db"));
    db.set("default", "greeting", "hello from spin");
  }
  ProcessResult get = logkv({"get", "greeting"});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(get.out, "hello from spin");
  EXPECT_NE(get.err.find("Migrated 1 key-value pairs of 'default'"), std::string::npos) << get.err;
  ProcessResult second = logkv({"get", "greeting"});
  EXPECT_EQ(second.err, "") << "migrated once only";
}

}  // namespace
}  // namespace logkv::testing
