#include "tools/serve_routes.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "logkv/key_page.h"
#include "logkv/key_text.h"
#include "tools/command_support.h"

namespace logkv::tool {
namespace {

constexpr int kBadRequest = 400;
constexpr int kNotFound = 404;
constexpr int kMethodNotAllowed = 405;
constexpr int kPayloadTooLarge = 413;
constexpr int kInternalServerError = 500;
constexpr int kInsufficientStorage = 507;

ServeReply reply_for(const Status& status) { return error_reply(http_status_for(status), status); }

// The key of a request: its whole decoded path. Only the bare "/" names nothing; a request
// target that is not a path ("*", an absolute URL) has no key either.
Result<std::string_view> key_of(std::string_view path) {
  if (path.empty() || path.front() != '/') {
    return Status::invalid_argument("the request target " + printable_key(path) +
                                    " is not a path; send /<key>");
  }
  if (path == "/") {
    return Status::invalid_argument("the path '/' names no key; send /<key>, e.g. /hello");
  }
  return path;
}

Result<size_t> page_limit(const std::optional<std::string>& text) {
  if (!text.has_value()) return kKeysPageDefault;
  size_t limit = 0;
  const char* end = text->data() + text->size();
  const auto [stop, error] = std::from_chars(text->data(), end, limit);
  if (error != std::errc() || stop != end || limit == 0 || limit > kListKeysLimitMax) {
    return Status::invalid_argument("limit=" + printable_key(*text) +
                                    " is not a whole number from 1 to " +
                                    std::to_string(kListKeysLimitMax));
  }
  return limit;
}

ServeReply list_keys(Store& store, const ServeRequest& request) {
  Result<size_t> limit = page_limit(request.limit);
  if (!limit.is_ok()) return reply_for(limit.status());
  std::optional<std::string_view> cursor;
  if (request.cursor.has_value() && !request.cursor->empty()) cursor = *request.cursor;
  Result<KeyPage> page =
      store.list_keys(cursor, *limit, request.prefix.has_value() ? *request.prefix : "");
  if (!page.is_ok()) return reply_for(page.status());
  ServeReply reply;
  if (request.method == "HEAD") return reply;
  nlohmann::ordered_json json;
  json["keys"] = std::move(page->keys);
  json["cursor"] =
      page->cursor.has_value() ? nlohmann::ordered_json(*page->cursor) : nlohmann::ordered_json();
  reply.content_type = "application/json";
  // Keys are valid UTF-8 (the store refuses others); `replace` only guards the contract.
  reply.body = json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  return reply;
}

}  // namespace

int http_status_for(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      return kBadRequest;
    case StatusCode::kLimitExceeded:
      // A full store is not the request's fault: the same request succeeds once keys are gone.
      if (flag_for_limit(status) == "--keys-max") return kInsufficientStorage;
      if (flag_for_limit(status).empty()) return kInternalServerError;  // a query result cap
      return kPayloadTooLarge;
    default:
      return kInternalServerError;
  }
}

ServeReply error_reply(int http_status, const Status& status) {
  ServeReply reply;
  reply.status = http_status;
  reply.body = status.to_string();
  const std::string_view flag = flag_for_limit(status);
  if (!flag.empty()) reply.body += " (logkv serve: " + std::string(flag) + ")";
  reply.body += '\n';
  return reply;
}

ServeReply method_not_allowed(std::string_view method, std::string_view path) {
  const std::string_view allow = path == kKeysPath ? kKeysMethods : kKeyMethods;
  ServeReply reply;
  reply.status = kMethodNotAllowed;
  reply.allow = std::string(allow);
  reply.body =
      "method " + printable_key(method) + " is not allowed here; use " + std::string(allow) + "\n";
  return reply;
}

ServeReply handle_request(Store& store, const ServeRequest& request) {
  const std::string_view method = request.method;
  if (request.path == kKeysPath) {
    if (method == "GET" || method == "HEAD") return list_keys(store, request);
    return method_not_allowed(method, request.path);
  }
  if (method != "GET" && method != "HEAD" && method != "POST" && method != "DELETE") {
    return method_not_allowed(method, request.path);
  }
  Result<std::string_view> key = key_of(request.path);
  if (!key.is_ok()) return reply_for(key.status());

  ServeReply reply;
  if (method == "POST") {
    // Answered 200 only after set() returned ok: with the store's default sync mode the record
    // is on disk by then, so an acknowledged write survives a crash.
    const Status status = store.set(*key, request.body);
    if (!status.is_ok()) return reply_for(status);
  } else if (method == "DELETE") {
    const Status status = store.del(*key);
    if (!status.is_ok()) return reply_for(status);
  } else if (method == "HEAD") {
    Result<bool> exists = store.exists(*key);
    if (!exists.is_ok()) return reply_for(exists.status());
    if (!*exists) reply.status = kNotFound;
  } else {
    Result<std::optional<std::string>> value = store.get(*key);
    if (!value.is_ok()) return reply_for(value.status());
    if (!value->has_value()) {
      reply.status = kNotFound;
    } else {
      reply.body = std::move(**value);
      reply.content_type = "application/octet-stream";
    }
  }
  return reply;
}

}  // namespace logkv::tool
