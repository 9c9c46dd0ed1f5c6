// Tests of serve's request-to-store mapping (tools/serve_routes.h) on an in-memory store, without
// sockets: which key a path names, the status of every answer, and the reasons in the bodies.
#include "tools/serve_routes.h"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "logkv/store.h"

namespace logkv::tool {
namespace {

class ServeRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Options options;
    options.in_memory = true;
    options.limits.keys_max = 3;
    options.limits.key_bytes_max = 16;
    Result<std::unique_ptr<Store>> opened = Store::open("serve-routes", options);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store_ = std::move(opened).value();
  }

  ServeReply send(std::string_view method, std::string_view path, std::string_view body = "") {
    ServeRequest request{method, path, body, {}, {}, {}};
    return handle_request(*store_, request);
  }

  std::unique_ptr<Store> store_;
};

TEST_F(ServeRoutesTest, PostStoresTheBodyUnderTheWholePath) {
  EXPECT_EQ(send("POST", "/hello", "world").status, 200);
  Result<std::optional<std::string>> stored = store_->get("/hello");
  ASSERT_TRUE(stored.is_ok());
  EXPECT_EQ(*stored, std::optional<std::string>("world"));
  ServeReply got = send("GET", "/hello");
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body, "world");
}

TEST_F(ServeRoutesTest, MissingKeyIs404WithoutBody) {
  ServeReply got = send("GET", "/absent");
  EXPECT_EQ(got.status, 404);
  EXPECT_EQ(got.body, "");
  EXPECT_EQ(send("HEAD", "/absent").status, 404);
}

TEST_F(ServeRoutesTest, HeadAnswersWithoutBody) {
  ASSERT_EQ(send("POST", "/k", "value").status, 200);
  ServeReply head = send("HEAD", "/k");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
}

TEST_F(ServeRoutesTest, DeleteIs200AlsoWhenAbsent) {
  ASSERT_EQ(send("POST", "/k", "value").status, 200);
  EXPECT_EQ(send("DELETE", "/k").status, 200);
  EXPECT_EQ(send("DELETE", "/k").status, 200);
  EXPECT_EQ(send("GET", "/k").status, 404);
}

TEST_F(ServeRoutesTest, OtherMethodsAre405WithAllow) {
  ServeReply put = send("PUT", "/k", "value");
  EXPECT_EQ(put.status, 405);
  EXPECT_EQ(put.allow, "GET, HEAD, POST, DELETE");
  ServeReply post_keys = send("POST", "/_keys", "value");
  EXPECT_EQ(post_keys.status, 405);
  EXPECT_EQ(post_keys.allow, "GET, HEAD");
  EXPECT_FALSE(store_->exists("/_keys").value());
}

TEST_F(ServeRoutesTest, BadKeysAre400WithTheReason) {
  ServeReply root = send("POST", "/", "x");
  EXPECT_EQ(root.status, 400);
  EXPECT_NE(root.body.find("names no key"), std::string::npos) << root.body;
  ServeReply invalid = send("POST", "/\xff", "x");
  EXPECT_EQ(invalid.status, 400);
  EXPECT_NE(invalid.body.find("UTF-8"), std::string::npos) << invalid.body;
  EXPECT_EQ(send("GET", "*").status, 400);
}

TEST_F(ServeRoutesTest, OversizedKeyIs413AndFullStoreIs507) {
  ServeReply long_key = send("POST", "/" + std::string(16, 'k'), "x");  // 17 bytes with '/'
  EXPECT_EQ(long_key.status, 413);
  EXPECT_NE(long_key.body.find("--key-bytes-max"), std::string::npos) << long_key.body;
  for (const char* key : {"/a", "/b", "/c"}) ASSERT_EQ(send("POST", key, "v").status, 200);
  ServeReply full = send("POST", "/d", "v");
  EXPECT_EQ(full.status, 507);
  EXPECT_NE(full.body.find("--keys-max"), std::string::npos) << full.body;
  EXPECT_EQ(send("POST", "/a", "overwrite").status, 200);
}

// A store whose every call fails as a disk would: an I/O error.
class FailingStore : public Store {
 public:
  static Status failure() { return Status::io_error("segment 7: Input/output error"); }
  Result<std::optional<std::string>> get(std::string_view) override { return failure(); }
  Status set(std::string_view, std::string_view) override { return failure(); }
  Status del(std::string_view) override { return failure(); }
  Status write(const WriteBatch&) override { return failure(); }
  Result<bool> exists(std::string_view) override { return failure(); }
  Result<std::vector<std::string>> keys() override { return failure(); }
  Result<std::vector<std::optional<std::string>>> get_many(
      std::span<const std::string_view>) override {
    return failure();
  }
  Status set_many(std::span<const std::pair<std::string_view, std::string_view>>) override {
    return failure();
  }
  Status delete_many(std::span<const std::string_view>) override { return failure(); }
  Result<int64_t> increment(std::string_view, int64_t) override { return failure(); }
  Result<CasToken> cas_begin(std::string_view) override { return failure(); }
  Result<CasOutcome> cas_swap(const CasToken&, std::string_view) override { return failure(); }
  Result<KeyPage> list_keys(std::optional<std::string_view>, size_t, std::string_view) override {
    return failure();
  }
  StoreStats stats() override { return {}; }
  Status compact(const CompactOptions& /*options*/ = {}) override { return failure(); }
  Status close() override { return Status::ok(); }
};

TEST(ServeRoutesFailureTest, StoreErrorIs500WithTheReason) {
  FailingStore store;
  for (const char* method : {"GET", "HEAD", "POST", "DELETE"}) {
    ServeReply reply = handle_request(store, ServeRequest{method, "/k", "v", {}, {}, {}});
    EXPECT_EQ(reply.status, 500) << method;
    EXPECT_NE(reply.body.find("Input/output error"), std::string::npos) << reply.body;
  }
  ServeReply keys = handle_request(store, ServeRequest{"GET", kKeysPath, "", {}, {}, {}});
  EXPECT_EQ(keys.status, 500);
}

TEST_F(ServeRoutesTest, KeysArePagedInByteOrder) {
  for (const char* key : {"/c", "/a", "/b"}) ASSERT_EQ(send("POST", key, "v").status, 200);
  ServeRequest first{"GET", kKeysPath, "", std::string("2"), {}, {}};
  ServeReply page = handle_request(*store_, first);
  ASSERT_EQ(page.status, 200) << page.body;
  const nlohmann::json json = nlohmann::json::parse(page.body);
  EXPECT_EQ(json.at("keys"), nlohmann::json({"/a", "/b"}));
  ASSERT_TRUE(json.at("cursor").is_string());
  ServeRequest second{"GET", kKeysPath, "", std::string("2"), json.at("cursor").get<std::string>(),
                      {}};
  const nlohmann::json rest = nlohmann::json::parse(handle_request(*store_, second).body);
  EXPECT_EQ(rest.at("keys"), nlohmann::json({"/c"}));
  EXPECT_TRUE(rest.at("cursor").is_null());

  ServeRequest bad_limit{"GET", kKeysPath, "", std::string("0"), {}, {}};
  EXPECT_EQ(handle_request(*store_, bad_limit).status, 400);
  ServeRequest bad_cursor{"GET", kKeysPath, "", {}, std::string("v1.zz"), {}};
  EXPECT_EQ(handle_request(*store_, bad_cursor).status, 400);
}

}  // namespace
}  // namespace logkv::tool
