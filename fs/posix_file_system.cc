#include "fs/posix_file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "fs/io_uring_probe.h"
#include "fs/logical_end.h"
#include "fs/posix_error.h"
#include "fs/posix_io.h"
#include "fs/posix_mapped_file.h"
#include "fs/posix_writable_file.h"
#include "fs/unique_fd.h"
#include "fs/uring_writable_file.h"

namespace logkv {
namespace {

// Enough for any pid printed as decimal text, with room to spare.
constexpr size_t kLockFilePidBytesMax = 32;

Result<UniqueFd> open_fd(const std::string& path, int flags, std::string_view purpose) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return posix_error("cannot open '" + path + "' " + std::string(purpose), errno);
  return UniqueFd(fd);
}

int fsync_retrying_eintr(int fd) {
  int result;
  do {
    result = ::fsync(fd);
  } while (result != 0 && errno == EINTR);
  return result;
}

class PosixOverwritableFile final : public OverwritableFile {
 public:
  PosixOverwritableFile(UniqueFd fd, std::string path)
      : fd_(std::move(fd)), path_(std::move(path)) {}

  Status write_at(uint64_t offset, std::string_view data) override {
    const int error_number = pwrite_fully(fd_.get(), data, offset);
    if (error_number == 0) return Status::ok();
    return posix_error("cannot write " + std::to_string(data.size()) + " bytes at offset " +
                           std::to_string(offset) + " of '" + path_ + "'",
                       error_number);
  }

