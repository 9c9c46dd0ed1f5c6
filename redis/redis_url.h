// The address of a Redis server, from the `url` of a `type = "redis"` store table.
//
// hiredis connects to a host and port or a socket path but parses no URLs, so this file does, and
// strictly: `redis://[[user]:password@]host[:port][/db]` (port 6379 and db 0 by default; an IPv6
// host in brackets) and `unix://[[user]:password@]/path/to/socket[?db=N]`. Anything else (another
// scheme, a query other than db, a fragment, a port or db out of range) is refused, so that a
// typo never connects somewhere unintended. Percent-escapes are decoded in the user and password
// only.
//
// A password is a secret: no message and no printable form of an address contains it.
//
// Thread-safety: plain values and pure functions.
#ifndef LOGKV_REDIS_REDIS_URL_H_
#define LOGKV_REDIS_REDIS_URL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "logkv/status.h"

namespace logkv {

struct RedisAddress {
  // TCP: host and port. Unix socket: socket_path (host empty).
  std::string host;
  uint16_t port = 6379;
  std::string socket_path;
  // AUTH: with a password only; with a user too when one is given (Redis 6 ACLs).
  std::string user;
  std::string password;
  uint32_t db = 0;

  bool is_unix() const { return !socket_path.empty(); }
  // "redis://host:port/db" or "unix:///path?db=N": never the user's password.
  std::string printable() const;
};

// The address `url` names, or kInvalidArgument saying what is wrong with it (the message shows
// the URL with any password replaced by "***").
Result<RedisAddress> parse_redis_url(std::string_view url);

// `url` with the password part of its user information replaced by "***" (for messages about a
// URL that may not even parse).
std::string redact_redis_url(std::string_view url);

}  // namespace logkv

#endif  // LOGKV_REDIS_REDIS_URL_H_
