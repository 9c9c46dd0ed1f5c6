// The HTTP routes of `logkv serve`, as plain functions of a request and a store: no sockets, so
// that tests can call them directly. tools/serve_command.* puts them behind cpp-httplib.
//
// The routes are the seed tutorial's: the key is the request's whole path after percent-decoding,
// leading '/' included (the tutorial stores under `req.uri().path()`), so `POST /hello` stores
// the key "/hello", which `logkv get /hello` reads back.
//   POST /<key>    stores the body; 200 once the store's set returned ok (durable on return)
//   GET /<key>     200 with the value, or 404 with no body
//   HEAD /<key>    200 or 404, never a body
//   DELETE /<key>  200, also when the key was not stored
//   GET /_keys     one page of keys as JSON (`limit`, `cursor`, `prefix` in the query)
//   anything else  405 with an Allow header
// Refusals carry the reason as one line of text: 400 a bad key (not UTF-8, the bare path "/")
// or query, 413 a key or body over the limits, 507 a full store, 500 any other store error.
//
// Thread-safety: handle() may run on many threads at once; it shares only the Store, which is
// thread-safe.
#ifndef LOGKV_TOOLS_SERVE_ROUTES_H_
#define LOGKV_TOOLS_SERVE_ROUTES_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "logkv/options.h"
#include "logkv/status.h"
#include "logkv/store.h"

namespace logkv::tool {

// The path of the key listing. It is not a key: only GET and HEAD are allowed on it.
inline constexpr std::string_view kKeysPath = "/_keys";
// Keys per /_keys page when the request names no `limit`.
inline constexpr size_t kKeysPageDefault = 1000;
// The Allow header of a 405, for a key's path and for kKeysPath.
inline constexpr std::string_view kKeyMethods = "GET, HEAD, POST, DELETE";
inline constexpr std::string_view kKeysMethods = "GET, HEAD";

struct ServeRequest {
  std::string_view method;  // "GET", "POST", ... as sent
  std::string_view path;    // percent-decoded, without the query
  std::string_view body;
  // The query parameters /_keys reads (decoded); absent when not given.
  std::optional<std::string> limit;
  std::optional<std::string> cursor;
  std::optional<std::string> prefix;
};

struct ServeReply {
  int status = 200;
  std::string body;
  std::string content_type = "text/plain; charset=utf-8";
  std::string allow;  // the Allow header; set only on a 405
};

// The answer to `request`, after the store has done what it asks.
ServeReply handle_request(Store& store, const ServeRequest& request);

// The HTTP status for a store's refusal or failure: 400 for invalid input, 413 for a key or value
// over its limit, 507 for a full store (Limits::keys_max), 500 for everything else.
int http_status_for(const Status& status);

// A refusal with `status` and the reason in the body ("<code>: <message>", the tool's flag that
// raises a limit when one refused it, and a newline).
ServeReply error_reply(int http_status, const Status& status);

// 405 with the Allow header that fits `path`.
ServeReply method_not_allowed(std::string_view method, std::string_view path);

}  // namespace logkv::tool

#endif  // LOGKV_TOOLS_SERVE_ROUTES_H_
