// `logkv compact` and the compaction lines of `logkv stats`, through the tool's command library.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "logkv/store.h"
#include "tests/support/test_dir.h"
#include "tools/kv_commands.h"

namespace logkv {
namespace {

class CompactCommandTest : public ::testing::Test {
 protected:
  tool::ExitCode run(tool::ExitCode (*command)(const tool::StoreSelection&, tool::CommandIo&)) {
    out_.str("");
    err_.str("");
    tool::CommandIo io{in_, out_, err_};
    return command(selection_, io);
  }

  testing::TestDir dir_;
  tool::StoreSelection selection_ = [this] {
    tool::StoreSelection selection;
    selection.path = dir_.path() + "/store";
    return selection;
  }();
  std::istringstream in_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(CompactCommandTest, CompactPrintsSizesAndShrinksTheStore) {
  {
    auto store = std::move(Store::open(selection_.path)).value();
    for (int i = 0; i < 200; ++i) ASSERT_TRUE(store->set("k" + std::to_string(i % 4), "v").is_ok());
  }
  ASSERT_EQ(run(tool::run_compact), tool::ExitCode::kSuccess) << err_.str();
  const std::string printed = out_.str();
  EXPECT_NE(printed.find("disk_bytes_before: "), std::string::npos) << printed;
  EXPECT_NE(printed.find("disk_bytes_after: "), std::string::npos) << printed;
  EXPECT_NE(printed.find("live_bytes: 124\n"), std::string::npos) << printed;  // 4 x 31 bytes
  auto store = std::move(Store::open(selection_.path)).value();
  EXPECT_LT(store->stats().disk_bytes, 200u);
  EXPECT_EQ(store->get("k3").value(), "v");
}

TEST_F(CompactCommandTest, CompactOfAMissingStoreFailsWithoutCreatingIt) {
  EXPECT_NE(run(tool::run_compact), tool::ExitCode::kSuccess);
  EXPECT_NE(err_.str().find("logkv: compact: "), std::string::npos) << err_.str();
  EXPECT_FALSE(Store::open(selection_.path,
                           [] {
                             Options options;
                             options.create_if_missing = false;
                             return options;
                           }())
                   .is_ok());
}

TEST_F(CompactCommandTest, StatsPrintsTheCompactionCounters) {
  {
    auto store = std::move(Store::open(selection_.path)).value();
    ASSERT_TRUE(store->set("k", "v").is_ok());
  }
  ASSERT_EQ(run(tool::run_stats), tool::ExitCode::kSuccess) << err_.str();
  const std::string printed = out_.str();
  for (const char* field :
       {"dead_bytes: ", "user_bytes_written: ", "compactions: 0\n",
        "compaction_bytes_written: ", "hint_bytes_written: ", "compaction_failures: 0\n",
        "last_compaction_unix_ms: ", "hint_files_loaded: ", "hint_files_rejected: 0\n",
        "compaction_write_amplification: "}) {
    EXPECT_NE(printed.find(field), std::string::npos) << field << " missing in\n" << printed;
  }
}

}  // namespace
}  // namespace logkv
