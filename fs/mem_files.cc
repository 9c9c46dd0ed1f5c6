#include "fs/mem_files.h"

#include <algorithm>
#include <cstring>
#include <mutex>

namespace logkv::mem {

MemWritableFile::MemWritableFile(std::shared_ptr<State> state, std::shared_ptr<Inode> inode,
                                 std::string path)
    : state_(std::move(state)),
      inode_(std::move(inode)),
      path_(std::move(path)),
      epoch_(state_->epoch),
      size_bytes_(inode_->data.size()) {}

Status MemWritableFile::check_usable(std::string_view operation) const {
  if (epoch_ != state_->epoch) return crashed_error(operation, path_);
  if (closed_) {
    return Status::io_error("cannot " + std::string(operation) + " '" + path_ +
                            "': the file was closed");
  }
  return Status::ok();
}

Status MemWritableFile::append(std::string_view data) {
  std::lock_guard lock(state_->mutex);
  LOGKV_RETURN_IF_ERROR(check_usable("append to"));
  inode_->data.append(data);
  size_bytes_ += data.size();
  return Status::ok();
}

Status MemWritableFile::sync() {
  std::lock_guard lock(state_->mutex);
  LOGKV_RETURN_IF_ERROR(check_usable("sync"));
  inode_->durable_data = inode_->data;
  inode_->rewritten = false;
  return Status::ok();
}

Status MemWritableFile::close() {
  std::lock_guard lock(state_->mutex);
  if (epoch_ != state_->epoch) return crashed_error("close", path_);
  closed_ = true;
  return Status::ok();
}

uint64_t MemWritableFile::size() const {
  std::lock_guard lock(state_->mutex);
  return size_bytes_;
}

MemOverwritableFile::MemOverwritableFile(std::shared_ptr<State> state, std::shared_ptr<Inode> inode,
                                         std::string path)
    : state_(std::move(state)),
      inode_(std::move(inode)),
      path_(std::move(path)),
      epoch_(state_->epoch) {}

Status MemOverwritableFile::write_at(uint64_t offset, std::string_view data) {
  std::lock_guard lock(state_->mutex);
  if (epoch_ != state_->epoch) return crashed_error("write to", path_);
  std::string& content = inode_->data;
  if (content.size() < offset + data.size()) content.resize(offset + data.size(), '\0');
  content.replace(offset, data.size(), data);
  inode_->rewritten = true;
  return Status::ok();
}

MemRandomAccessFile::MemRandomAccessFile(std::shared_ptr<State> state, std::shared_ptr<Inode> inode,
                                         std::string path)
    : state_(std::move(state)),
      inode_(std::move(inode)),
      path_(std::move(path)),
      epoch_(state_->epoch) {}

Result<std::string_view> MemRandomAccessFile::read(uint64_t offset, size_t n, char* scratch) const {
  std::lock_guard lock(state_->mutex);
  if (epoch_ != state_->epoch) return crashed_error("read", path_);
  const std::string& data = inode_->data;
  if (offset >= data.size()) return std::string_view(scratch, 0);
  const size_t length = std::min<uint64_t>(n, data.size() - offset);
  std::memcpy(scratch, data.data() + offset, length);
  return std::string_view(scratch, length);
}

Result<uint64_t> MemRandomAccessFile::size() const {
  std::lock_guard lock(state_->mutex);
  if (epoch_ != state_->epoch) return crashed_error("read the size of", path_);
  return static_cast<uint64_t>(inode_->data.size());
}

MemFileLock::MemFileLock(std::shared_ptr<State> state, std::string lock_key, uint64_t lock_id)
    : state_(std::move(state)), lock_key_(std::move(lock_key)), lock_id_(lock_id) {}

MemFileLock::~MemFileLock() {
  std::lock_guard lock(state_->mutex);
  const auto held = state_->locks.find(lock_key_);
  if (held != state_->locks.end() && held->second == lock_id_) state_->locks.erase(held);
}

}  // namespace logkv::mem
