// The file handles MemFileSystem hands out (internal to fs/).
//
// Each handle shares ownership of the MemFileSystem's state and of its inode, so it outlives
// both the MemFileSystem object and the file's name. A handle remembers the epoch it was opened
// in; after a simulated power loss (a new epoch) its calls fail with kIOError.
//
// Thread-safety: every call takes the state's mutex.
#ifndef LOGKV_FS_MEM_FILES_H_
#define LOGKV_FS_MEM_FILES_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fs/file_system.h"
#include "fs/mem_state.h"

namespace logkv::mem {

class MemWritableFile final : public WritableFile {
 public:
  // Precondition: the caller holds state->mutex (to read the epoch and size).
  MemWritableFile(std::shared_ptr<State> state, std::shared_ptr<Inode> inode, std::string path);

  Status append(std::string_view data) override;
  // Makes the whole content durable (durable_data = data); the name stays as durable as it was.
  Status sync() override;
  Status close() override;
  uint64_t size() const override;

 private:
  // Why this file may not be used now, or ok. Requires state_->mutex.
  Status check_usable(std::string_view operation) const;

  const std::shared_ptr<State> state_;
  const std::shared_ptr<Inode> inode_;
  const std::string path_;
  const uint64_t epoch_;
  bool closed_ = false;  // guarded by state_->mutex
  uint64_t size_bytes_;  // guarded by state_->mutex
};

class MemOverwritableFile final : public OverwritableFile {
 public:
  // Precondition: the caller holds state->mutex (to read the epoch).
  MemOverwritableFile(std::shared_ptr<State> state, std::shared_ptr<Inode> inode, std::string path);

  // Changes what reads see at once; durable_data keeps the old bytes until a sync of the file.
  Status write_at(uint64_t offset, std::string_view data) override;

 private:
  const std::shared_ptr<State> state_;
  const std::shared_ptr<Inode> inode_;
  const std::string path_;
  const uint64_t epoch_;
};

class MemRandomAccessFile final : public RandomAccessFile {
 public:
  // Precondition: the caller holds state->mutex (to read the epoch).
  MemRandomAccessFile(std::shared_ptr<State> state, std::shared_ptr<Inode> inode, std::string path);

  // Copies into `scratch`: the inode's buffer may move when another thread appends.
  Result<std::string_view> read(uint64_t offset, size_t n, char* scratch) const override;
  Result<uint64_t> size() const override;

 private:
  const std::shared_ptr<State> state_;
  const std::shared_ptr<Inode> inode_;
  const std::string path_;
  const uint64_t epoch_;
};

class MemFileLock final : public FileLock {
 public:
  MemFileLock(std::shared_ptr<State> state, std::string lock_key, uint64_t lock_id);
  // Releases the lock unless a power loss already did (and someone may hold it anew).
  ~MemFileLock() override;

 private:
  const std::shared_ptr<State> state_;
  const std::string lock_key_;
  const uint64_t lock_id_;
};

}  // namespace logkv::mem

#endif  // LOGKV_FS_MEM_FILES_H_
