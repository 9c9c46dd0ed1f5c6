// Tests of examples/page_views, run as separate processes (path from PAGE_VIEWS_BIN) against a
// store in a temporary folder: the tutorial's curl session, and what happens to bad data.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "logkv/store.h"
#include "tests/support/test_dir.h"
#include "tests/tools/process_runner.h"

namespace logkv::testing {
namespace {

class PageViewsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(binary_.empty()) << "PAGE_VIEWS_BIN is not set; run this test with `meson test`";
  }

  ProcessResult request(const std::string& path) {
    ProcessSpec spec{binary_, {path}, "", "", {{"LOGKV_STORE", store_path_}}};
    return run_process(spec);
  }

  // The stored "app-data" value (nullopt when absent), read in this process.
  std::optional<std::string> stored() {
    Result<std::unique_ptr<Store>> store = Store::open(store_path_);
    EXPECT_TRUE(store.is_ok()) << store.status().to_string();
    if (!store.is_ok()) return std::nullopt;
    Result<std::optional<std::string>> value = (*store)->get("app-data");
    EXPECT_TRUE(value.is_ok()) << value.status().to_string();
    EXPECT_TRUE((*store)->close().is_ok());
    return value.is_ok() ? *value : std::nullopt;
  }

  void store_raw(const std::string& value) {
    Result<std::unique_ptr<Store>> store = Store::open(store_path_);
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    ASSERT_TRUE((*store)->set("app-data", value).is_ok());
    ASSERT_TRUE((*store)->close().is_ok());
  }

  const std::string binary_ = required_env("PAGE_VIEWS_BIN");
  TestDir dir_;
  const std::string store_path_ = dir_.file("default");
};

TEST_F(PageViewsTest, ThreeRequestsPrintTheTutorialsSequence) {
  ProcessResult hello = request("/hello");
  ASSERT_EQ(hello.exit_code, 0) << hello.err;
  EXPECT_EQ(hello.out, "{\"views\":1,\"previous_request\":\"\"}\n");
  ProcessResult goodbye = request("/goodbye");
  ASSERT_EQ(goodbye.exit_code, 0) << goodbye.err;
  EXPECT_EQ(goodbye.out, "{\"views\":2,\"previous_request\":\"/hello\"}\n");
  ProcessResult hi_again = request("/hi-again");
  ASSERT_EQ(hi_again.exit_code, 0) << hi_again.err;
  EXPECT_EQ(hi_again.out, "{\"views\":3,\"previous_request\":\"/goodbye\"}\n");
}

TEST_F(PageViewsTest, StoredDocumentHoldsTheCountAndTheLastRequest) {
  ASSERT_EQ(request("/hello").exit_code, 0);
  ASSERT_EQ(request("/goodbye").exit_code, 0);
  EXPECT_EQ(stored(), "{\"views\":2,\"previous_request\":\"/goodbye\"}");
}

TEST_F(PageViewsTest, ContinuesFromADocumentWrittenByAnotherProgram) {
  store_raw(" {\n \"previous_request\" : \"/from\\u002Fts\", \"views\" : 41 }\n");
  ProcessResult next = request("/next");
  ASSERT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(next.out, "{\"views\":42,\"previous_request\":\"/from/ts\"}\n");
}

TEST_F(PageViewsTest, RequestPathWithQuotesAndBackslashesIsEscapedAndReadBack) {
  const std::string tricky = "/a\"b\\c\td";
  ASSERT_EQ(request(tricky).exit_code, 0);
  EXPECT_EQ(stored(), "{\"views\":1,\"previous_request\":\"/a\\\"b\\\\c\\td\"}");
  ProcessResult next = request("/next");
  ASSERT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(next.out, "{\"views\":2,\"previous_request\":\"/a\\\"b\\\\c\\td\"}\n");
}

TEST_F(PageViewsTest, MalformedStoredJsonExitsFourAndWritesNothing) {
  const std::string malformed = "{\"views\":1,\"previous_request\":\"/x\"";  // no closing brace
  store_raw(malformed);
  ProcessResult result = request("/hello");
  EXPECT_EQ(result.exit_code, 4) << result.err;
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find("app-data"), std::string::npos) << result.err;
  EXPECT_EQ(stored(), malformed);
}

TEST_F(PageViewsTest, MissingRequestPathIsAUsageError) {
  ProcessSpec spec{binary_, {}, "", "", {{"LOGKV_STORE", store_path_}}};
  ProcessResult result = run_process(spec);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("usage"), std::string::npos) << result.err;
}

TEST_F(PageViewsTest, RequestPathThatIsNotUtf8IsRefused) {
  ProcessResult result = request("/bad\xff");
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_EQ(stored(), std::nullopt);
}

}  // namespace
}  // namespace logkv::testing
