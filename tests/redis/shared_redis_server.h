// One redis-server per test program, started on first use and stopped when the program exits.
#ifndef LOGKV_TESTS_REDIS_SHARED_REDIS_SERVER_H_
#define LOGKV_TESTS_REDIS_SHARED_REDIS_SERVER_H_

#include <memory>
#include <string>

#include "tests/support/redis_server.h"

namespace logkv::testing {

// The program's server, or nullptr with the reason (the same for every call) when it cannot
// start.
inline RedisServer* shared_redis_server(std::string* why_not) {
  static std::string reason;
  static std::unique_ptr<RedisServer> server = RedisServer::start(&reason);
  if (server == nullptr) *why_not = "redis-server cannot start: " + reason;
  return server.get();
}

}  // namespace logkv::testing

#endif  // LOGKV_TESTS_REDIS_SHARED_REDIS_SERVER_H_
