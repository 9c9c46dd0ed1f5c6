// Runs a program as a child process (no shell) and captures what it wrote and how it ended.
// Used by the tests that drive the built `logkv` tool and the page_views example.
//
// Thread-safety: run_process may be called from several threads; each call owns its pipes.
#ifndef LOGKV_TESTS_TOOLS_PROCESS_RUNNER_H_
#define LOGKV_TESTS_TOOLS_PROCESS_RUNNER_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace logkv::testing {

struct ProcessSpec {
  std::string program;            // path of the executable
  std::vector<std::string> args;  // without argv[0]
  std::string stdin_bytes;        // written to the child's stdin, which is then closed
  std::string working_dir;        // empty: the test's own
  // Changes to the inherited environment: a value sets the variable, nullopt removes it.
  std::map<std::string, std::optional<std::string>> env;
};

struct ProcessResult {
  // The exit status; -1 when the child was killed by a signal or could not be started.
  int exit_code = -1;
  std::string out;
  std::string err;  // the child's stderr, or why it could not be started or was killed
};

// Runs the child to completion, feeding stdin and draining stdout/stderr concurrently so that
// neither side blocks on a full pipe. A child still running after `timeout_ms` is killed.
ProcessResult run_process(const ProcessSpec& spec, int timeout_ms = 60000);

// The value of environment variable `name` (set by the test's meson.build), or "" if unset.
std::string required_env(const char* name);

}  // namespace logkv::testing

#endif  // LOGKV_TESTS_TOOLS_PROCESS_RUNNER_H_
