// parse_redis_url (redis/redis_url.h): the url forms a runtime config may give, the ones refused,
// and that no message shows a password.
#include "redis/redis_url.h"

#include <gtest/gtest.h>

#include <string>

namespace logkv {
namespace {

RedisAddress parsed(const std::string& url) {
  Result<RedisAddress> address = parse_redis_url(url);
  EXPECT_TRUE(address.is_ok()) << url << ": " << address.status().to_string();
  return address.is_ok() ? *address : RedisAddress{};
}

TEST(RedisUrlTest, HostPortAndDatabase) {
  const RedisAddress a = parsed("redis://cache.example:6380/2");
  EXPECT_EQ(a.host, "cache.example");
  EXPECT_EQ(a.port, 6380);
  EXPECT_EQ(a.db, 2u);
  EXPECT_FALSE(a.is_unix());
  EXPECT_EQ(a.printable(), "redis://cache.example:6380/2");
}

TEST(RedisUrlTest, DefaultsArePort6379AndDatabase0) {
  const RedisAddress a = parsed("redis://localhost");
  EXPECT_EQ(a.port, 6379);
  EXPECT_EQ(a.db, 0u);
  EXPECT_EQ(parsed("redis://localhost/").db, 0u);
}

TEST(RedisUrlTest, PasswordAndUserAreDecoded) {
  const RedisAddress a = parsed("redis://alice:p%40ss:w@127.0.0.1:7000");
  EXPECT_EQ(a.user, "alice");
  EXPECT_EQ(a.password, "p@ss:w");
  const RedisAddress b = parsed("redis://:secret@127.0.0.1");
  EXPECT_EQ(b.user, "");
  EXPECT_EQ(b.password, "secret");
  EXPECT_EQ(b.printable().find("secret"), std::string::npos);
}

TEST(RedisUrlTest, Ipv6HostInBrackets) {
  const RedisAddress a = parsed("redis://[::1]:6390");
  EXPECT_EQ(a.host, "::1");
  EXPECT_EQ(a.port, 6390);
  EXPECT_EQ(a.printable(), "redis://[::1]:6390/0");
}

TEST(RedisUrlTest, UnixSocketWithDatabase) {
  const RedisAddress a = parsed("unix:///run/redis/redis.sock?db=3");
  EXPECT_TRUE(a.is_unix());
  EXPECT_EQ(a.socket_path, "/run/redis/redis.sock");
  EXPECT_EQ(a.db, 3u);
  EXPECT_EQ(parsed("unix://:pw@/tmp/r.sock").password, "pw");
}

TEST(RedisUrlTest, MalformedUrlsAreRefusedSayingWhy) {
  const std::pair<std::string, std::string> cases[] = {
      {"http://localhost", "scheme"},
      {"rediss://localhost", "TLS"},
      {"redis://", "host is missing"},
      {"redis://host:0", "not 1 to 65535"},
      {"redis://host:65536", "not 1 to 65535"},
      {"redis://host:", "port after ':' is empty"},
      {"redis://host:abc", "not 1 to 65535"},
      {"redis://host/x", "database 'x'"},
      {"redis://host/2?x=1", "no query"},
      {"redis://host /0", "no spaces"},
      {"redis://user@host", "user:password"},
      {"redis://[::1", "lacks its ']'"},
      {"unix://relative.sock", "absolute socket path"},
      {"unix:///s.sock?timeout=3", "only query"},
      {"redis://:%zz@host", "percent-escape"},
  };
  for (const auto& [url, why] : cases) {
    Result<RedisAddress> address = parse_redis_url(url);
    ASSERT_FALSE(address.is_ok()) << url;
    EXPECT_EQ(address.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(address.status().message().find(why), std::string::npos)
        << url << ": " << address.status().message();
  }
}

TEST(RedisUrlTest, NoMessageShowsThePassword) {
  for (const std::string url :
       {"redis://u:hunter2@host:0", "redis://:hunter2@/x", "http://u:hunter2@h", "u:hunter2@h",
        "redis://:hunter2@host/notadb", "redis://:hun/ter2@host", "redis://hunter2@host",
        "unix://:hunter2?@/x"}) {
    Result<RedisAddress> address = parse_redis_url(url);
    ASSERT_FALSE(address.is_ok()) << url;
    EXPECT_EQ(address.status().message().find("hunter2"), std::string::npos)
        << address.status().message();
    EXPECT_EQ(address.status().message().find("ter2"), std::string::npos)
        << address.status().message();
    EXPECT_EQ(redact_redis_url(url).find("hunter2"), std::string::npos) << redact_redis_url(url);
  }
}

}  // namespace
}  // namespace logkv
