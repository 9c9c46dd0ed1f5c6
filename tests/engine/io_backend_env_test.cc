// The LOGKV_IO_BACKEND environment variable: with Options::io_backend left at kAuto it chooses
// the backend (so that ./test.sh can run the real-disk suites on io_uring), an explicit backend
// or an in-memory store ignores it, and a value it does not know fails the open saying so.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "logkv/store.h"
#include "tests/support/test_dir.h"

namespace logkv {
namespace {

constexpr char kVariable[] = "LOGKV_IO_BACKEND";

class IoBackendEnvTest : public ::testing::Test {
 protected:
  // The variable may be set for the whole test run (./test.sh's pwrite pass): keep its value
  // and put it back afterwards, so that these tests neither depend on it nor change it.
  void SetUp() override {
    if (const char* value = std::getenv(kVariable)) saved_ = value;
  }
  void TearDown() override {
    if (saved_.has_value()) {
      ::setenv(kVariable, saved_->c_str(), 1);
    } else {
      ::unsetenv(kVariable);
    }
  }

  static void set_variable(const char* value) { ASSERT_EQ(::setenv(kVariable, value, 1), 0); }

  Result<std::unique_ptr<Store>> open(IoBackend backend = IoBackend::kAuto) {
    Options options;
    options.io_backend = backend;
    return Store::open(dir_.file("store"), options);
  }

  testing::TestDir dir_;
  std::optional<std::string> saved_;
};

TEST_F(IoBackendEnvTest, PwriteValueMakesAnAutoStoreUsePwrite) {
  set_variable("pwrite");
  Result<std::unique_ptr<Store>> store = open();
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();
  EXPECT_EQ((*store)->stats().io_backend, "pwrite");
  ASSERT_TRUE((*store)->set("k", "v").is_ok());
  EXPECT_EQ((*store)->get("k").value(), "v");
}

TEST_F(IoBackendEnvTest, UnknownValueFailsTheOpenNamingTheVariableAndTheAllowedValues) {
  set_variable("uring");
  Result<std::unique_ptr<Store>> store = open();
  ASSERT_FALSE(store.is_ok()) << "an unknown LOGKV_IO_BACKEND value must not be ignored";
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument) << store.status().to_string();
  const std::string& message = store.status().message();
  for (const char* part : {"LOGKV_IO_BACKEND", "'uring'", "'pwrite'", "'io_uring'", "'auto'"}) {
    EXPECT_NE(message.find(part), std::string::npos) << "missing " << part << " in: " << message;
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.file("store"))) << "a refused open creates nothing";
}

TEST_F(IoBackendEnvTest, IoUringValueUsesIoUringOrFailsWhereItIsUnusable) {
  // Whether io_uring works here (kernel, sandbox) decides what the variable must lead to.
  bool io_uring_usable = false;
  {
    ::unsetenv(kVariable);
    Result<std::unique_ptr<Store>> explicit_store = open(IoBackend::kIoUring);
    io_uring_usable = explicit_store.is_ok();
    if (!io_uring_usable) {
      EXPECT_EQ(explicit_store.status().code(), StatusCode::kNotSupported);
    }
  }
  set_variable("io_uring");
  Result<std::unique_ptr<Store>> store = open();
  if (io_uring_usable) {
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    EXPECT_EQ((*store)->stats().io_backend, "io_uring");
  } else {
    ASSERT_FALSE(store.is_ok()) << "forcing io_uring where it is unusable must not fall back";
    EXPECT_EQ(store.status().code(), StatusCode::kNotSupported) << store.status().to_string();
  }
}

TEST_F(IoBackendEnvTest, AutoOrEmptyValueLeavesTheDefaultPwrite) {
  for (const char* value : {"auto", ""}) {
    set_variable(value);
    Result<std::unique_ptr<Store>> store = open();
    ASSERT_TRUE(store.is_ok()) << "'" << value << "': " << store.status().to_string();
    EXPECT_EQ((*store)->stats().io_backend, "pwrite") << "'" << value << "'";
  }
}

TEST_F(IoBackendEnvTest, ExplicitBackendIgnoresTheVariable) {
  set_variable("not-a-backend");
  Result<std::unique_ptr<Store>> store = open(IoBackend::kPwrite);
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();
  EXPECT_EQ((*store)->stats().io_backend, "pwrite");
}

TEST_F(IoBackendEnvTest, InMemoryStoreIgnoresTheVariable) {
  set_variable("not-a-backend");
  Options options;
  options.in_memory = true;
  Result<std::unique_ptr<Store>> store = Store::open("memory-store", options);
  ASSERT_TRUE(store.is_ok()) << "an in-memory store has no I/O backend to choose: "
                             << store.status().to_string();
  ASSERT_TRUE((*store)->set("k", "v").is_ok());
  EXPECT_EQ((*store)->get("k").value(), "v");
  EXPECT_EQ((*store)->stats().io_backend, "memory");
}

}  // namespace
}  // namespace logkv
