// A real redis-server for tests: started on 127.0.0.1 with a free port and its own temporary
// folder (no config file; `--save ''`, `--appendonly no` unless asked), stopped when the object
// goes. Every wait is bounded and fails with a message.
#ifndef LOGKV_TESTS_SUPPORT_REDIS_SERVER_H_
#define LOGKV_TESTS_SUPPORT_REDIS_SERVER_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/test_dir.h"

namespace logkv::testing {

class RedisServer {
 public:
  // Starts redis-server (from PATH) with `extra_args` appended to the defaults and waits (at most
  // 10 s) until it answers PING. nullptr, with the reason in `why_not`, when it cannot start.
  static std::unique_ptr<RedisServer> start(std::string* why_not,
                                            std::vector<std::string> extra_args = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  uint16_t port() const { return port_; }
  // "redis://127.0.0.1:<port>"
  std::string url() const;

  // SIGKILL, and waits for the process to be gone.
  void kill();
  // Starts it again on the same port (after kill()); false with the reason when it cannot.
  bool restart(std::string* why_not);
  // SIGSTOP / SIGCONT: a server that accepts connections but never answers.
  void pause();
  void resume();
  // FLUSHALL through a connection of its own; false when the server does not answer.
  bool flush_all();
  // SET key value through a connection of its own (a second client); false on any failure.
  bool set_raw(const std::string& key, const std::string& value);

 private:
  RedisServer() = default;
  bool launch(std::string* why_not);

  TestDir dir_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
  std::vector<std::string> extra_args_;
};

}  // namespace logkv::testing

#endif  // LOGKV_TESTS_SUPPORT_REDIS_SERVER_H_
