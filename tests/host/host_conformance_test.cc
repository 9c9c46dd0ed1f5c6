// The store conformance cases (tests/support/store_conformance.h) against the embedded engine
// behind a label: in memory (no `path`) and on disk.
#include "tests/support/store_conformance.h"

namespace logkv::testing {
namespace {

ConformanceBackend memory_backend() {
  ConformanceBackend backend;
  backend.name = "Memory";
  backend.table = [](const std::string&) { return std::string("type = \"spin\"\n"); };
  return backend;
}

ConformanceBackend disk_backend() {
  ConformanceBackend backend;
  backend.name = "Disk";
  backend.table = [](const std::string& scratch) {
    return "type = \"logkv\"\npath = \"" + scratch + "/store\"\n";
  };
  return backend;
}

INSTANTIATE_TEST_SUITE_P(Embedded, StoreConformanceTest,
                         ::testing::Values(memory_backend(), disk_backend()),
                         conformance_backend_name);

}  // namespace
}  // namespace logkv::testing
