// Choosing the write backend: the io_uring probe, what kIoUring does with its answer, and that
// kAuto and kPwrite never run it. A sandbox that forbids io_uring is reproduced with a seccomp
// filter in a child.
#include "fs/io_uring_probe.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstddef>
#include <filesystem>
#include <string>

#include "fs/posix_file_system.h"
#include "tests/fs/child_process.h"
#include "tests/support/test_dir.h"

namespace logkv::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

PosixFileSystemOptions options_for(IoBackend backend, const std::string& probe_dir,
                                   uint64_t preallocate_chunk_bytes = 0) {
  PosixFileSystemOptions options;
  options.backend = backend;
  options.probe_dir = probe_dir;
  options.preallocate_chunk_bytes = preallocate_chunk_bytes;
  return options;
}

// Makes io_uring_setup fail with EPERM in this process from now on, as container runtimes'
// default seccomp profiles do. Returns false when the filter cannot be installed. The syscall
// number is compared without checking the architecture: in a test child that only runs this
// test's code, a foreign-ABI call being refused as well does no harm.
bool forbid_io_uring_setup() {
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog program{static_cast<unsigned short>(std::size(filter)), filter};
  return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) == 0;
}

class IoUringProbeTest : public ::testing::Test {
 protected:
  // Skips the test when io_uring does not work on this machine at all.
  void require_io_uring() {
    const Status probe = probe_io_uring(dir_.path());
    if (!probe.is_ok()) GTEST_SKIP() << "io_uring is unusable here: " << probe.message();
  }

  TestDir dir_;
};

TEST_F(IoUringProbeTest, ProbeSucceedsWhereIoUringWorksAndLeavesNoFile) {
  require_io_uring();
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path()));
}

TEST_F(IoUringProbeTest, ProbeInMissingFolderIsNotSupportedNamingTheFolder) {
  const std::string missing = dir_.file("missing");
  const Status probe = probe_io_uring(missing);
  EXPECT_EQ(probe.code(), StatusCode::kNotSupported);
  EXPECT_THAT(probe.message(), HasSubstr("cannot create a probe file in '" + missing + "'"));
}

TEST_F(IoUringProbeTest, AutoWritesWithPwriteEvenWhereIoUringWorks) {
  require_io_uring();
  Result<std::shared_ptr<FileSystem>> fs =
      make_posix_file_system(options_for(IoBackend::kAuto, dir_.path()));
  ASSERT_TRUE(fs.is_ok()) << fs.status().to_string();
  EXPECT_EQ((*fs)->io_backend_name(), "pwrite");
}

TEST_F(IoUringProbeTest, IoUringIsGrantedWhereItWorks) {
  require_io_uring();
  Result<std::shared_ptr<FileSystem>> fs =
      make_posix_file_system(options_for(IoBackend::kIoUring, dir_.path()));
  ASSERT_TRUE(fs.is_ok()) << fs.status().to_string();
  EXPECT_EQ((*fs)->io_backend_name(), "io_uring");
}

TEST_F(IoUringProbeTest, PwriteNeverProbes) {
  // A probe in a missing folder would fail; kPwrite does not run one.
  Result<std::shared_ptr<PosixFileSystem>> fs =
      PosixFileSystem::create(options_for(IoBackend::kPwrite, dir_.file("missing")));
  ASSERT_TRUE(fs.is_ok()) << fs.status().to_string();
  EXPECT_EQ((*fs)->io_backend_name(), "pwrite");
}

TEST_F(IoUringProbeTest, IoUringFailsWithNotSupportedSayingWhyAndWhatToUse) {
  Result<std::shared_ptr<FileSystem>> fs =
      make_posix_file_system(options_for(IoBackend::kIoUring, dir_.file("missing")));
  ASSERT_FALSE(fs.is_ok());
  EXPECT_EQ(fs.status().code(), StatusCode::kNotSupported);
  EXPECT_THAT(fs.status().message(), StartsWith("io_uring is not usable here: cannot create"));
  EXPECT_THAT(fs.status().message(), HasSubstr("; use IoBackend::kAuto or kPwrite"));
}

TEST_F(IoUringProbeTest, SandboxForbiddingIoUringMakesIoUringFailAndLeavesAutoWriting) {
  const std::string dir = dir_.path();
  const ChildOutcome child = run_in_child([&]() -> std::string {
    if (!forbid_io_uring_setup()) return "no seccomp";
    std::string report;
    Result<std::shared_ptr<FileSystem>> strict =
        make_posix_file_system(options_for(IoBackend::kIoUring, dir));
    report += "strict: " + strict.status().to_string() + "\n";
    Result<std::shared_ptr<PosixFileSystem>> automatic =
        PosixFileSystem::create(options_for(IoBackend::kAuto, dir));
    if (!automatic.is_ok()) return report + "auto failed: " + automatic.status().to_string();
    report += "auto: " + std::string((*automatic)->io_backend_name()) + "\n";
    // The fallback writes.
    Result<std::unique_ptr<WritableFile>> file =
        (*automatic)->open_writable(join_path(dir, "a"), OpenMode::kCreateNew);
    const bool wrote =
        file.is_ok() && (*file)->append_and_sync("abc").is_ok() && (*file)->close().is_ok();
    report += wrote ? "wrote\n" : "write failed\n";
    return report;
  });
  ASSERT_TRUE(child.exited_cleanly) << child.output;
  if (child.output == "no seccomp") GTEST_SKIP() << "seccomp filters cannot be installed here";
  EXPECT_THAT(child.output, HasSubstr("strict: not supported: io_uring is not usable here: "
                                      "io_uring_queue_init(8) failed: Operation not permitted; use "
                                      "IoBackend::kAuto or kPwrite"));
  EXPECT_THAT(child.output, HasSubstr("auto: pwrite\n"));
  EXPECT_THAT(child.output, HasSubstr("wrote"));
}

TEST_F(IoUringProbeTest, PreallocateChunkOutOfRangeOrUnalignedIsInvalid) {
  for (const uint64_t chunk :
       {uint64_t{4096}, kPreallocateChunkBytesMin + 1, kPreallocateChunkBytesMax + 4096}) {
    Result<std::shared_ptr<FileSystem>> fs =
        make_posix_file_system(options_for(IoBackend::kPwrite, dir_.path(), chunk));
    ASSERT_FALSE(fs.is_ok()) << chunk;
    EXPECT_EQ(fs.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(fs.status().message(),
                HasSubstr("preallocate_chunk_bytes is " + std::to_string(chunk)));
  }
}

TEST_F(IoUringProbeTest, PreallocateChunkInRangeIsAccepted) {
  for (const uint64_t chunk :
       {uint64_t{0}, kPreallocateChunkBytesMin, uint64_t{4} << 20, kPreallocateChunkBytesMax}) {
    Result<std::shared_ptr<PosixFileSystem>> fs =
        PosixFileSystem::create(options_for(IoBackend::kPwrite, dir_.path(), chunk));
    ASSERT_TRUE(fs.is_ok()) << chunk << ": " << fs.status().to_string();
    EXPECT_EQ((*fs)->preallocate_chunk_bytes(), chunk);
  }
}

TEST_F(IoUringProbeTest, SharedDefaultInstanceUsesPwriteWithoutPreallocation) {
  auto* fs = dynamic_cast<PosixFileSystem*>(posix_file_system().get());
  ASSERT_NE(fs, nullptr);
  EXPECT_EQ(fs->io_backend_name(), "pwrite");
  EXPECT_EQ(fs->preallocate_chunk_bytes(), 0u);
}

}  // namespace
}  // namespace logkv::testing
