#include "fs/uring_writable_file.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <utility>

#include "fs/posix_error.h"

namespace logkv {

Result<std::unique_ptr<WritableFile>> UringWritableFile::open(const std::string& path,
                                                              OpenMode mode,
                                                              uint64_t preallocate_chunk_bytes) {
  // The ring first: failing after a kCreateNew open would leave an empty file behind.
  Result<std::unique_ptr<UringRing>> ring = UringRing::create(kUringEntries);
  if (!ring.is_ok()) {
    return Status::io_error("cannot open '" + path +
                            "' for writing with io_uring: " + ring.status().message());
  }
  Result<OpenedForWriting> opened = open_for_writing(path, mode);
  if (!opened.is_ok()) return opened.status();
  return std::unique_ptr<WritableFile>(std::make_unique<UringWritableFile>(
      path, std::move(*opened), preallocate_chunk_bytes, std::move(*ring)));
}

UringWritableFile::UringWritableFile(std::string path, OpenedForWriting opened,
                                     uint64_t preallocate_chunk_bytes,
                                     std::unique_ptr<UringRing> ring)
    : PosixWritableFile(std::move(path), std::move(opened), preallocate_chunk_bytes),
      ring_(std::move(ring)) {}

Status UringWritableFile::write_failure(std::string_view data, uint64_t offset, int result) {
  const std::string what = "cannot append " + std::to_string(data.size()) + " bytes to '" + path() +
                           "' at offset " + std::to_string(offset);
  if (result < 0) {
    note_write_errno(-result);
    return posix_error(what, -result);
  }
  return Status::io_error(what + ": short write of " + std::to_string(result) +
                          " bytes (is the disk full?)");
}

Status UringWritableFile::write_at(std::string_view data, uint64_t offset) {
  // A short write is not an error here: the rest goes in the next round, and a round that
  // writes nothing reports the reason (ENOSPC, EFBIG, ...) or fails as a short write.
  while (!data.empty()) {
    const std::string_view piece = data.substr(0, kUringWriteBytesMax);
    std::array<UringOperation, 1> write{UringOperation::write(fd(), piece, offset)};
    const Status ring_status = ring_->run_linked(write);
    if (!ring_status.is_ok()) {
      return Status::io_error("cannot append to '" + path() + "': " + ring_status.message());
    }
    const int result = write[0].result;
    if (result <= 0) return write_failure(piece, offset, result);
    data.remove_prefix(static_cast<size_t>(result));
    offset += static_cast<uint64_t>(result);
  }
  return Status::ok();
}

Status UringWritableFile::datasync() {
  std::array<UringOperation, 1> sync{UringOperation::data_sync(fd())};
  const Status ring_status = ring_->run_linked(sync);
  if (!ring_status.is_ok()) {
    return Status::io_error("cannot sync '" + path() + "': " + ring_status.message());
  }
  if (sync[0].result < 0) return posix_error("cannot sync '" + path() + "'", -sync[0].result);
  return Status::ok();
}

Status UringWritableFile::write_and_datasync(std::string_view data, uint64_t offset) {
  // Too large for one linked write: write in pieces, then sync.
  if (data.size() > kUringWriteBytesMax) return PosixWritableFile::write_and_datasync(data, offset);
  std::array<UringOperation, 2> chain{UringOperation::write(fd(), data, offset),
                                      UringOperation::data_sync(fd())};
  const Status ring_status = ring_->run_linked(chain);
  if (!ring_status.is_ok()) {
    return Status::io_error("cannot append to and sync '" + path() + "': " + ring_status.message());
  }
  const int written = chain[0].result;
  if (written > 0 && static_cast<size_t>(written) < data.size()) {
    // A short write (a nearly full disk, say) breaks the link: write the rest, then sync, so
    // that running out of space shows as its errno (see note_write_errno).
    LOGKV_RETURN_IF_ERROR(write_at(data.substr(static_cast<size_t>(written)),
                                   offset + static_cast<uint64_t>(written)));
    return datasync();
  }
  if (written < 0 || static_cast<size_t>(written) != data.size()) {
    const Status failure = write_failure(data, offset, written);
    if (chain[1].result != -ECANCELED) return failure;
    return Status::io_error(failure.message() + "; the linked sync was cancelled");
  }
  if (chain[1].result < 0) return posix_error("cannot sync '" + path() + "'", -chain[1].result);
  return Status::ok();
}

}  // namespace logkv
