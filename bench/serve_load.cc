// logkv-serve-load: a bounded HTTP load on a running `logkv serve`, for its requests/s.
//
//   logkv-serve-load --port PORT [--clients 16] [--requests 500] [--mode post|get]
//                    [--keys-per-client 50] [--value-bytes 100]
//
// Each of --clients threads opens one keep-alive connection (httplib::Client) and sends
// --requests requests, then stops: POSTs of --value-bytes bytes under its own keys
// (/load/<client>/<n>, n cycling through --keys-per-client), or GETs of those keys (run a post
// round first so that they exist). The target is always 127.0.0.1: this program sends traffic
// to this machine only. Prints one line: mode, clients, requests, failures, seconds, requests/s.
// Exit 0 when every request was answered 200, 1 otherwise, 2 for a bad command line.
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

struct LoadOptions {
  int port = 0;
  int clients = 16;
  int requests = 500;
  bool post = true;
  int keys_per_client = 50;
  int value_bytes = 100;
};

bool parse_int(const char* text, int minimum, int maximum, int& out) {
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || value < minimum || value > maximum) return false;
  out = static_cast<int>(value);
  return true;
}

bool parse(int argc, char** argv, LoadOptions& options) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) return false;
    const char* value = argv[++i];
    bool ok = false;
    if (flag == "--port") ok = parse_int(value, 1, 65535, options.port);
    if (flag == "--clients") ok = parse_int(value, 1, 256, options.clients);
    if (flag == "--requests") ok = parse_int(value, 1, 1000000, options.requests);
    if (flag == "--keys-per-client") ok = parse_int(value, 1, 100000, options.keys_per_client);
    if (flag == "--value-bytes") ok = parse_int(value, 0, 1 << 20, options.value_bytes);
    if (flag == "--mode") {
      ok = std::string_view(value) == "post" || std::string_view(value) == "get";
      options.post = std::string_view(value) == "post";
    }
    if (!ok) return false;
  }
  return options.port != 0;
}

// One client's requests; counts the ones not answered 200. Stops at a transport error (the
// server went away), counting the requests it did not send as failures.
void run_client(const LoadOptions& options, int client, std::atomic<int>& failures) {
  httplib::Client http("127.0.0.1", options.port);
  http.set_keep_alive(true);
  http.set_tcp_nodelay(true);
  http.set_connection_timeout(5);
  http.set_read_timeout(30);
  http.set_write_timeout(30);
  const std::string value(static_cast<size_t>(options.value_bytes), 'v');
  for (int request = 0; request < options.requests; ++request) {
    const std::string key =
        "/load/" + std::to_string(client) + "/" + std::to_string(request % options.keys_per_client);
    httplib::Result result =
        options.post ? http.Post(key, value, "application/octet-stream") : http.Get(key);
    if (!result) {
      std::fprintf(stderr, "client %d: request %d: %s\n", client, request,
                   httplib::to_string(result.error()).c_str());
      failures += options.requests - request;
      return;
    }
    if (result->status != 200) ++failures;
  }
}

}  // namespace

int main(int argc, char** argv) {
  LoadOptions options;
  if (!parse(argc, argv, options)) {
    std::fprintf(stderr,
                 "usage: logkv-serve-load --port PORT [--clients N] [--requests N] "
                 "[--mode post|get] [--keys-per-client N] [--value-bytes N]\n");
    return 2;
  }
  std::atomic<int> failures{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> clients;
  for (int client = 0; client < options.clients; ++client) {
    clients.emplace_back(run_client, std::cref(options), client, std::ref(failures));
  }
  for (std::thread& thread : clients) thread.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const int total = options.clients * options.requests;
  std::printf("mode=%s clients=%d requests=%d failures=%d seconds=%.3f requests_per_s=%.0f\n",
              options.post ? "post" : "get", options.clients, total, failures.load(), seconds,
              total / seconds);
  return failures.load() == 0 ? 0 : 1;
}
