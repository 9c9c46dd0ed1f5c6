// One process per store folder: a second open fails at once naming the holder; a dead holder's
// lock does not block.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "logkv/store.h"
#include "tests/support/test_dir.h"

namespace logkv {
namespace {

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
  int ready[2];
  int release[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(release), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(ready[0]);
    ::close(release[1]);
    Result<std::unique_ptr<Store>> store = Store::open(dir.path());
    const char byte = store.is_ok() ? 'y' : 'n';
    if (::write(ready[1], &byte, 1) != 1) ::_exit(3);
    char ignored;
    // Hold the store until the parent closes its end of the pipe.
    (void)::read(release[0], &ignored, 1);
    ::_exit(0);
  }
  ::close(ready[1]);
  ::close(release[0]);
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ASSERT_EQ(byte, 'y') << "child could not open the store";

  Result<std::unique_ptr<Store>> store = Store::open(dir.path());
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(store.status().code(), StatusCode::kLocked);
  EXPECT_NE(store.status().message().find(std::to_string(child)), std::string::npos)
      << store.status().message();

  ::close(release[1]);
  int wait_status = 0;
  ASSERT_EQ(::waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(WIFEXITED(wait_status));
  ::close(ready[0]);
  EXPECT_TRUE(Store::open(dir.path()).is_ok()) << "a lock is released when its holder exits";
}

// The lock is held on the store folder, not only on the LOCK file: removing the file (by hand, or
// a cleanup script) must not let a second writer in beside the holder.
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
  int ready[2];
  int release[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(release), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(ready[0]);
    ::close(release[1]);
    Result<std::unique_ptr<Store>> store = Store::open(dir.path());
    const char byte = store.is_ok() && (*store)->set("k", "child").is_ok() ? 'y' : 'n';
    if (::write(ready[1], &byte, 1) != 1) ::_exit(3);
    char ignored;
    (void)::read(release[0], &ignored, 1);
    ::_exit(store.is_ok() && (*store)->close().is_ok() ? 0 : 4);
  }
  ::close(ready[1]);
  ::close(release[0]);
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ASSERT_EQ(byte, 'y') << "child could not open the store";
  ASSERT_TRUE(std::filesystem::remove(dir.file("LOCK")));

  Result<std::unique_ptr<Store>> intruder = Store::open(dir.path());
  EXPECT_FALSE(intruder.is_ok()) << "a second writer opened the store after LOCK was removed";
  if (!intruder.is_ok()) EXPECT_EQ(intruder.status().code(), StatusCode::kLocked);
  intruder = Status::locked("released");  // drop it, if it opened, before the holder goes on

  ::close(release[1]);
  int wait_status = 0;
  ASSERT_EQ(::waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(WIFEXITED(wait_status));
  EXPECT_EQ(WEXITSTATUS(wait_status), 0);
  ::close(ready[0]);
  Result<std::unique_ptr<Store>> store = Store::open(dir.path());
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();
  EXPECT_EQ((*store)->get("k").value(), "child");
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
