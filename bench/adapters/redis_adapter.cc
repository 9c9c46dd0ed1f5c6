// Redis through logkv's own Redis store (redis/redis_store.h), against a redis-server this
// adapter starts for each open on 127.0.0.1 (a free port, its folder the row's own) with the
// append-only file on: `appendfsync always` (every write fsynced before the reply: the durable
// setting comparable to logkv's kAlways) or `everysec` (Redis's default: a second of writes may
// be lost). The server is stopped at close; a reopen of the same folder loads its file again.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bench/adapters/adapters.h"
#include "redis/redis_store.h"

extern char** environ;

namespace logkv::bench {
namespace {

constexpr auto kServerWait = std::chrono::seconds(10);
constexpr uint64_t kBulkLoadPairsPerMset = 1000;

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
  ::close(fd);
  return port;
}

class RedisAdapter final : public EngineAdapter {
 public:
  explicit RedisAdapter(RedisFsync fsync) : fsync_(fsync) {}
  ~RedisAdapter() override { (void)close(); }

  EngineInfo info() const override {
    EngineInfo info;
    info.name = fsync_ == RedisFsync::kAlways ? "redis-always" : "redis-everysec";
    info.settings = std::string("redis-server on loopback, appendonly yes, appendfsync ") +
                    (fsync_ == RedisFsync::kAlways ? "always" : "everysec (may lose 1 s)") +
                    ", through logkv's Redis store (hiredis)";
    info.capabilities.native_increment = true;
    info.capabilities.native_get_many = true;
    return info;
  }

  Status open(const OpenParams& params) override {
    const uint16_t port = free_port();
    if (port == 0) return Status::io_error("redis bench: no free port on 127.0.0.1");
    std::vector<std::string> args = {"redis-server",
                                     "--port",
                                     std::to_string(port),
                                     "--bind",
                                     "127.0.0.1",
                                     "--dir",
                                     params.dir,
                                     "--save",
                                     "",
                                     "--appendonly",
                                     "yes",
                                     "--appendfsync",
                                     fsync_ == RedisFsync::kAlways ? "always" : "everysec",
                                     "--daemonize",
                                     "no",
                                     "--logfile",
                                     params.dir + "/redis.log"};
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    if (posix_spawnp(&pid_, "redis-server", nullptr, nullptr, argv.data(), environ) != 0) {
      pid_ = -1;
      return Status::not_supported(
          "redis bench: redis-server cannot be started (install "
          "redis-server)");
    }
    RedisStoreOptions options;
    options.url = "redis://127.0.0.1:" + std::to_string(port);
    options.limits.keys_max = params.keys_max;
    options.limits.value_bytes_max = std::max<uint64_t>(params.value_bytes_max, 1);
    options.limits.key_bytes_max = 1024;
    options.timeout_ms = 30000;
    options.pool_size = 16;
    const auto deadline = std::chrono::steady_clock::now() + kServerWait;
    Status last;
    while (std::chrono::steady_clock::now() < deadline) {
      Result<std::unique_ptr<Store>> store = open_redis_store(options);
      if (store.is_ok()) {
        store_ = std::move(store).value();
        // A server that loads a large file answers LOADING until it is done.
        Result<std::optional<std::string>> probe = store_->get("probe");
        if (probe.is_ok()) return Status::ok();
        last = probe.status();
        store_.reset();
      } else {
        last = store.status();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    (void)close();
    return last.with_context("redis bench: the server did not answer within 10 s");
  }

  Status close() override {
    store_.reset();
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);  // a clean shutdown flushes the append-only file
      const auto deadline = std::chrono::steady_clock::now() + kServerWait;
      int status = 0;
      while (waitpid(pid_, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
          ::kill(pid_, SIGKILL);
          waitpid(pid_, &status, 0);
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      pid_ = -1;
    }
    return Status::ok();
  }

  Status set(std::string_view key, std::string_view value) override {
    return store_->set(key, value);
  }
  Result<std::optional<std::string>> get(std::string_view key) override { return store_->get(key); }
  Status del(std::string_view key) override { return store_->del(key); }
  Result<bool> exists(std::string_view key) override { return store_->exists(key); }
  Result<std::vector<std::optional<std::string>>> get_many(
      std::span<const std::string_view> keys) override {
    return store_->get_many(keys);
  }
  Result<std::vector<std::string>> keys() override { return store_->keys(); }
  Result<int64_t> increment(std::string_view key, int64_t delta) override {
    return store_->increment(key, delta);
  }

  Status bulk_load(uint64_t count, const KeyValueSource& source) override {
    std::vector<std::pair<std::string, std::string>> batch;
    for (uint64_t i = 0; i < count; ++i) {
      std::string_view key;
      std::string_view value;
      source(i, key, value);
      batch.emplace_back(key, value);
      if (batch.size() == kBulkLoadPairsPerMset || i + 1 == count) {
        std::vector<std::pair<std::string_view, std::string_view>> views(batch.begin(),
                                                                         batch.end());
        LOGKV_RETURN_IF_ERROR(store_->set_many(views));
        batch.clear();
      }
    }
    return Status::ok();
  }

 private:
  const RedisFsync fsync_;
  pid_t pid_ = -1;
  std::unique_ptr<Store> store_;
};

}  // namespace

std::unique_ptr<EngineAdapter> make_redis_adapter(RedisFsync fsync) {
  return std::make_unique<RedisAdapter>(fsync);
}

}  // namespace logkv::bench
