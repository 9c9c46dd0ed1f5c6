#include "fs/uring_ring.h"

#include <cerrno>
#include <string>

#include "fs/posix_error.h"

namespace logkv {
namespace {

// io_uring_enter may be interrupted by signals or briefly lack resources (EAGAIN, EBUSY); both
// are retried, a bounded number of times so that a persistent condition becomes an error.
constexpr int kEnterRetriesMax = 10000;

bool is_transient(int error_number) {
  return error_number == EINTR || error_number == EAGAIN || error_number == EBUSY;
}

// liburing maps a ring's queues with its own system calls, which ThreadSanitizer does not see.
// When one thread's ring is unmapped and another thread's new ring is mapped at the same address,
// TSan would take the kernel's reuse of the pages for a race between the two threads' writes. The
// unmapping does happen before the new mapping; these annotations tell TSan so (one sync object
// for all rings, released at every unmapping and acquired at every mapping).
#if defined(__SANITIZE_THREAD__)
extern "C" void __tsan_acquire(void* address);
extern "C" void __tsan_release(void* address);
char ring_mappings_sync;
void note_ring_mapped() { __tsan_acquire(&ring_mappings_sync); }
void note_ring_unmapped() { __tsan_release(&ring_mappings_sync); }
#else
void note_ring_mapped() {}
void note_ring_unmapped() {}
#endif

}  // namespace

Result<std::unique_ptr<UringRing>> UringRing::create(unsigned entries) {
  auto ring = std::make_unique<UringRing>(CreateKey(), entries);
  const int result = io_uring_queue_init(entries, &ring->ring_, 0);
  if (result < 0) {
    return posix_error("io_uring_queue_init(" + std::to_string(entries) + ") failed", -result);
  }
  ring->initialised_ = true;
  note_ring_mapped();
  return ring;
}

UringRing::~UringRing() {
  if (!initialised_) return;
  note_ring_unmapped();
  io_uring_queue_exit(&ring_);
}

Status UringRing::break_with(std::string_view what, int error_number) {
  failure_ = posix_error(what, error_number);
  return failure_;
}

Status UringRing::submit_all(unsigned count) {
  for (int attempt = 0; io_uring_sq_ready(&ring_) > 0; ++attempt) {
    const int result = io_uring_submit_and_wait(&ring_, count);
    if (result >= 0) continue;
    if (!is_transient(-result) || attempt >= kEnterRetriesMax) {
      return break_with("io_uring_submit_and_wait failed", -result);
    }
  }
  return Status::ok();
}

Status UringRing::run_linked(std::span<UringOperation> operations) {
  if (!failure_.is_ok()) {
    return Status::io_error("io_uring ring unusable after an earlier failure (" +
                            failure_.message() + ")");
  }
  if (operations.empty() || operations.size() > entries_) {
    return Status::invalid_argument("an io_uring chain needs 1 to " + std::to_string(entries_) +
                                    " operations, not " + std::to_string(operations.size()));
  }
  for (const UringOperation& operation : operations) {
    if (operation.kind == UringOperation::Kind::kWrite &&
        operation.data.size() > kUringWriteBytesMax) {
      return Status::invalid_argument("an io_uring write carries at most " +
                                      std::to_string(kUringWriteBytesMax) + " bytes, not " +
                                      std::to_string(operation.data.size()));
    }
  }
  for (size_t i = 0; i < operations.size(); ++i) {
    UringOperation& operation = operations[i];
    // The ring is drained after every chain, so a slot is always free here.
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
    if (sqe == nullptr) return break_with("io_uring submission queue unexpectedly full", EBUSY);
    if (operation.kind == UringOperation::Kind::kWrite) {
      io_uring_prep_write(sqe, operation.fd, operation.data.data(),
                          static_cast<unsigned>(operation.data.size()), operation.offset);
    } else {
      io_uring_prep_fsync(sqe, operation.fd, IORING_FSYNC_DATASYNC);
    }
    if (i + 1 < operations.size()) sqe->flags |= IOSQE_IO_LINK;
    io_uring_sqe_set_data64(sqe, i);
    operation.result = -ECANCELED;
  }
  const auto count = static_cast<unsigned>(operations.size());
  const Status submitted = submit_all(count);
  // Whatever reached the kernel is waited for: its buffers belong to the caller.
  const unsigned in_flight = count - io_uring_sq_ready(&ring_);
  for (unsigned completed = 0, attempt = 0; completed < in_flight;) {
    io_uring_cqe* cqe = nullptr;
    const int result = io_uring_wait_cqe(&ring_, &cqe);
    if (result < 0) {
      if (is_transient(-result) && ++attempt < kEnterRetriesMax) continue;
      return break_with("waiting for io_uring completions failed", -result);
    }
    const uint64_t index = io_uring_cqe_get_data64(cqe);
    if (index < operations.size()) operations[index].result = cqe->res;
    io_uring_cqe_seen(&ring_, cqe);
    ++completed;
  }
  return submitted;
}

}  // namespace logkv
