// One process per store folder: a second open fails at once naming the holder; a dead holder's
// lock does not block.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "engine/store_impl.h"
#include "fs/mem_file_system.h"
#include "logkv/store.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/test_dir.h"

namespace logkv {
namespace {

using testing::FaultFileSystem;
using testing::OperationKind;

// A child process that opens the store in `dir`, sets k = "child", and holds the store until
// release() (then closes it and exits 0; 4 when the close fails).
class HolderProcess {
 public:
  explicit HolderProcess(const std::string& dir) {
    int ready[2];
    int release[2];
    if (::pipe(ready) != 0 || ::pipe(release) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(ready[0]);
      ::close(release[1]);
      Result<std::unique_ptr<Store>> store = Store::open(dir);
      const char byte = store.is_ok() && (*store)->set("k", "child").is_ok() ? 'y' : 'n';
      if (::write(ready[1], &byte, 1) != 1) ::_exit(3);
      char ignored;
      (void)::read(release[0], &ignored, 1);  // until the parent closes its end
      ::_exit(store.is_ok() && (*store)->close().is_ok() ? 0 : 4);
    }
    ::close(ready[1]);
    ::close(release[0]);
    ready_fd_ = ready[0];
    release_fd_ = release[1];
    char byte = 0;
    holding_ = pid_ > 0 && ::read(ready_fd_, &byte, 1) == 1 && byte == 'y';
  }
  ~HolderProcess() { (void)release(); }

  // Whether the child opened the store and holds it.
  bool holding() const { return holding_; }
  pid_t pid() const { return pid_; }

