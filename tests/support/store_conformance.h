// The host's store conformance cases: one list of behaviours every store type behind a label
// must show (Spin's sequences, get-many order, increment, compare-and-swap, list-keys paging,
// limits), run unchanged against each backend by instantiating StoreConformanceTest with it.
//
// The cases live in store_conformance_cases.cc, which each test program compiles itself (a
// test registered from a static library would be dropped by the linker), next to one
// INSTANTIATE_TEST_SUITE_P(Backend, StoreConformanceTest, ...) of its backends.
#ifndef LOGKV_TESTS_SUPPORT_STORE_CONFORMANCE_H_
#define LOGKV_TESTS_SUPPORT_STORE_CONFORMANCE_H_

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "logkv/host.h"
#include "logkv/store.h"
#include "tests/support/test_dir.h"

namespace logkv::testing {

struct ConformanceBackend {
  // The instantiation's name ("Memory", "Redis", ...).
  std::string name;
  // Whether the backend can run now; when not, the case is skipped with `why_not`.
  std::function<bool(std::string* why_not)> available = [](std::string*) { return true; };
  // The lines of a [key_value_store.<label>] table for an empty store (called once per case,
  // which may empty the store first). `scratch` is a fresh folder of the case.
  std::function<std::string(const std::string& scratch)> table;
  // Whether the store refuses a new key beyond max_keys (a Redis store does not count keys).
  bool enforces_max_keys = true;
};

class StoreConformanceTest : public ::testing::TestWithParam<ConformanceBackend> {
 protected:
  void SetUp() override;
  // The label's store through a Host, with `limit_lines` ("max_key_bytes = 8\n") added to the
  // backend's table. Call it once per case: each call opens a new host on the same table.
  std::shared_ptr<Store> open_store(const std::string& limit_lines = "");

 private:
  TestDir scratch_;
  std::string table_;
  std::vector<std::unique_ptr<Host>> hosts_;
  std::vector<std::unique_ptr<ComponentStores>> components_;
};

// "Memory", ... as the instantiation's test-name suffix.
std::string conformance_backend_name(const ::testing::TestParamInfo<ConformanceBackend>& info);

}  // namespace logkv::testing

#endif  // LOGKV_TESTS_SUPPORT_STORE_CONFORMANCE_H_
