// The physical limit of one durable writer: append a record to a file, then fdatasync it.
// No index, no recovery, no reads; every durable store pays at least this per acknowledged set.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>

#include "bench/adapters/adapters.h"

namespace logkv::bench {
namespace {

constexpr std::string_view kLogFileName = "raw.log";

std::string errno_text() { return std::strerror(errno); }

void append_u32(std::string& out, uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<char>(value >> shift));
}

class RawLogAdapter final : public EngineAdapter {
 public:
  ~RawLogAdapter() override { (void)close(); }

  EngineInfo info() const override {
    EngineInfo info;
    info.name = "raw-log";
    info.settings =
        "append one record (8-byte header, key, value) with write(2), then fdatasync; one file, "
        "one writer at a time";
    info.capabilities.point_reads = false;
    info.capabilities.listing = false;
    info.capabilities.reopen = false;
    info.capabilities.writes_serialised_by_adapter = true;
    return info;
  }

  Status open(const OpenParams& params) override {
    std::lock_guard lock(mutex_);
    path_ = params.dir + "/" + std::string(kLogFileName);
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) return Status::io_error("raw log: open " + path_ + " failed: " + errno_text());
    durable_ = params.durable;
    return Status::ok();
  }

  Status close() override {
    std::lock_guard lock(mutex_);
    if (fd_ < 0) return Status::ok();
    const int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) return Status::io_error("raw log: close " + path_ + " failed: " + errno_text());
    return Status::ok();
  }

  Status set(std::string_view key, std::string_view value) override {
    std::lock_guard lock(mutex_);
    record_.clear();
    append_u32(record_, static_cast<uint32_t>(key.size()));
    append_u32(record_, static_cast<uint32_t>(value.size()));
    record_.append(key);
    record_.append(value);
    std::string_view pending = record_;
    while (!pending.empty()) {
      const ssize_t written = ::write(fd_, pending.data(), pending.size());
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) {
        return Status::io_error("raw log: append to " + path_ + " failed: " + errno_text());
      }
      pending.remove_prefix(static_cast<size_t>(written));
    }
    if (durable_ && ::fdatasync(fd_) != 0) {
      return Status::io_error("raw log: fdatasync " + path_ + " failed: " + errno_text());
    }
    return Status::ok();
  }

 private:
  std::mutex mutex_;
  std::string path_;
  int fd_ = -1;
  bool durable_ = true;
  std::string record_;  // reused so that a set allocates nothing once warm
};

}  // namespace

std::unique_ptr<EngineAdapter> make_raw_log_adapter() { return std::make_unique<RawLogAdapter>(); }

}  // namespace logkv::bench
