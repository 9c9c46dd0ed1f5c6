#include "redis/redis_url.h"

#include <charconv>
#include <optional>
#include <string>

namespace logkv {
namespace {

constexpr std::string_view kRedisScheme = "redis://";
constexpr std::string_view kUnixScheme = "unix://";
constexpr uint32_t kDbMax = 1u << 20;  // far above any server's `databases`, still a typo guard

// The user-information part (before the last '@' of the authority), or npos when none.
size_t userinfo_end(std::string_view rest) {
  const size_t authority_end = rest.find_first_of("/?#");
  return rest.substr(0, authority_end).rfind('@');
}

Status url_error(std::string_view url, std::string_view what) {
  return Status::invalid_argument("redis url '" + redact_redis_url(url) +
                                  "': " + std::string(what) +
                                  " (expected redis://[[user]:password@]host[:port][/db] or "
                                  "unix://[[user]:password@]/path[?db=N])");
}

std::optional<uint64_t> decimal(std::string_view text) {
  uint64_t value = 0;
  if (text.empty() || text.size() > 10) return std::nullopt;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decoded(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hex_digit(text[i + 1]);
    const int low = hex_digit(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

Status parse_userinfo(std::string_view url, std::string_view userinfo, RedisAddress& address) {
  const size_t colon = userinfo.find(':');
  if (colon == std::string_view::npos) {
    return url_error(url, "the part before '@' must be user:password or :password");
  }
  std::optional<std::string> user = percent_decoded(userinfo.substr(0, colon));
  std::optional<std::string> password = percent_decoded(userinfo.substr(colon + 1));
  if (!user || !password) return url_error(url, "bad percent-escape in user or password");
  if (password->empty()) return url_error(url, "the password after ':' is empty");
  address.user = std::move(*user);
  address.password = std::move(*password);
  return Status::ok();
}

Status parse_db(std::string_view url, std::string_view text, RedisAddress& address) {
  const std::optional<uint64_t> db = decimal(text);
  if (!db || *db >= kDbMax) {
    return url_error(url, "the database '" + std::string(text) + "' is not a number from 0 to " +
                              std::to_string(kDbMax - 1));
  }
  address.db = static_cast<uint32_t>(*db);
  return Status::ok();
}

Status parse_tcp(std::string_view url, std::string_view rest, RedisAddress& address) {
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return url_error(url, "a redis:// url takes no query or fragment; put the database after '/'");
  }
  const size_t slash = rest.find('/');
  std::string_view host_port = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    const std::string_view db = rest.substr(slash + 1);
    if (!db.empty()) LOGKV_RETURN_IF_ERROR(parse_db(url, db, address));
  }
  std::string_view port_text;
  if (!host_port.empty() && host_port.front() == '[') {
    const size_t close = host_port.find(']');
    if (close == std::string_view::npos) return url_error(url, "an IPv6 host lacks its ']'");
    address.host = std::string(host_port.substr(1, close - 1));
    const std::string_view after = host_port.substr(close + 1);
    if (!after.empty() && after.front() != ':') return url_error(url, "junk after the IPv6 host");
    if (!after.empty()) port_text = after.substr(1);
    if (after == ":") return url_error(url, "the port after ':' is empty");
  } else {
    const size_t colon = host_port.find(':');
    address.host = std::string(host_port.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = host_port.substr(colon + 1);
      if (port_text.empty()) return url_error(url, "the port after ':' is empty");
    }
  }
  if (address.host.empty()) return url_error(url, "the host is missing");
  if (address.host.find_first_of(" @[]") != std::string::npos) {
    return url_error(url, "the host '" + address.host + "' is not a host name or address");
  }
  if (!port_text.empty()) {
    const std::optional<uint64_t> port = decimal(port_text);
    if (!port || *port == 0 || *port > 65535) {
      return url_error(url, "the port '" + std::string(port_text) + "' is not 1 to 65535");
    }
    address.port = static_cast<uint16_t>(*port);
  }
  return Status::ok();
}

Status parse_unix(std::string_view url, std::string_view rest, RedisAddress& address) {
  if (rest.find('#') != std::string_view::npos) return url_error(url, "a url takes no fragment");
  const size_t question = rest.find('?');
  const std::string_view path = rest.substr(0, question);
  if (path.empty() || path.front() != '/') {
    return url_error(url, "a unix:// url needs an absolute socket path (unix:///path)");
  }
  if (question != std::string_view::npos) {
    const std::string_view query = rest.substr(question + 1);
    if (query.substr(0, 3) != "db=") return url_error(url, "the only query a url takes is db=N");
    LOGKV_RETURN_IF_ERROR(parse_db(url, query.substr(3), address));
  }
  address.socket_path = std::string(path);
  return Status::ok();
}

}  // namespace

std::string RedisAddress::printable() const {
  if (is_unix()) return "unix://" + socket_path + "?db=" + std::to_string(db);
  const bool ipv6 = host.find(':') != std::string::npos;
  return "redis://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/" +
         std::to_string(db);
}

std::string redact_redis_url(std::string_view url) {
  const size_t scheme_end = url.find("://");
  // Not a url at all; it may still be "user:password@host", so show nothing before an '@'.
  if (scheme_end == std::string_view::npos) {
    const size_t at = url.rfind('@');
    return at == std::string_view::npos ? std::string(url) : "***" + std::string(url.substr(at));
  }
  // The last '@' anywhere, not only in the authority: a password with an unescaped '/', '?' or
  // '#' does not parse, and must not show in the message that says so either.
  const std::string_view rest = url.substr(scheme_end + 3);
  const size_t at = rest.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  const std::string_view userinfo = rest.substr(0, at);
  const size_t colon = userinfo.find(':');
  // "user:password" shows the user; a lone word before '@' may be a password, so it is hidden.
  const std::string shown =
      colon == std::string_view::npos ? "***" : std::string(userinfo.substr(0, colon)) + ":***";
  return std::string(url.substr(0, scheme_end + 3)) + shown + std::string(rest.substr(at));
}

Result<RedisAddress> parse_redis_url(std::string_view url) {
  RedisAddress address;
  std::string_view rest;
  bool unix_socket = false;
  if (url.substr(0, kRedisScheme.size()) == kRedisScheme) {
    rest = url.substr(kRedisScheme.size());
  } else if (url.substr(0, kUnixScheme.size()) == kUnixScheme) {
    rest = url.substr(kUnixScheme.size());
    unix_socket = true;
  } else {
    return url_error(url,
                     "the scheme must be redis:// or unix:// (rediss:// (TLS) is not "
                     "supported)");
  }
  if (url.find_first_of(std::string_view(" \t\r\n\0", 5)) != std::string_view::npos) {
    return url_error(url, "a url holds no spaces or control characters");
  }
  const size_t at = userinfo_end(rest);
  if (at != std::string_view::npos) {
    LOGKV_RETURN_IF_ERROR(parse_userinfo(url, rest.substr(0, at), address));
    rest = rest.substr(at + 1);
  }
  // Before any part is quoted in a message: an '@' left over means a password with an unescaped
  // '/', '?' or '#', and the parts after it would show pieces of that password.
  if (rest.find('@') != std::string_view::npos) {
    return url_error(url,
                     "an '@' outside [user]:password@; escape '/', '?', '#' and '@' in a "
                     "password as %2F, %3F, %23 and %40");
  }
  LOGKV_RETURN_IF_ERROR(unix_socket ? parse_unix(url, rest, address)
                                    : parse_tcp(url, rest, address));
  return address;
}

}  // namespace logkv
