// A Redis-backed label when things go wrong or are shared: the server killed mid-run and
// restarted, a server that stops answering, a compare-and-swap that loses to a second client,
// and two hosts on one server. Each case has a server of its own.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "logkv/host.h"
#include "logkv/store.h"
#include "tests/support/redis_server.h"

namespace logkv {
namespace {

using Clock = std::chrono::steady_clock;

// A host serving one Redis label `r`, and that label's store.
struct RedisLabel {
  std::unique_ptr<Host> host;
  std::unique_ptr<ComponentStores> component;
  std::shared_ptr<Store> store;
};

RedisLabel open_label(const std::string& url, uint32_t timeout_ms) {
  RedisLabel label;
  Result<RuntimeConfig> config =
      RuntimeConfig::parse("[key_value_store.r]\ntype = \"redis\"\nurl = \"" + url +
                               "\"\ntimeout_ms = " + std::to_string(timeout_ms) + "\n",
                           "", "rc.toml");
  EXPECT_TRUE(config.is_ok()) << config.status().to_string();
  if (!config.is_ok()) return label;
  Result<std::unique_ptr<Host>> host = Host::open(std::move(config).value(), {.state_dir = ""});
  EXPECT_TRUE(host.is_ok()) << host.status().to_string();
  if (!host.is_ok()) return label;
  label.host = std::move(host).value();
  Result<std::unique_ptr<ComponentStores>> component = label.host->instantiate({"r"});
  EXPECT_TRUE(component.is_ok()) << component.status().to_string();
  if (!component.is_ok()) return label;
  label.component = std::move(component).value();
  Result<StoreHandle> handle = label.component->open("r");
  EXPECT_TRUE(handle.is_ok()) << handle.status().to_string();
  if (!handle.is_ok()) return label;
  Result<std::shared_ptr<Store>> store = label.component->store(*handle);
  EXPECT_TRUE(store.is_ok()) << store.status().to_string();
  if (store.is_ok()) label.store = *store;
  return label;
}

class RedisFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why_not;
    server_ = testing::RedisServer::start(&why_not);
    if (server_ == nullptr) GTEST_SKIP() << "redis-server cannot start: " << why_not;
  }

  std::unique_ptr<testing::RedisServer> server_;
};

TEST_F(RedisFaultTest, KilledServerGivesClearErrorsWithoutHangingAndRecoversAfterRestart) {
  RedisLabel label = open_label(server_->url(), 2000);
  ASSERT_NE(label.store, nullptr);
  ASSERT_TRUE(label.store->set("before", "1").is_ok());

  server_->kill();
  const Clock::time_point start = Clock::now();
  const Status set = label.store->set("during", "2");
  Result<std::optional<std::string>> get = label.store->get("before");
  Result<std::vector<std::string>> keys = label.store->keys();
  const auto elapsed = Clock::now() - start;
  EXPECT_EQ(set.code(), StatusCode::kIOError) << set.to_string();
  EXPECT_NE(set.message().find("redis at redis://127.0.0.1:" + std::to_string(server_->port())),
            std::string::npos)
      << set.message();
  ASSERT_FALSE(get.is_ok());
  EXPECT_EQ(get.status().code(), StatusCode::kIOError);
  ASSERT_FALSE(keys.is_ok());
  EXPECT_LT(elapsed, std::chrono::seconds(6)) << "three calls, each bounded by timeout_ms";

  std::string why_not;
  ASSERT_TRUE(server_->restart(&why_not)) << why_not;
  // The restarted server is empty (no persistence in tests); the pool connects again.
  ASSERT_TRUE(label.store->set("after", "3").is_ok());
  EXPECT_EQ(*label.store->get("after"), "3");
  EXPECT_EQ(*label.store->get("before"), std::nullopt);
}

TEST_F(RedisFaultTest, ServerThatStopsAnsweringTimesOutWithinTimeoutMs) {
  RedisLabel label = open_label(server_->url(), 300);
  ASSERT_NE(label.store, nullptr);
  ASSERT_TRUE(label.store->set("k", "v").is_ok());
  server_->pause();
  const Clock::time_point start = Clock::now();
  Result<std::optional<std::string>> get = label.store->get("k");
  const auto elapsed = Clock::now() - start;
  server_->resume();
  ASSERT_FALSE(get.is_ok());
  EXPECT_EQ(get.status().code(), StatusCode::kIOError);
  EXPECT_NE(get.status().message().find("no reply within 300 ms"), std::string::npos)
      << get.status().message();
  EXPECT_LT(elapsed, std::chrono::seconds(3));
  // The timed-out connection was dropped: the next call does not read its late reply.
  Result<std::optional<std::string>> again = label.store->get("k");
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  EXPECT_EQ(*again, "v");
}

