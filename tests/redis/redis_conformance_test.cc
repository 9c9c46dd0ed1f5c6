// The store conformance cases (tests/support/store_conformance.h) against a Redis-backed label,
// unchanged: once with Spin's key layout (no key_prefix) and once under a key_prefix, with a key
// outside the prefix that no case may see.
#include "tests/redis/shared_redis_server.h"
#include "tests/support/store_conformance.h"

namespace logkv::testing {
namespace {

bool server_available(std::string* why_not) { return shared_redis_server(why_not) != nullptr; }

ConformanceBackend redis_backend() {
  ConformanceBackend backend;
  backend.name = "Redis";
  backend.available = server_available;
  backend.enforces_max_keys = false;
  backend.table = [](const std::string&) {
    std::string why_not;
    RedisServer* server = shared_redis_server(&why_not);
    EXPECT_TRUE(server->flush_all()) << "FLUSHALL failed";
    return "type = \"redis\"\nurl = \"" + server->url() + "\"\ntimeout_ms = 5000\n";
  };
  return backend;
}

ConformanceBackend prefixed_redis_backend() {
  ConformanceBackend backend = redis_backend();
  backend.name = "RedisPrefixed";
  backend.table = [](const std::string&) {
    std::string why_not;
    RedisServer* server = shared_redis_server(&why_not);
    EXPECT_TRUE(server->flush_all()) << "FLUSHALL failed";
    // Keys of another application in the same database, one that even looks like ours.
    EXPECT_TRUE(server->set_raw("bar", "not ours"));
    EXPECT_TRUE(server->set_raw("other:[x]*", "not ours"));
    return "type = \"redis\"\nurl = \"" + server->url() + "/0\"\nkey_prefix = \"app[1]*:\"\n";
  };
  return backend;
}

INSTANTIATE_TEST_SUITE_P(OnRedis, StoreConformanceTest,
                         ::testing::Values(redis_backend(), prefixed_redis_backend()),
                         conformance_backend_name);

}  // namespace
}  // namespace logkv::testing