  // Lets the child close the store and exit; its exit status (-1 when it did not exit).
  int release() {
    if (pid_ <= 0) return -1;
    ::close(release_fd_);
    ::close(ready_fd_);
    int wait_status = 0;
    const bool waited = ::waitpid(pid_, &wait_status, 0) == pid_;
    pid_ = -1;
    return waited && WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int ready_fd_ = -1;
  int release_fd_ = -1;
  bool holding_ = false;
};

TEST(LockTest, SecondOpenInTheSameProcessIsRefused) {
  testing::TestDir dir;
  Result<std::unique_ptr<Store>> first = Store::open(dir.path());
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  Result<std::unique_ptr<Store>> second = Store::open(dir.path());
  ASSERT_FALSE(second.is_ok());
  EXPECT_EQ(second.status().code(), StatusCode::kLocked);
  EXPECT_NE(second.status().message().find(std::to_string(::getpid())), std::string::npos)
      << second.status().message();
  ASSERT_TRUE((*first)->close().is_ok());
  EXPECT_TRUE(Store::open(dir.path()).is_ok()) << "close() must release the lock";
}

TEST(LockTest, StoreHeldByAnotherProcessIsRefusedNamingItsPid) {
  testing::TestDir dir;
  HolderProcess holder(dir.path());
  ASSERT_TRUE(holder.holding()) << "child could not open the store";

  Result<std::unique_ptr<Store>> store = Store::open(dir.path());
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(store.status().code(), StatusCode::kLocked);
  EXPECT_NE(store.status().message().find(std::to_string(holder.pid())), std::string::npos)
      << store.status().message();

  EXPECT_EQ(holder.release(), 0);
  EXPECT_TRUE(Store::open(dir.path()).is_ok()) << "a lock is released when its holder exits";
}

TEST(LockTest, RemovingTheLockFileDoesNotLetASecondWriterIn) {
  testing::TestDir dir;
  Result<std::unique_ptr<Store>> holder = Store::open(dir.path());
  ASSERT_TRUE(holder.is_ok()) << holder.status().to_string();
  ASSERT_TRUE((*holder)->set("k", "holder").is_ok());
  ASSERT_TRUE(std::filesystem::remove(dir.file("LOCK")));

  Result<std::unique_ptr<Store>> intruder = Store::open(dir.path());
  ASSERT_FALSE(intruder.is_ok()) << "a second writer opened the store after LOCK was removed";
  EXPECT_EQ(intruder.status().code(), StatusCode::kLocked) << intruder.status().to_string();

  ASSERT_TRUE((*holder)->set("k2", "still the holder").is_ok());
  ASSERT_TRUE((*holder)->close().is_ok());
  Result<std::unique_ptr<Store>> reopened = Store::open(dir.path());
  ASSERT_TRUE(reopened.is_ok()) << reopened.status().to_string();
  EXPECT_EQ((*reopened)->get("k").value(), "holder");
  EXPECT_EQ((*reopened)->get("k2").value(), "still the holder");
}

// The same with the holder in another process, as in the field: the intruder is refused.
TEST(LockTest, RemovingTheLockFileOfAnotherProcessDoesNotLetAWriterIn) {
  testing::TestDir dir;
  HolderProcess holder(dir.path());
  ASSERT_TRUE(holder.holding()) << "child could not open the store";
  ASSERT_TRUE(std::filesystem::remove(dir.file("LOCK")));

  Result<std::unique_ptr<Store>> intruder = Store::open(dir.path());
  EXPECT_FALSE(intruder.is_ok()) << "a second writer opened the store after LOCK was removed";
  if (!intruder.is_ok()) {
    EXPECT_EQ(intruder.status().code(), StatusCode::kLocked);
  }
  intruder = Status::locked("released");  // drop it, if it opened, before the holder goes on

  EXPECT_EQ(holder.release(), 0);
  Result<std::unique_ptr<Store>> store = Store::open(dir.path());
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();
  EXPECT_EQ((*store)->get("k").value(), "child");
}

// Options::lock_wait_ms: an open that finds the store held keeps trying and gets it once the
// holder closes. The lock attempts are counted at the file-system seam, so the test knows the
// waiting open has been refused at least twice (it is waiting) before the holder lets go.
TEST(LockTest, WaitingOpenGetsTheStoreOnceTheHolderCloses) {
  auto faults = std::make_shared<FaultFileSystem>(std::make_shared<MemFileSystem>());
  std::mutex mutex;
  std::condition_variable changed;
  int lock_attempts = 0;
  faults->set_hook([&](OperationKind kind, const std::string&) {
    if (kind != OperationKind::kLock) return;
    std::lock_guard guard(mutex);
    ++lock_attempts;
    changed.notify_all();
  });
  Result<std::unique_ptr<Store>> holder = open_store(faults, "/store", Options{});
  ASSERT_TRUE(holder.is_ok()) << holder.status().to_string();
  ASSERT_TRUE((*holder)->set("k", "v").is_ok());

  Options waiting;
  waiting.lock_wait_ms = 60'000;
  Result<std::unique_ptr<Store>> second = Status::locked("not opened yet");
  std::thread opener([&] { second = open_store(faults, "/store", waiting); });
  bool retried = false;
  {
    std::unique_lock guard(mutex);
    retried = changed.wait_for(guard, std::chrono::seconds(30), [&] { return lock_attempts >= 3; });
  }
  EXPECT_TRUE(retried) << "the waiting open did not retry within 30 s";
  ASSERT_TRUE((*holder)->close().is_ok());
  opener.join();
  ASSERT_TRUE(second.is_ok()) << second.status().to_string();
  EXPECT_EQ((*second)->get("k").value(), "v");
}

TEST(LockTest, WaitingOpenGivesUpWithTheHoldersMessage) {
  testing::TestDir dir;
  Result<std::unique_ptr<Store>> holder = Store::open(dir.path());
  ASSERT_TRUE(holder.is_ok()) << holder.status().to_string();
  Options waiting;
  waiting.lock_wait_ms = 50;
  Result<std::unique_ptr<Store>> second = Store::open(dir.path(), waiting);
  ASSERT_FALSE(second.is_ok());
  EXPECT_EQ(second.status().code(), StatusCode::kLocked);
  EXPECT_NE(second.status().message().find("still locked after waiting 50 ms"), std::string::npos)
      << second.status().message();
  EXPECT_NE(second.status().message().find(std::to_string(::getpid())), std::string::npos)
      << "the holder is still named: " << second.status().message();
}

TEST(LockTest, LockWaitAboveAnHourIsRefused) {
  testing::TestDir dir;
  Options options;
  options.lock_wait_ms = 3'600'001;
  Result<std::unique_ptr<Store>> store = Store::open(dir.path(), options);
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(store.status().message().find("lock_wait_ms"), std::string::npos);
}

TEST(LockTest, KilledHolderDoesNotBlock) {
  testing::TestDir dir;
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(ready[0]);
    Result<std::unique_ptr<Store>> store = Store::open(dir.path());
    if (store.is_ok()) (void)(*store)->set("k", "v");
    const char byte = store.is_ok() ? 'y' : 'n';
    if (::write(ready[1], &byte, 1) != 1) ::_exit(3);
    ::pause();  // until killed
    ::_exit(0);
  }
  ::close(ready[1]);
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ASSERT_EQ(byte, 'y');
  ::kill(child, SIGKILL);
  int wait_status = 0;
  ASSERT_EQ(::waitpid(child, &wait_status, 0), child);
  ::close(ready[0]);
  Result<std::unique_ptr<Store>> store = Store::open(dir.path());
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();
  EXPECT_EQ((*store)->get("k").value(), "v");
}

}  // namespace
}  // namespace logkv