TEST_F(RedisFaultTest, CasLosesToASecondClientAsCasFailed) {
  RedisLabel label = open_label(server_->url(), 2000);
  ASSERT_NE(label.store, nullptr);
  ASSERT_TRUE(label.store->set("counter", "1").is_ok());
  Result<CasToken> token = label.store->cas_begin("counter");
  ASSERT_TRUE(token.is_ok()) << token.status().to_string();
  ASSERT_TRUE(server_->set_raw("counter", "other client"));
  Result<CasOutcome> outcome = label.store->cas_swap(*token, "2");
  ASSERT_TRUE(outcome.is_ok()) << outcome.status().to_string();
  EXPECT_FALSE(outcome->swapped) << "a nil EXEC is cas-failed, not success";
  EXPECT_EQ(outcome->current.value, "other client");
  EXPECT_EQ(*label.store->get("counter"), "other client");
}

TEST_F(RedisFaultTest, TwoHostsOnOneServerSeeEachOthersWrites) {
  RedisLabel one = open_label(server_->url(), 2000);
  RedisLabel two = open_label(server_->url(), 2000);
  ASSERT_NE(one.store, nullptr);
  ASSERT_NE(two.store, nullptr);
  ASSERT_TRUE(one.store->set("from-one", "1").is_ok());
  ASSERT_TRUE(two.store->set("from-two", "2").is_ok());
  EXPECT_EQ(*two.store->get("from-one"), "1");
  EXPECT_EQ(*one.store->get("from-two"), "2");
  Result<int64_t> a = one.store->increment("hits", 1);
  Result<int64_t> b = two.store->increment("hits", 1);
  ASSERT_TRUE(a.is_ok() && b.is_ok());
  EXPECT_EQ(*b, 2) << "one counter, not one per host";
  ASSERT_TRUE(two.store->del("from-one").is_ok());
  EXPECT_FALSE(*one.store->exists("from-one"));
}

TEST_F(RedisFaultTest, LabelOfAnUnreachableServerFailsToOpenWithTheAddress) {
  const std::string url = server_->url();
  server_->kill();
  Result<RuntimeConfig> config = RuntimeConfig::parse(
      "[key_value_store.r]\ntype = \"redis\"\nurl = \"" + url + "\"\n", "", "rc.toml");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  Result<std::unique_ptr<Host>> host = Host::open(std::move(config).value(), {.state_dir = ""});
  ASSERT_TRUE(host.is_ok()) << host.status().to_string();
  Result<std::unique_ptr<ComponentStores>> component = (*host)->instantiate({"r"});
  ASSERT_TRUE(component.is_ok());
  Result<StoreHandle> handle = (*component)->open("r");
  ASSERT_FALSE(handle.is_ok());
  EXPECT_EQ(handle.status().code(), StatusCode::kIOError);
  EXPECT_NE(handle.status().message().find("store of label 'r'"), std::string::npos)
      << handle.status().message();
  EXPECT_NE(handle.status().message().find("cannot connect"), std::string::npos)
      << handle.status().message();
  EXPECT_EQ((*component)->open_handles(), 0u);
}

TEST_F(RedisFaultTest, WrongPasswordIsRefusedWithTheServersWordsAndNoPassword) {
  std::string why_not;
  std::unique_ptr<testing::RedisServer> guarded =
      testing::RedisServer::start(&why_not, {"--requirepass", "right-one"});
  ASSERT_NE(guarded, nullptr) << why_not;
  const std::string url = "redis://:hunter2@127.0.0.1:" + std::to_string(guarded->port());
  Result<RuntimeConfig> config = RuntimeConfig::parse(
      "[key_value_store.r]\ntype = \"redis\"\nurl = \"" + url + "\"\n", "", "rc.toml");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  Result<std::unique_ptr<Host>> host = Host::open(std::move(config).value(), {.state_dir = ""});
  ASSERT_TRUE(host.is_ok());
  Result<std::unique_ptr<ComponentStores>> component = (*host)->instantiate({"r"});
  ASSERT_TRUE(component.is_ok());
  Result<StoreHandle> handle = (*component)->open("r");
  ASSERT_FALSE(handle.is_ok());
  EXPECT_NE(handle.status().message().find("AUTH"), std::string::npos) << handle.status().message();
  EXPECT_EQ(handle.status().message().find("hunter2"), std::string::npos)
      << handle.status().message();

  RedisLabel right =
      open_label("redis://:right-one@127.0.0.1:" + std::to_string(guarded->port()), 2000);
  ASSERT_NE(right.store, nullptr);
  EXPECT_TRUE(right.store->set("k", "v").is_ok());
}

}  // namespace
}  // namespace logkv