 private:
  const UniqueFd fd_;
  const std::string path_;
};

std::string parent_dir(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Holds two flocks: on the lock file's folder, which is what excludes other holders (a folder
// that holds a store cannot be unlinked and made anew under the holder, while a lock file can:
// `rm LOCK` would let the next opener lock a fresh file), and on the lock file, which carries the
// holder's pid for the next opener's message.
class PosixFileLock final : public FileLock {
 public:
  PosixFileLock(UniqueFd folder, UniqueFd file)
      : folder_(std::move(folder)), file_(std::move(file)) {}
  // Closing the descriptors would drop the locks too; unlocking first says so explicitly.
  ~PosixFileLock() override {
    ::flock(file_.get(), LOCK_UN);
    ::flock(folder_.get(), LOCK_UN);
  }

 private:
  UniqueFd folder_;
  UniqueFd file_;
};

// flock(LOCK_EX | LOCK_NB), retried on EINTR: 0, or the errno.
int try_lock(int fd) {
  int result;
  do {
    result = ::flock(fd, LOCK_EX | LOCK_NB);
  } while (result != 0 && errno == EINTR);
  return result == 0 ? 0 : errno;
}

// The pid written by the lock's holder, or "an unknown process" when the holder has not written
// it yet (it takes the lock first and writes its pid just after).
std::string read_lock_holder(int fd) {
  char text[kLockFilePidBytesMax] = {};
  const ssize_t got = ::pread(fd, text, sizeof(text) - 1, 0);
  std::string pid;
  for (ssize_t i = 0; i < got && text[i] >= '0' && text[i] <= '9'; ++i) pid += text[i];
  if (pid.empty()) return "an unknown process";
  if (pid == std::to_string(::getpid())) return "this process (pid " + pid + ")";
  return "process " + pid;
}

// Block-aligned chunks keep the zeros and the records in whole file-system blocks.
constexpr uint64_t kPreallocateChunkAlignBytes = 4096;

std::string default_probe_dir() {
  const char* tmpdir = std::getenv("TMPDIR");
  if (tmpdir != nullptr && *tmpdir != '\0') return tmpdir;
  return "/tmp";
}

Status check_options(const PosixFileSystemOptions& options) {
  const uint64_t chunk = options.preallocate_chunk_bytes;
  if (chunk != 0 && (chunk < kPreallocateChunkBytesMin || chunk > kPreallocateChunkBytesMax ||
                     chunk % kPreallocateChunkAlignBytes != 0)) {
    return Status::invalid_argument("preallocate_chunk_bytes is " + std::to_string(chunk) +
                                    ": use 0 (off) or a multiple of " +
                                    std::to_string(kPreallocateChunkAlignBytes) + " from " +
                                    std::to_string(kPreallocateChunkBytesMin) + " to " +
                                    std::to_string(kPreallocateChunkBytesMax));
  }
  switch (options.backend) {
    case IoBackend::kAuto:
    case IoBackend::kIoUring:
    case IoBackend::kPwrite:
      return Status::ok();
  }
  return Status::invalid_argument("unknown io backend " +
                                  std::to_string(static_cast<int>(options.backend)));
}

}  // namespace

std::shared_ptr<FileSystem> posix_file_system() {
  static const std::shared_ptr<FileSystem> file_system = std::make_shared<PosixFileSystem>();
  return file_system;
}

Result<std::shared_ptr<PosixFileSystem>> PosixFileSystem::create(
    const PosixFileSystemOptions& options) {
  LOGKV_RETURN_IF_ERROR(check_options(options));
  auto file_system = std::make_shared<PosixFileSystem>();
  file_system->preallocate_chunk_bytes_ = options.preallocate_chunk_bytes;
  file_system->preallocate_name_suffix_ = options.preallocate_name_suffix;
  if (!options.reserve_path.empty() && options.reserve_bytes > 0) {
    file_system->reserve_ =
        std::make_shared<SpaceReserve>(options.reserve_path, options.reserve_bytes);
  }
  if (options.backend != IoBackend::kIoUring) return file_system;
  const Status probe =
      probe_io_uring(options.probe_dir.empty() ? default_probe_dir() : options.probe_dir);
  if (!probe.is_ok()) {
    return Status::not_supported("io_uring is not usable here: " + probe.message() +
                                 "; use IoBackend::kAuto or kPwrite");
  }
  file_system->use_io_uring_ = true;
  return file_system;
}

Result<std::shared_ptr<FileSystem>> make_posix_file_system(const PosixFileSystemOptions& options) {
  Result<std::shared_ptr<PosixFileSystem>> file_system = PosixFileSystem::create(options);
  if (!file_system.is_ok()) return file_system.status();
  return std::shared_ptr<FileSystem>(std::move(*file_system));
}

std::string_view PosixFileSystem::io_backend_name() const {
  return use_io_uring_ ? "io_uring" : "pwrite";
}

uint64_t PosixFileSystem::preallocate_chunk_bytes_for(std::string_view path) const {
  return path.ends_with(preallocate_name_suffix_) ? preallocate_chunk_bytes_ : 0;
}

Result<std::unique_ptr<WritableFile>> PosixFileSystem::open_writable(const std::string& path,
                                                                     OpenMode mode) {
  const uint64_t chunk_bytes = preallocate_chunk_bytes_for(path);
  Result<std::unique_ptr<WritableFile>> file =
      use_io_uring_ ? UringWritableFile::open(path, mode, chunk_bytes)
                    : PosixWritableFile::open(path, mode, chunk_bytes);
  // Both backends' files are PosixWritableFiles.
  if (file.is_ok() && reserve_ != nullptr) {
    static_cast<PosixWritableFile&>(**file).set_space_reserve(reserve_);
  }
  return file;
}

Result<std::unique_ptr<RandomAccessFile>> PosixFileSystem::open_random_access(
    const std::string& path) {
  return PosixMappedFile::open(path, 0);
}

Result<std::unique_ptr<OverwritableFile>> PosixFileSystem::open_overwritable(
    const std::string& path) {
  Result<UniqueFd> fd = open_fd(path, O_WRONLY, "for rewriting");
  if (!fd.is_ok()) return fd.status();
  return std::unique_ptr<OverwritableFile>(
      std::make_unique<PosixOverwritableFile>(std::move(*fd), path));
}

Result<uint64_t> PosixFileSystem::file_size(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    return posix_error("cannot read the size of '" + path + "'", errno);
  }
  const auto file_bytes = static_cast<uint64_t>(info.st_size);
  // A preallocating writer of this process may hold the file open: its zeros are not content.
  const std::shared_ptr<const LogicalEnd> logical_end = find_logical_end(info.st_dev, info.st_ino);
  return logical_end == nullptr ? file_bytes : logical_end->clamp(file_bytes);
}

Result<std::vector<std::string>> PosixFileSystem::list_dir(const std::string& dir) {
  DIR* raw_stream = ::opendir(dir.c_str());
  if (raw_stream == nullptr) return posix_error("cannot list folder '" + dir + "'", errno);
  std::unique_ptr<DIR, int (*)(DIR*)> stream(raw_stream, ::closedir);
  std::vector<std::string> names;
  while (true) {
    errno = 0;
    const dirent* entry = ::readdir(stream.get());
    if (entry == nullptr) {
      if (errno != 0) return posix_error("cannot list folder '" + dir + "'", errno);
      break;
    }
    const std::string_view name(entry->d_name);
    if (name == "." || name == "..") continue;
    names.emplace_back(name);
  }
  return names;
}

