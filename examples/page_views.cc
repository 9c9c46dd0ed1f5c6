// The page-view counter of Spin's key-value tutorial, as a program that uses logkv directly.
//
//   page_views /hello      prints {"views":1,"previous_request":""}
//   page_views /goodbye    prints {"views":2,"previous_request":"/hello"}
//
// Each run is one "request": it opens the default store, reads the JSON kept under "app-data"
// (none yet counts as zero views), counts this request, remembers its path, writes the JSON back
// and prints what the tutorial's handler answers: this request's view number and the request
// before it. Runs are separate processes, so the count survives only because the store is
// durable.
//
// Exit codes follow the logkv tool: 0 ok, 2 usage, 3 input refused, 4 store error or stored
// data that is not the expected JSON (then nothing is written).
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "app_data_json.h"
#include "logkv/store.h"

namespace {

constexpr std::string_view kKey = "app-data";

// The same rule as the logkv tool (docs/TOOL.md), so that `logkv get app-data` shows this data.
std::string default_store_path() {
  const char* from_env = std::getenv("LOGKV_STORE");
  if (from_env != nullptr && *from_env != '\0') return from_env;
  return ".spin/logkv/default";
}

int fail(std::string_view what_failed, const logkv::Status& status) {
  std::cerr << "page_views: " << what_failed << ": " << status.to_string() << '\n';
  const bool refused = status.code() == logkv::StatusCode::kInvalidArgument ||
                       status.code() == logkv::StatusCode::kLimitExceeded;
  return refused ? 3 : 4;
}

// One request against an open store; returns the process exit code.
int count_request(logkv::Store& store, std::string_view request_path) {
  logkv::Result<std::optional<std::string>> stored = store.get(kKey);
  if (!stored.is_ok()) return fail("read \"app-data\"", stored.status());

  page_views::AppData before;
  if (stored->has_value()) {
    logkv::Result<page_views::AppData> parsed = page_views::parse_app_data(**stored);
    if (!parsed.is_ok()) {
      std::cerr << "page_views: " << parsed.status().message()
                << "; nothing was changed (inspect it with `logkv get app-data`, or start over "
                   "with `logkv delete app-data`)\n";
      return 4;
    }
    before = std::move(parsed).value();
  }
  if (before.views == page_views::kViewsMax) {
    std::cerr << "page_views: the view count is at its maximum (" << page_views::kViewsMax
              << "); nothing was changed\n";
    return 4;
  }

  const page_views::AppData after{before.views + 1, std::string(request_path)};
  logkv::Status status = store.set(kKey, page_views::format_app_data(after));
  if (!status.is_ok()) return fail("write \"app-data\"", status);

  // Answer only once the write is durable, as a server would.
  const page_views::AppData answer{after.views, before.previous_request};
  std::cout << page_views::format_app_data(answer) << '\n' << std::flush;
  return std::cout ? 0 : 4;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: page_views REQUEST_PATH   (for example: page_views /hello)\n";
    return 2;
  }
  const std::string_view request_path = argv[1];
  if (!page_views::is_valid_utf8(request_path)) {
    std::cerr << "page_views: the request path is not valid UTF-8, so JSON cannot hold it\n";
    return 3;
  }

  const std::string path = default_store_path();
  logkv::Result<std::unique_ptr<logkv::Store>> store = logkv::Store::open(path);
  if (!store.is_ok()) return fail("open store '" + path + "'", store.status());

  const int exit_code = count_request(**store, request_path);
  logkv::Status closed = (*store)->close();
  if (!closed.is_ok()) return fail("close store '" + path + "'", closed);
  return exit_code;
}
