#include "bench/workloads/scratch_space.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

namespace logkv::bench {

ScratchDir::~ScratchDir() {
  if (path_.empty()) return;
  std::error_code ignored;  // a leftover folder under --dir is harmless; the run goes on
  std::filesystem::remove_all(path_, ignored);
}

Result<ScratchSpace> ScratchSpace::create(const std::string& parent) {
  std::string pattern = parent + "/logkv-bench-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    return Status::io_error("cannot create a scratch folder under '" + parent +
                            "': " + std::strerror(errno) + "; pass a writable folder with --dir");
  }
  return ScratchSpace(std::string(buffer.data()));
}

Result<ScratchDir> ScratchSpace::fresh(std::string_view label) {
  std::string path = root() + "/" + std::string(label) + "-" + std::to_string(next_id_++);
  std::error_code error;
  std::filesystem::create_directory(path, error);
  if (error) {
    return Status::io_error("cannot create scratch folder '" + path + "': " + error.message());
  }
  return ScratchDir(std::move(path));
}

namespace {

// Sums `size_of` over the regular files under `path`; unreadable entries count as 0.
template <typename SizeOf>
uint64_t sum_over_files(const std::string& path, SizeOf size_of) {
  uint64_t bytes = 0;
  std::error_code error;
  for (auto it = std::filesystem::recursive_directory_iterator(path, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    struct stat info;
    if (::lstat(it->path().c_str(), &info) == 0 && S_ISREG(info.st_mode)) bytes += size_of(info);
  }
  return bytes;
}

}  // namespace

uint64_t folder_disk_bytes(const std::string& path) {
  // st_blocks counts 512-byte units whatever the file system's block size.
  return sum_over_files(
      path, [](const struct stat& info) { return static_cast<uint64_t>(info.st_blocks) * 512; });
}

uint64_t folder_file_size_bytes(const std::string& path) {
  return sum_over_files(
      path, [](const struct stat& info) { return static_cast<uint64_t>(info.st_size); });
}

}  // namespace logkv::bench
