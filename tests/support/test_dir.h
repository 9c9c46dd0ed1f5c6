// A fresh temporary folder per test, removed when the test ends.
#ifndef LOGKV_TESTS_SUPPORT_TEST_DIR_H_
#define LOGKV_TESTS_SUPPORT_TEST_DIR_H_

#include <string>

namespace logkv::testing {

class TestDir {
 public:
  TestDir();  // creates a unique folder under $TMPDIR (or /tmp)
  ~TestDir();  // removes it and everything in it
  TestDir(const TestDir&) = delete;
  TestDir& operator=(const TestDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string file(const std::string& name) const;

 private:
  std::string path_;
};

}  // namespace logkv::testing

#endif  // LOGKV_TESTS_SUPPORT_TEST_DIR_H_
