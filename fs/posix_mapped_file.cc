#include "fs/posix_mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "fs/posix_error.h"

namespace logkv {
namespace {

// When a mapping must grow, it at least doubles (and grows by at least this much), so that a
// file appended to while it is read is remapped only a logarithmic number of times.
constexpr uint64_t kMappingGrowthBytesMin = 1 << 20;

uint64_t round_up_to_pages(uint64_t bytes) {
  static const uint64_t page_bytes = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  return (bytes + page_bytes - 1) / page_bytes * page_bytes;
}

}  // namespace

Result<std::unique_ptr<RandomAccessFile>> PosixMappedFile::open(const std::string& path,
                                                                uint64_t mapping_bytes_min) {
  int raw_fd;
  do {
    raw_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (raw_fd < 0 && errno == EINTR);
  if (raw_fd < 0) return posix_error("cannot open '" + path + "' for reading", errno);
  UniqueFd fd(raw_fd);
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    return posix_error("cannot read the size of '" + path + "'", errno);
  }
  std::shared_ptr<const LogicalEnd> logical_end = logical_end_of(info.st_dev, info.st_ino);
  const uint64_t size_bytes = logical_end->clamp(static_cast<uint64_t>(info.st_size));
  auto file =
      std::make_unique<PosixMappedFile>(path, std::move(fd), size_bytes, std::move(logical_end));
  file->grow_mapping(std::max(size_bytes, mapping_bytes_min));
  return std::unique_ptr<RandomAccessFile>(std::move(file));
}

PosixMappedFile::PosixMappedFile(std::string path, UniqueFd fd, uint64_t size_bytes,
                                 std::shared_ptr<const LogicalEnd> logical_end)
    : path_(std::move(path)),
      fd_(std::move(fd)),
      logical_end_(std::move(logical_end)),
      known_size_bytes_(size_bytes) {}

PosixMappedFile::~PosixMappedFile() {
  for (const auto& mapping : mappings_) {
    ::munmap(const_cast<char*>(mapping->base), mapping->length_bytes);
  }
}

void PosixMappedFile::grow_mapping(uint64_t length_bytes) const {
  if (length_bytes == 0) return;
  std::lock_guard lock(grow_mutex_);
  const Mapping* current = current_mapping_.load(std::memory_order_acquire);
  if (current != nullptr && current->length_bytes >= length_bytes) return;
  uint64_t new_length_bytes = round_up_to_pages(length_bytes);
  if (current != nullptr) {
    new_length_bytes =
        std::max(new_length_bytes,
                 round_up_to_pages(std::max(current->length_bytes * 2,
                                            current->length_bytes + kMappingGrowthBytesMin)));
  }
  void* base = ::mmap(nullptr, new_length_bytes, PROT_READ, MAP_SHARED, fd_.get(), 0);
  if (base == MAP_FAILED) return;  // reads fall back to pread
  mappings_.push_back(
      std::make_unique<Mapping>(Mapping{static_cast<const char*>(base), new_length_bytes}));
  current_mapping_.store(mappings_.back().get(), std::memory_order_release);
}

Result<uint64_t> PosixMappedFile::refresh_size() const {
  struct stat info {};
  if (::fstat(fd_.get(), &info) != 0) {
    return posix_error("cannot read the size of '" + path_ + "'", errno);
  }
  const uint64_t size_bytes = logical_end_->clamp(static_cast<uint64_t>(info.st_size));
  // Another thread may store an older size concurrently; that only costs it one more fstat.
  known_size_bytes_.store(size_bytes, std::memory_order_release);
  return size_bytes;
}

Result<std::string_view> PosixMappedFile::read(uint64_t offset, size_t n, char* scratch) const {
  uint64_t size_bytes = known_size_bytes_.load(std::memory_order_acquire);
  if (offset > size_bytes || n > size_bytes - offset) {
    // The read reaches past what is known to exist: the file may have grown since.
    Result<uint64_t> refreshed = refresh_size();
    if (!refreshed.is_ok()) return refreshed.status();
    size_bytes = *refreshed;
    if (offset >= size_bytes) return std::string_view(scratch, 0);
    n = static_cast<size_t>(std::min<uint64_t>(n, size_bytes - offset));
    const Mapping* mapping = current_mapping_.load(std::memory_order_acquire);
    if (mapping == nullptr || mapping->length_bytes < size_bytes) grow_mapping(size_bytes);
  }
  const Mapping* mapping = current_mapping_.load(std::memory_order_acquire);
  if (mapping != nullptr && offset + n <= mapping->length_bytes) {
    return std::string_view(mapping->base + offset, n);
  }
  return pread_into(offset, n, scratch);
}

Result<std::string_view> PosixMappedFile::pread_into(uint64_t offset, size_t n,
                                                     char* scratch) const {
  size_t done = 0;
  while (done < n) {
    const ssize_t got =
        ::pread(fd_.get(), scratch + done, n - done, static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      return posix_error("cannot read " + std::to_string(n) + " bytes at offset " +
                             std::to_string(offset) + " of '" + path_ + "'",
                         errno);
    }
    if (got == 0) break;  // the file is shorter than it was a moment ago
    done += static_cast<size_t>(got);
  }
  return std::string_view(scratch, done);
}

Result<std::string_view> PosixMappedFile::read_copy(uint64_t offset, size_t n,
                                                    char* scratch) const {
  // The logical end of this process's own writer still applies: its preallocated zeros are not
  // content. Another process's zeros are, to this file; the scanner reads them as a torn tail.
  Result<uint64_t> size_bytes = refresh_size();
  if (!size_bytes.is_ok()) return size_bytes.status();
  if (offset >= *size_bytes) return std::string_view(scratch, 0);
  return pread_into(offset, static_cast<size_t>(std::min<uint64_t>(n, *size_bytes - offset)),
                    scratch);
}

Result<uint64_t> PosixMappedFile::size() const { return refresh_size(); }

uint64_t PosixMappedFile::mapped_bytes() const {
  const Mapping* mapping = current_mapping_.load(std::memory_order_acquire);
  return mapping == nullptr ? 0 : mapping->length_bytes;
}

}  // namespace logkv
