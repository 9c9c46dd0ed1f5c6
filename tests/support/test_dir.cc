#include "tests/support/test_dir.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace logkv::testing {

TestDir::TestDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/logkv-test-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + pattern);
  path_ = pattern;
}

TestDir::~TestDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TestDir::file(const std::string& name) const { return path_ + "/" + name; }

}  // namespace logkv::testing
