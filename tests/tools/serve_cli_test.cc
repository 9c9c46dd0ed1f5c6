// Tests of `logkv serve`, run as a separate process (LOGKV_BIN) on 127.0.0.1 with a port the
// kernel picks: the seed tutorial's curl session through the real curl, the refusals, the /_keys
// pages, a bounded load of 16 clients, and SIGTERM in the middle of that load. Every wait is
// bounded; traffic goes to loopback only.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/test_dir.h"
#include "tests/tools/process_runner.h"
#include "tests/tools/server_process.h"

namespace logkv::testing {
namespace {

constexpr int kStartTimeoutMs = 20000;
constexpr int kStopTimeoutMs = 20000;
constexpr const char* kCurl = "/usr/bin/curl";
constexpr int kClients = 16;
constexpr int kRequestsPerClient = 500;

class ServeCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(binary_.empty()) << "LOGKV_BIN is not set; run this test with `meson test`";
    store_path_ = dir_.file("store");
  }

  // Starts `logkv --store <test store> serve --listen 127.0.0.1:0 extra...` and waits for its
  // port.
  void start_server(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--store", store_path_};
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {"serve", "--listen", "127.0.0.1:0"});
    server_.emplace(binary_, args);
    const std::optional<int> port = server_->wait_for_listening(kStartTimeoutMs);
    ASSERT_TRUE(port.has_value()) << "no 'listening on' line: " << server_->output();
    port_ = *port;
  }

  // SIGTERM, then the exit code (nullopt: did not exit within the bound, or died of a signal).
  std::optional<int> stop_server() { return server_->stop(SIGTERM, kStopTimeoutMs); }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  // A client with bounded waits, for one thread.
  httplib::Client client() const {
    httplib::Client http("127.0.0.1", port_);
    http.set_connection_timeout(5);
    http.set_read_timeout(10);
    http.set_write_timeout(10);
    return http;
  }

  // `logkv --store <test store> args...` after the server has stopped.
  ProcessResult logkv(std::vector<std::string> args, std::string stdin_bytes = "") {
    args.insert(args.begin(), {"--store", store_path_});
    ProcessSpec spec{binary_, std::move(args), std::move(stdin_bytes), "", {{"LOGKV_STORE", {}}}};
    return run_process(spec);
  }

  // Every key's value, read back by the tool's get-many (null: not stored).
  std::map<std::string, std::optional<std::string>> read_back(
      const std::vector<std::string>& keys) {
    ProcessResult got = logkv({"get-many"}, nlohmann::json(keys).dump());
    EXPECT_EQ(got.exit_code, 0) << got.err;
    std::map<std::string, std::optional<std::string>> values;
    const nlohmann::json object = nlohmann::json::parse(got.out, nullptr, false);
    EXPECT_TRUE(object.is_object()) << got.out.substr(0, 200);
    if (!object.is_object()) return values;
    for (const auto& [key, value] : object.items()) {
      values[key] = value.is_null() ? std::nullopt : std::optional(value.get<std::string>());
    }
    return values;
  }

  const std::string binary_ = required_env("LOGKV_BIN");
  TestDir dir_;
  std::string store_path_;
  std::optional<ServerProcess> server_;
  int port_ = 0;
};

// `curl -s -i ARGS...`: the status line, headers and body as curl printed them.
ProcessResult curl(std::vector<std::string> args) {
  args.insert(args.begin(), {"-s", "-i", "--max-time", "20"});
  return run_process(ProcessSpec{kCurl, std::move(args), "", "", {}}, 30000);
}

bool has_line(const std::string& response, const std::string& line) {
  return response.find(line + "\r\n") != std::string::npos;
}

std::string body_of(const std::string& response) {
  const size_t end = response.rfind("\r\n\r\n");
  return end == std::string::npos ? std::string() : response.substr(end + 4);
}

