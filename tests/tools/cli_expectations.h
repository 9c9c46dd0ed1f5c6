// Expectations shared by the tests that run the `logkv` tool as a child process.
#ifndef LOGKV_TESTS_TOOLS_CLI_EXPECTATIONS_H_
#define LOGKV_TESTS_TOOLS_CLI_EXPECTATIONS_H_

#include <gtest/gtest.h>

#include "tests/tools/process_runner.h"

namespace logkv::testing {

// Every failure is one line on stderr starting with "logkv: ".
inline void expect_one_error_line(const ProcessResult& result) {
  EXPECT_EQ(result.err.rfind("logkv: ", 0), 0u) << result.err;
  EXPECT_EQ(result.err.find('\n'), result.err.size() - 1) << result.err;
}

}  // namespace logkv::testing

#endif  // LOGKV_TESTS_TOOLS_CLI_EXPECTATIONS_H_
