// probe_io_uring: whether io_uring can carry logkv's write path here.
//
// Kernels may lack io_uring or have it disabled (the io_uring_disabled sysctl), and sandboxes
// (seccomp profiles of container runtimes) often make io_uring_setup fail with EPERM or ENOSYS.
// Some setups accept the ring but fail the operations. So the probe does what the write path
// will do: it sets up a ring of the size a file uses, creates a temporary file in `dir` (the
// folder whose file system the store will write to), and runs one linked write + fdatasync on
// it, checking both completions. The temporary file is unlinked at once, so nothing is left
// behind, even after a crash.
//
// Cost: one small file write and one fdatasync, about a millisecond; run it once per file system
// (make_posix_file_system does), not per file.
// Thread-safety: may be called from any thread.
#ifndef LOGKV_FS_IO_URING_PROBE_H_
#define LOGKV_FS_IO_URING_PROBE_H_

#include <string>

#include "logkv/status.h"

namespace logkv {

// Ok when io_uring works in `dir`; otherwise kNotSupported whose message says why, e.g.
// "io_uring_queue_init(8) failed: Operation not permitted". `dir` must exist; a probe file that
// cannot be created is reported the same way (naming the folder).
Status probe_io_uring(const std::string& dir);

}  // namespace logkv

#endif  // LOGKV_FS_IO_URING_PROBE_H_