TEST_F(ServeCliTest, TutorialCurlSession) {
  if (::access(kCurl, X_OK) != 0) GTEST_SKIP() << "curl is not installed at " << kCurl;
  ASSERT_NO_FATAL_FAILURE(start_server());

  ProcessResult post = curl({"-X", "POST", url("/hello"), "--data-binary", "world"});
  ASSERT_EQ(post.exit_code, 0) << post.err;
  EXPECT_TRUE(has_line(post.out, "HTTP/1.1 200 OK")) << post.out;

  ProcessResult get = curl({url("/hello")});
  EXPECT_TRUE(has_line(get.out, "HTTP/1.1 200 OK")) << get.out;
  EXPECT_EQ(body_of(get.out), "world");

  ProcessResult head = curl({"-I", url("/hello")});
  EXPECT_TRUE(has_line(head.out, "HTTP/1.1 200 OK")) << head.out;
  EXPECT_EQ(body_of(head.out), "");

  ProcessResult del = curl({"-X", "DELETE", url("/hello")});
  EXPECT_TRUE(has_line(del.out, "HTTP/1.1 200 OK")) << del.out;
  ProcessResult del_again = curl({"-X", "DELETE", url("/hello")});
  EXPECT_TRUE(has_line(del_again.out, "HTTP/1.1 200 OK")) << del_again.out;

  ProcessResult gone = curl({url("/hello")});
  EXPECT_TRUE(has_line(gone.out, "HTTP/1.1 404 Not Found")) << gone.out;
  EXPECT_EQ(body_of(gone.out), "");
  ProcessResult head_gone = curl({"-I", url("/hello")});
  EXPECT_TRUE(has_line(head_gone.out, "HTTP/1.1 404 Not Found")) << head_gone.out;

  for (const char* method : {"PUT", "PATCH", "FROB"}) {
    ProcessResult refused = curl({"-X", method, url("/hello")});
    EXPECT_TRUE(has_line(refused.out, "HTTP/1.1 405 Method Not Allowed")) << refused.out;
    EXPECT_TRUE(has_line(refused.out, "Allow: GET, HEAD, POST, DELETE")) << refused.out;
  }

  const std::string big = dir_.file("big");
  std::ofstream(big, std::ios::binary) << std::string((1 << 20) + 1, 'x');
  ProcessResult too_big = curl({"-X", "POST", url("/big"), "--data-binary", "@" + big});
  EXPECT_TRUE(has_line(too_big.out, "HTTP/1.1 413 Payload Too Large")) << too_big.out;
  EXPECT_NE(body_of(too_big.out).find("value_bytes_max"), std::string::npos) << too_big.out;
  // Exactly the limit is stored.
  std::ofstream(big, std::ios::binary) << std::string(1 << 20, 'x');
  ProcessResult at_limit = curl({"-X", "POST", url("/big"), "--data-binary", "@" + big});
  EXPECT_TRUE(has_line(at_limit.out, "HTTP/1.1 200 OK")) << at_limit.out.substr(0, 300);

  EXPECT_EQ(stop_server(), 0) << server_->output();
  // The key is the path, leading '/' included, as the tutorial stores it.
  ProcessResult stored = logkv({"keys"});
  EXPECT_EQ(stored.out, "/big\n") << stored.err;
}

TEST_F(ServeCliTest, BadKeysAre400WithTheReason) {
  ASSERT_NO_FATAL_FAILURE(start_server());
  httplib::Client http = client();
  httplib::Result invalid = http.Post("/%FF%FE", "x", "text/plain");
  ASSERT_TRUE(invalid) << httplib::to_string(invalid.error());
  EXPECT_EQ(invalid->status, 400);
  EXPECT_NE(invalid->body.find("not valid UTF-8"), std::string::npos) << invalid->body;

  httplib::Result root = http.Post("/", "x", "text/plain");
  ASSERT_TRUE(root) << httplib::to_string(root.error());
  EXPECT_EQ(root->status, 400);
  EXPECT_NE(root->body.find("names no key"), std::string::npos) << root->body;

  httplib::Result long_key = http.Post("/" + std::string(300, 'k'), "x", "text/plain");
  ASSERT_TRUE(long_key) << httplib::to_string(long_key.error());
  EXPECT_EQ(long_key->status, 413);
  EXPECT_NE(long_key->body.find("--key-bytes-max"), std::string::npos) << long_key->body;

  // Percent-encoded UTF-8 is decoded into the key.
  httplib::Result accented = http.Post("/caf%C3%A9", "au lait", "text/plain");
  ASSERT_TRUE(accented) << httplib::to_string(accented.error());
  EXPECT_EQ(accented->status, 200) << accented->body;
  EXPECT_EQ(stop_server(), 0) << server_->output();
  ProcessResult get = logkv({"get", "/caf\xC3\xA9"});
  EXPECT_EQ(get.out, "au lait") << get.err;
}

