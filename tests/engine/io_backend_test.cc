// The store on each I/O backend (io_uring, pwrite), with and without segment preallocation:
// the same semantics, the backend reported in stats, and recovery of a preallocated segment
// that was never closed (its zero tail is cut off, every acknowledged write survives).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "logkv/store.h"
#include "tests/support/test_dir.h"

namespace logkv {
namespace {

struct BackendCase {
  IoBackend backend;
  const char* name;
  uint64_t segment_bytes_max;  // >= 1 MiB turns preallocation on
};

class IoBackendTest : public ::testing::TestWithParam<BackendCase> {
 protected:
  Options options() const {
    Options options;
    options.io_backend = GetParam().backend;
    options.segment_bytes_max = GetParam().segment_bytes_max;
    options.limits.keys_max = 100000;
    return options;
  }
  std::unique_ptr<Store> open() {
    Result<std::unique_ptr<Store>> store = Store::open(dir_.path(), options());
    EXPECT_TRUE(store.is_ok()) << store.status().to_string();
    return store.is_ok() ? std::move(store).value() : nullptr;
  }
  testing::TestDir dir_;
};

TEST_P(IoBackendTest, ReportsItsBackendAndKeepsData) {
  {
    auto store = open();
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->stats().io_backend, GetParam().name);
    for (int i = 0; i < 300; ++i) {
      ASSERT_TRUE(store->set("k" + std::to_string(i), std::string(1000, 'a' + i % 26)).is_ok());
    }
    ASSERT_TRUE(store->del("k7").is_ok());
    WriteBatch batch;
    batch.set("batch-a", "1");
    batch.del("k8");
    ASSERT_TRUE(store->write(batch).is_ok());
    ASSERT_TRUE(store->close().is_ok());
  }
  auto store = open();
  EXPECT_EQ(store->stats().keys, 299u);
  EXPECT_EQ(store->get("k7").value(), std::nullopt);
  EXPECT_EQ(store->get("k8").value(), std::nullopt);
  EXPECT_EQ(store->get("batch-a").value(), "1");
  EXPECT_EQ(store->get("k299").value(), std::string(1000, 'a' + 299 % 26));
  EXPECT_EQ(store->stats().torn_bytes_dropped, 0u) << "a clean close leaves no zero tail";
}

// A child writes and reports each acknowledged key, then dies without closing the store: the
// active segment keeps whatever preallocated zeros follow its last record.
TEST_P(IoBackendTest, UnclosedSegmentRecoversEveryAcknowledgedWrite) {
  int acks[2];
  ASSERT_EQ(::pipe(acks), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(acks[0]);
    Result<std::unique_ptr<Store>> store = Store::open(dir_.path(), options());
    if (!store.is_ok()) ::_exit(3);
    for (int i = 0; i < 200; ++i) {
      if (!(*store)->set("key" + std::to_string(i), std::string(500, 'x')).is_ok()) ::_exit(4);
      const char ack = 1;
      if (::write(acks[1], &ack, 1) != 1) ::_exit(5);
    }
    ::_exit(0);  // no close(): as if the process crashed
  }
  ::close(acks[1]);
  int acknowledged = 0;
  char ack;
  while (::read(acks[0], &ack, 1) == 1) ++acknowledged;
  ::close(acks[0]);
  int wait_status = 0;
  ASSERT_EQ(::waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(WIFEXITED(wait_status));
  ASSERT_EQ(WEXITSTATUS(wait_status), 0);
  ASSERT_EQ(acknowledged, 200);

  auto store = open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->stats().keys, 200u);
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(store->exists("key" + std::to_string(i)).value());
  if (GetParam().segment_bytes_max >= (1 << 20)) {
    EXPECT_GT(store->stats().torn_bytes_dropped, 0u) << "the preallocated zero tail is cut";
  }
  EXPECT_TRUE(store->set("after", "1").is_ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, IoBackendTest,
                         ::testing::Values(BackendCase{IoBackend::kIoUring, "io_uring", 64 << 20},
                                           BackendCase{IoBackend::kIoUring, "io_uring", 64 << 10},
                                           BackendCase{IoBackend::kPwrite, "pwrite", 64 << 20},
                                           BackendCase{IoBackend::kPwrite, "pwrite", 64 << 10}),
                         [](const ::testing::TestParamInfo<BackendCase>& info) {
                           return std::string(info.param.name) +
                                  (info.param.segment_bytes_max >= (1 << 20) ? "_preallocated"
                                                                             : "_growing");
                         });

}  // namespace
}  // namespace logkv
