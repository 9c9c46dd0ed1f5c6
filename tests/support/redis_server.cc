#include "tests/support/redis_server.h"

#include <arpa/inet.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

extern char** environ;

namespace logkv::testing {
namespace {

constexpr auto kStartWait = std::chrono::seconds(10);
constexpr auto kExitWait = std::chrono::seconds(10);

// A port nobody listens on now: bind port 0 and read what the kernel chose.
uint16_t free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  uint16_t port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

// Whether a server on `port` answers PING within 200 ms (a NOAUTH error is an answer too).
bool answers_ping(uint16_t port) {
  const timeval tv{0, 200000};
  redisContext* context = redisConnectWithTimeout("127.0.0.1", port, tv);
  if (context == nullptr) return false;
  bool ok = false;
  if (context->err == 0 && redisSetTimeout(context, tv) == REDIS_OK) {
    auto* reply = static_cast<redisReply*>(redisCommand(context, "PING"));
    ok = reply != nullptr;
    if (reply != nullptr) freeReplyObject(reply);
  }
  redisFree(context);
  return ok;
}

// Waits (bounded) for `pid` to exit; true when it did.
bool reap(pid_t pid, std::chrono::steady_clock::duration bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid || done < 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace

std::unique_ptr<RedisServer> RedisServer::start(std::string* why_not,
                                                std::vector<std::string> extra_args) {
  auto server = std::unique_ptr<RedisServer>(new RedisServer());
  server->extra_args_ = std::move(extra_args);
  server->port_ = free_port();
  if (server->port_ == 0) {
    *why_not = "no free port on 127.0.0.1";
    return nullptr;
  }
  if (!server->launch(why_not)) return nullptr;
  return server;
}

bool RedisServer::launch(std::string* why_not) {
  std::vector<std::string> args = {"redis-server", "--port",    std::to_string(port_),
                                   "--bind",       "127.0.0.1", "--dir",
                                   dir_.path(),    "--save",    "",
                                   "--appendonly", "no",        "--daemonize",
                                   "no",           "--logfile", dir_.file("redis.log")};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawnp(&pid, "redis-server", nullptr, nullptr, argv.data(), environ) != 0) {
    *why_not = "redis-server cannot be started (is it installed and on PATH?)";
    return false;
  }
  pid_ = pid;
  const auto deadline = std::chrono::steady_clock::now() + kStartWait;
  while (std::chrono::steady_clock::now() < deadline) {
    if (answers_ping(port_)) return true;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      *why_not = "redis-server exited at start (see its log in the test folder)";
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill();
  *why_not = "redis-server did not answer PING within 10 s";
  return false;
}

RedisServer::~RedisServer() { kill(); }

std::string RedisServer::url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

void RedisServer::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGCONT);  // a paused server must be able to die
  ::kill(pid_, SIGKILL);
  reap(pid_, kExitWait);
  pid_ = -1;
}

bool RedisServer::restart(std::string* why_not) {
  kill();
  return launch(why_not);
}

void RedisServer::pause() {
  if (pid_ > 0) ::kill(pid_, SIGSTOP);
}

void RedisServer::resume() {
  if (pid_ > 0) ::kill(pid_, SIGCONT);
}

namespace {

// One command on a connection of its own; true when the reply is a status ("OK").
bool status_command(uint16_t port, const std::vector<std::string>& args) {
  const timeval tv{2, 0};
  redisContext* context = redisConnectWithTimeout("127.0.0.1", port, tv);
  if (context == nullptr) return false;
  bool ok = false;
  if (context->err == 0 && redisSetTimeout(context, tv) == REDIS_OK) {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const std::string& arg : args) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    auto* reply = static_cast<redisReply*>(
        redisCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data()));
    ok = reply != nullptr && reply->type == REDIS_REPLY_STATUS;
    if (reply != nullptr) freeReplyObject(reply);
  }
  redisFree(context);
  return ok;
}

}  // namespace

bool RedisServer::flush_all() { return status_command(port_, {"FLUSHALL"}); }

bool RedisServer::set_raw(const std::string& key, const std::string& value) {
  return status_command(port_, {"SET", key, value});
}

}  // namespace logkv::testing
