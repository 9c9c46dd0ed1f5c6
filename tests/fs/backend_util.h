// Making the PosixFileSystem variants under test: each write backend, with and without
// preallocation. io_uring may be forbidden where the tests run (old kernels, seccomp); its tests
// then skip, saying why, rather than fail.
#ifndef LOGKV_TESTS_FS_BACKEND_UTIL_H_
#define LOGKV_TESTS_FS_BACKEND_UTIL_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "fs/posix_file_system.h"
#include "logkv/options.h"
#include "tests/support/test_dir.h"

namespace logkv::testing {

// Small, so that tests cross many chunk boundaries quickly.
inline constexpr uint64_t kTestChunkBytes = kPreallocateChunkBytesMin;

struct BackendUnderTest {
  std::shared_ptr<PosixFileSystem> fs;
  // Not empty when this machine cannot run the backend; fs is then null.
  std::string skip_reason;
};

// `backend` must be kIoUring or kPwrite. A failure other than io_uring being unusable is a test
// failure, reported here.
inline BackendUnderTest make_backend(IoBackend backend, uint64_t preallocate_chunk_bytes,
                                     const std::string& probe_dir) {
  PosixFileSystemOptions options;
  options.backend = backend;
  options.preallocate_chunk_bytes = preallocate_chunk_bytes;
  options.probe_dir = probe_dir;
  Result<std::shared_ptr<PosixFileSystem>> made = PosixFileSystem::create(options);
  if (made.is_ok()) return {*made, ""};
  if (backend == IoBackend::kIoUring && made.status().code() == StatusCode::kNotSupported) {
    return {nullptr, "skipped: " + made.status().message()};
  }
  ADD_FAILURE() << "cannot make the file system: " << made.status().to_string();
  return {nullptr, "the file system could not be made"};
}

// A contract-test provider (see file_system_contract.h) for one backend and chunk size.
template <IoBackend kBackend, uint64_t kChunkBytes>
struct PosixBackendProvider {
  PosixBackendProvider() {
    BackendUnderTest made = make_backend(kBackend, kChunkBytes, root);
    skip_reason = std::move(made.skip_reason);
    if (made.fs != nullptr) fs = std::move(made.fs);
  }

  TestDir dir;
  std::string root = dir.path();
  std::shared_ptr<FileSystem> fs = posix_file_system();
  std::string skip_reason;
};

}  // namespace logkv::testing

#endif  // LOGKV_TESTS_FS_BACKEND_UTIL_H_