TEST_F(ServeCliTest, FullStoreIs507AndOverwritesStillWork) {
  ASSERT_NO_FATAL_FAILURE(start_server({"--keys-max", "2"}));
  httplib::Client http = client();
  for (const char* key : {"/a", "/b"}) {
    httplib::Result stored = http.Post(key, "v", "text/plain");
    ASSERT_TRUE(stored) << httplib::to_string(stored.error());
    EXPECT_EQ(stored->status, 200) << stored->body;
  }
  httplib::Result full = http.Post("/c", "v", "text/plain");
  ASSERT_TRUE(full) << httplib::to_string(full.error());
  EXPECT_EQ(full->status, 507);
  EXPECT_NE(full->body.find("--keys-max"), std::string::npos) << full->body;
  httplib::Result overwrite = http.Post("/a", "w", "text/plain");
  ASSERT_TRUE(overwrite) << httplib::to_string(overwrite.error());
  EXPECT_EQ(overwrite->status, 200) << overwrite->body;
  EXPECT_EQ(stop_server(), 0) << server_->output();
}

TEST_F(ServeCliTest, KeysArePagedWithACursor) {
  ASSERT_NO_FATAL_FAILURE(start_server());
  httplib::Client http = client();
  std::set<std::string> expected;
  for (int i = 0; i < 25; ++i) {
    const std::string key = "/page/" + std::to_string(i);
    expected.insert(key);
    httplib::Result stored = http.Post(key, "v", "text/plain");
    ASSERT_TRUE(stored && stored->status == 200);
  }
  std::vector<std::string> listed;
  std::string cursor;
  int pages = 0;
  for (; pages < 10; ++pages) {  // 25 keys in pages of 10: three pages
    std::string path = "/_keys?limit=10";
    if (!cursor.empty()) path += "&cursor=" + cursor;
    httplib::Result page = http.Get(path);
    ASSERT_TRUE(page) << httplib::to_string(page.error());
    ASSERT_EQ(page->status, 200) << page->body;
    const nlohmann::json json = nlohmann::json::parse(page->body);
    for (const auto& key : json.at("keys")) listed.push_back(key.get<std::string>());
    if (json.at("cursor").is_null()) break;
    cursor = json.at("cursor").get<std::string>();
  }
  EXPECT_EQ(pages + 1, 3);
  EXPECT_EQ(listed, std::vector<std::string>(expected.begin(), expected.end()));

  httplib::Result bad_cursor = http.Get("/_keys?cursor=nonsense");
  ASSERT_TRUE(bad_cursor) << httplib::to_string(bad_cursor.error());
  EXPECT_EQ(bad_cursor->status, 400) << bad_cursor->body;
  httplib::Result post_keys = http.Post("/_keys", "x", "text/plain");
  ASSERT_TRUE(post_keys) << httplib::to_string(post_keys.error());
  EXPECT_EQ(post_keys->status, 405);
  EXPECT_EQ(post_keys->get_header_value("Allow"), "GET, HEAD");
  EXPECT_EQ(stop_server(), 0) << server_->output();
}

