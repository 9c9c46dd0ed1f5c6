#include "redis/redis_connection.h"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <sys/time.h>

#include <cerrno>
#include <vector>

namespace logkv {
namespace {

timeval as_timeval(uint32_t timeout_ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout_ms / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout_ms % 1000) * 1000);
  return tv;
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

}  // namespace

void RedisReplyDeleter::operator()(redisReply* reply) const { freeReplyObject(reply); }

Result<std::unique_ptr<RedisConnection>> RedisConnection::connect(const RedisAddress& address,
                                                                  uint32_t timeout_ms) {
  const std::string where = "redis at " + address.printable();
  const timeval tv = as_timeval(timeout_ms);
  redisContext* context = address.is_unix()
                              ? redisConnectUnixWithTimeout(address.socket_path.c_str(), tv)
                              : redisConnectWithTimeout(address.host.c_str(), address.port, tv);
  if (context == nullptr) return Status::io_error(where + ": cannot allocate a connection");
  if (context->err != 0) {
    const std::string reason = context->errstr;
    redisFree(context);
    const bool timed_out = reason.find("timed out") != std::string::npos ||
                           reason.find("temporarily unavailable") != std::string::npos;
    return Status::io_error(
        where + ": cannot connect: " + reason +
        (timed_out ? " (timeout_ms = " + std::to_string(timeout_ms) + ")" : std::string()));
  }
  if (redisSetTimeout(context, tv) != REDIS_OK) {
    const std::string reason = context->errstr;
    redisFree(context);
    return Status::io_error(where + ": cannot set the command timeout: " + reason);
  }
  auto connection =
      std::unique_ptr<RedisConnection>(new RedisConnection(context, where, timeout_ms));
  if (!address.password.empty()) {
    Result<RedisReply> auth = address.user.empty()
                                  ? connection->command({"AUTH", address.password})
                                  : connection->command({"AUTH", address.user, address.password});
    if (!auth.is_ok()) return auth.status();
  }
  if (address.db != 0) {
    const std::string db = std::to_string(address.db);
    Result<RedisReply> select = connection->command({"SELECT", db});
    if (!select.is_ok()) return select.status();
  }
  return connection;
}

RedisConnection::RedisConnection(redisContext* context, std::string where, uint32_t timeout_ms)
    : context_(context), where_(std::move(where)), timeout_ms_(timeout_ms) {}

RedisConnection::~RedisConnection() { redisFree(context_); }

Status RedisConnection::transport_error(std::string_view command_name) {
  broken_ = true;
  const int saved_errno = errno;
  const std::string reason = context_->err != 0 ? context_->errstr : "no reply";
  const bool timed_out = saved_errno == EAGAIN || saved_errno == EWOULDBLOCK ||
                         reason.find("temporarily unavailable") != std::string::npos;
  if (timed_out) {
    return Status::io_error(where_ + ": " + std::string(command_name) + ": no reply within " +
                            std::to_string(timeout_ms_) +
                            " ms (timeout_ms); the connection is dropped and the next call "
                            "connects again");
  }
  return Status::io_error(where_ + ": " + std::string(command_name) +
                          ": connection lost: " + reason + "; the next call connects again");
}

Result<RedisReply> RedisConnection::command(std::span<const std::string_view> args) {
  const std::string name = args.empty() ? std::string("(none)") : upper(args.front());
  if (broken_) return Status::io_error(where_ + ": " + name + ": the connection was lost earlier");
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (std::string_view arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  errno = 0;
  auto* raw = static_cast<redisReply*>(
      redisCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lengths.data()));
  if (raw == nullptr) return transport_error(name);
  RedisReply reply(raw);
  if (reply->type != REDIS_REPLY_ERROR) return reply;
  const std::string text(reply->str, reply->len);
  const std::string message = where_ + ": " + name + ": " + text;
  if (text.rfind("WRONGTYPE", 0) == 0) return Status::invalid_argument(message);
  return Status::io_error(message);
}

bool RedisConnection::still_open() const {
  if (broken_ || context_->fd < 0) return false;
  pollfd probe{};
  probe.fd = context_->fd;
  probe.events = POLLIN;
  // An idle connection has nothing to read: readable means the server closed it (or sent
  // something this client never asked for); either way it is not usable.
  return poll(&probe, 1, 0) == 0;
}

}  // namespace logkv