Status PosixFileSystem::create_dirs(const std::string& dir) {
  if (dir.empty()) return Status::invalid_argument("cannot create a folder with an empty path");
  // Create every prefix that ends before a '/', then the whole path.
  std::vector<std::string> created;
  for (size_t end = dir.find('/', 1);; end = dir.find('/', end + 1)) {
    const std::string prefix = dir.substr(0, end);
    if (prefix.empty() || prefix.back() == '/') {
      if (end == std::string::npos) break;
      continue;
    }
    if (::mkdir(prefix.c_str(), 0755) == 0) {
      created.push_back(prefix);
    } else {
      const int error_number = errno;
      struct stat info {};
      if (error_number != EEXIST) {
        return posix_error("cannot create folder '" + prefix + "'", error_number);
      }
      if (::stat(prefix.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
        return Status::io_error("cannot create folder '" + prefix +
                                "': a file of that name is in the way; move it elsewhere");
      }
    }
    if (end == std::string::npos) break;
  }
  // A new folder's name lives in its parent: until the parent is synced, a power loss can take
  // the folder away with every file later made durable inside it (a brand-new store's first
  // acknowledged writes).
  for (const std::string& folder : created) {
    const size_t slash = folder.find_last_of('/');
    const std::string parent =
        slash == std::string::npos ? "." : (slash == 0 ? "/" : folder.substr(0, slash));
    LOGKV_RETURN_IF_ERROR(sync_dir(parent));
  }
  return Status::ok();
}

Status PosixFileSystem::sync_dir(const std::string& dir) {
  Result<UniqueFd> fd = open_fd(dir, O_RDONLY | O_DIRECTORY, "to sync it");
  if (!fd.is_ok()) return fd.status();
  if (fsync_retrying_eintr(fd->get()) != 0) {
    return posix_error("cannot sync folder '" + dir + "'", errno);
  }
  return Status::ok();
}

std::unique_ptr<ReservePermit> PosixFileSystem::permit_reserve() {
  return reserve_ == nullptr ? nullptr : reserve_->permit();
}

void PosixFileSystem::restore_reserve() {
  // Best effort: with no room for it now, the next remove() tries again.
  if (reserve_ != nullptr) static_cast<void>(reserve_->restore());
}

Status PosixFileSystem::rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return posix_error("cannot rename '" + from + "' to '" + to + "'", errno);
  }
  return Status::ok();
}

Status PosixFileSystem::remove(const std::string& path) {
  if (::unlink(path.c_str()) != 0) return posix_error("cannot remove '" + path + "'", errno);
  // Space was freed: make the reserve again if a full disk used it up (best effort).
  if (reserve_ != nullptr && path != reserve_->path()) static_cast<void>(reserve_->restore());
  return Status::ok();
}

Status PosixFileSystem::truncate(const std::string& path, uint64_t size) {
  Result<UniqueFd> fd = open_fd(path, O_WRONLY, "to truncate it");
  if (!fd.is_ok()) return fd.status();
  const std::string what = "cannot truncate '" + path + "' to " + std::to_string(size) + " bytes";
  int result;
  do {
    result = ::ftruncate(fd->get(), static_cast<off_t>(size));
  } while (result != 0 && errno == EINTR);
  if (result != 0) return posix_error(what, errno);
  if (fsync_retrying_eintr(fd->get()) != 0) return posix_error(what + " durably", errno);
  return Status::ok();
}

Result<std::unique_ptr<FileLock>> PosixFileSystem::lock(const std::string& path) {
  const std::string folder_path = parent_dir(path);
  Result<UniqueFd> folder = open_fd(folder_path, O_RDONLY | O_DIRECTORY, "to lock it");
  if (!folder.is_ok()) return folder.status();
  Result<UniqueFd> fd = open_fd(path, O_RDWR | O_CREAT, "as a lock file");
  if (!fd.is_ok()) return fd.status();
  // The folder first: it decides. The file's lock is then free too, unless a process of an
  // older logkv (which locked only the file) holds it.
  for (int lock_fd : {folder->get(), fd->get()}) {
    const int error_number = try_lock(lock_fd);
    if (error_number == 0) continue;
    if (error_number != EWOULDBLOCK) return posix_error("cannot lock '" + path + "'", error_number);
    return Status::locked("store folder '" + folder_path + "' is in use by " +
                          read_lock_holder(fd->get()) + " (lock file '" + path +
                          "'); close the store there first");
  }
  // The pid only helps the next opener's error message, so failing to write it is not fatal and
  // it need not be durable.
  const std::string pid_line = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd->get(), 0) == 0) {
    static_cast<void>(::pwrite(fd->get(), pid_line.data(), pid_line.size(), 0));
  }
  return std::unique_ptr<FileLock>(
      std::make_unique<PosixFileLock>(std::move(*folder), std::move(*fd)));
}

}  // namespace logkv
