// UringRing: one small io_uring instance (liburing) that runs short chains of file operations.
//
// The write path needs exactly two operations, a positional write and an fdatasync, and wants
// them LINKED: submitted together with one system call, the sync starting only after the write
// completed in full. run_linked() does that and waits for every completion before it returns, so
// the kernel never reads a caller's buffer after the call. No SQPOLL and no busy polling: the
// calling thread sleeps in io_uring_enter until the completions arrive.
//
// Thread-safety: one thread at a time (the ring's queues are not locked).
// Failure: create() fails with kIOError naming the errno when the kernel refuses a ring (old
// kernel, seccomp, io_uring_disabled sysctl, memlock limit). A failed submission or wait breaks
// the ring: that call and every later one return kIOError; operations already submitted are
// waited for whenever the kernel allows it.
#ifndef LOGKV_FS_URING_RING_H_
#define LOGKV_FS_URING_RING_H_

#include <liburing.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "logkv/status.h"

namespace logkv {

// One operation of a chain, and what the kernel answered.
struct UringOperation {
  enum class Kind : uint8_t {
    kWrite,     // write `data` at `offset` (IORING_OP_WRITE)
    kDataSync,  // fdatasync (IORING_OP_FSYNC with IORING_FSYNC_DATASYNC)
  };
  Kind kind;
  int fd;
  std::string_view data;  // kWrite only; at most kUringWriteBytesMax bytes
  uint64_t offset = 0;    // kWrite only
  // After run_linked(): bytes written (kWrite) or 0 (kDataSync), or -errno. An operation that
  // did not run because an earlier one of the chain failed or wrote short is -ECANCELED.
  int result = 0;

  static UringOperation write(int fd, std::string_view data, uint64_t offset) {
    return {Kind::kWrite, fd, data, offset, 0};
  }
  static UringOperation data_sync(int fd) { return {Kind::kDataSync, fd, {}, 0, 0}; }
};

// The most one write operation may carry (the result is an int; the kernel caps single writes
// below 2 GiB anyway).
inline constexpr size_t kUringWriteBytesMax = size_t{1} << 30;

class UringRing {
 public:
  // A ring of `entries` submission slots (rounded up to a power of two by the kernel).
  static Result<std::unique_ptr<UringRing>> create(unsigned entries);

  // Only create() can make the key; the constructor is public for std::make_unique.
  class CreateKey {
    friend class UringRing;
    CreateKey() = default;
  };
  UringRing(CreateKey /*key*/, unsigned entries) : entries_(entries) {}
  ~UringRing();
  UringRing(const UringRing&) = delete;
  UringRing& operator=(const UringRing&) = delete;

  // Submits `operations` as one chain, each linked to the next (IOSQE_IO_LINK), with one
  // io_uring_submit_and_wait, then waits for all their completions and stores each result.
  // A non-ok Status means the ring failed (not an operation): results are then unknown.
  // kInvalidArgument when the chain is empty, longer than the ring, or a write too large.
  Status run_linked(std::span<UringOperation> operations);

 private:
  Status break_with(std::string_view what, int error_number);
  Status submit_all(unsigned count);

  io_uring ring_{};
  unsigned entries_;
  bool initialised_ = false;  // io_uring_queue_init succeeded
  // Why the ring may no longer be used; ok while it may.
  Status failure_;
};

}  // namespace logkv

#endif  // LOGKV_FS_URING_RING_H_