TEST_F(ServeCliTest, NonLoopbackAddressNeedsPublic) {
  ProcessResult refused = logkv({"serve", "--listen", "0.0.0.0:0"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("--public"), std::string::npos) << refused.err;
  ProcessResult bad = logkv({"serve", "--listen", "127.0.0.1"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("HOST:PORT"), std::string::npos) << bad.err;
}

// Writes acknowledged so far by all load clients, with a way to wait for a number of them.
class AckCounter {
 public:
  void add() {
    {
      std::lock_guard lock(mutex_);
      ++count_;
    }
    changed_.notify_all();
  }
  // Ends when `count` writes were acknowledged, every client finished, or `timeout` passed.
  int wait_for(int count, int clients_done_target, const std::atomic<int>& clients_done,
               std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] {
      return count_ >= count || clients_done.load() >= clients_done_target;
    });
    return count_;
  }
  // Called after a client counted itself done; the lock orders it before a waiter's check.
  void client_done() {
    { std::lock_guard lock(mutex_); }
    changed_.notify_all();
  }
  int count() {
    std::lock_guard lock(mutex_);
    return count_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int count_ = 0;
};

// What one load client saw: the value of each key as of its last POST answered 200.
struct ClientLog {
  std::map<std::string, std::string> acknowledged;
  int failures = 0;
  std::string first_failure;
};

// One client: kRequestsPerClient requests, POSTs of 50 keys of its own (each overwritten) and a
// GET after every POST that must return what was just acknowledged. Stops at its first transport
// error (the server stopping) or once `stop` is set.
void run_client_requests(int port, int client_index, const std::atomic<bool>& stop,
                         AckCounter& acknowledged, ClientLog& log) {
  httplib::Client http("127.0.0.1", port);
  http.set_keep_alive(true);
  http.set_tcp_nodelay(true);
  http.set_connection_timeout(5);
  http.set_read_timeout(10);
  http.set_write_timeout(10);
  for (int request = 0; request < kRequestsPerClient && !stop.load(); request += 2) {
    const std::string key =
        "/load/" + std::to_string(client_index) + "/" + std::to_string((request / 2) % 50);
    const std::string value =
        "client " + std::to_string(client_index) + " request " + std::to_string(request);
    httplib::Result posted = http.Post(key, value, "text/plain");
    if (!posted) {
      ++log.failures;
      log.first_failure = "POST " + key + ": " + httplib::to_string(posted.error());
      return;
    }
    if (posted->status != 200) {
      ++log.failures;
      log.first_failure = "POST " + key + ": " + std::to_string(posted->status) + posted->body;
      return;
    }
    log.acknowledged[key] = value;
    acknowledged.add();
    httplib::Result got = http.Get(key);
    if (!got) return;  // the server stopping
    if (got->status != 200 || got->body != value) {
      ++log.failures;
      log.first_failure = "GET " + key + " answered " + std::to_string(got->status) + " '" +
                          got->body + "', expected '" + value + "'";
      return;
    }
  }
}

void run_client(int port, int client_index, const std::atomic<bool>& stop, AckCounter& acknowledged,
                std::atomic<int>& clients_done, ClientLog& log) {
  run_client_requests(port, client_index, stop, acknowledged, log);
  clients_done.fetch_add(1);
  acknowledged.client_done();
}

TEST_F(ServeCliTest, SixteenClientsLoseNoAcknowledgedWrite) {
  ASSERT_NO_FATAL_FAILURE(start_server());
  std::atomic<bool> stop{false};
  AckCounter acknowledged;
  std::atomic<int> clients_done{0};
  std::vector<ClientLog> logs(kClients);
  std::vector<std::thread> clients;
  for (int index = 0; index < kClients; ++index) {
    clients.emplace_back(run_client, port_, index, std::cref(stop), std::ref(acknowledged),
                         std::ref(clients_done), std::ref(logs[index]));
  }
  for (std::thread& thread : clients) thread.join();
  EXPECT_EQ(acknowledged.count(), kClients * kRequestsPerClient / 2);
  for (const ClientLog& log : logs) EXPECT_EQ(log.failures, 0) << log.first_failure;
  EXPECT_EQ(stop_server(), 0) << server_->output();

  std::vector<std::string> keys;
  for (const ClientLog& log : logs) {
    for (const auto& [key, value] : log.acknowledged) keys.push_back(key);
  }
  ASSERT_EQ(keys.size(), size_t{kClients * 50});
  const std::map<std::string, std::optional<std::string>> stored = read_back(keys);
  for (const ClientLog& log : logs) {
    for (const auto& [key, value] : log.acknowledged) {
      const auto found = stored.find(key);
      ASSERT_NE(found, stored.end()) << key;
      EXPECT_EQ(found->second, value) << key;
    }
  }
}

TEST_F(ServeCliTest, SigtermDuringLoadExitsZeroAndKeepsEveryAcknowledgedWrite) {
  ASSERT_NO_FATAL_FAILURE(start_server());
  std::atomic<bool> stop{false};
  AckCounter acknowledged;
  std::atomic<int> clients_done{0};
  std::vector<ClientLog> logs(kClients);
  std::vector<std::thread> clients;
  for (int index = 0; index < kClients; ++index) {
    clients.emplace_back(run_client, port_, index, std::cref(stop), std::ref(acknowledged),
                         std::ref(clients_done), std::ref(logs[index]));
  }
  // SIGTERM once the load is under way: at least 200 writes acknowledged, waited for in bounded
  // steps (a client thread finishing early ends the wait too).
  const int acknowledged_before_signal =
      acknowledged.wait_for(200, kClients, clients_done, std::chrono::seconds(30));
  EXPECT_GE(acknowledged_before_signal, 200);
  const std::optional<int> exit_code = stop_server();
  stop.store(true);
  for (std::thread& thread : clients) thread.join();
  EXPECT_EQ(exit_code, 0) << server_->output();
  EXPECT_NE(server_->out().find("stopped on SIGTERM"), std::string::npos) << server_->output();

  std::vector<std::string> keys;
  for (const ClientLog& log : logs) {
    for (const auto& [key, value] : log.acknowledged) keys.push_back(key);
  }
  const std::map<std::string, std::optional<std::string>> stored = read_back(keys);
  int checked = 0;
  for (const ClientLog& log : logs) {
    for (const auto& [key, value] : log.acknowledged) {
      const auto found = stored.find(key);
      ASSERT_NE(found, stored.end()) << key;
      EXPECT_EQ(found->second, value) << key;
      ++checked;
    }
  }
  EXPECT_GT(checked, 0);
}

}  // namespace
}  // namespace logkv::testing
