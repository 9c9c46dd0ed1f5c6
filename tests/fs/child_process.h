// run_in_child: runs a piece of a test in a forked child process, for what must not touch the
// test process itself (resource limits, seccomp filters), and hands back the text it produced.
#ifndef LOGKV_TESTS_FS_CHILD_PROCESS_H_
#define LOGKV_TESTS_FS_CHILD_PROCESS_H_

#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <string>

namespace logkv::testing {

struct ChildOutcome {
  bool exited_cleanly = false;  // the child returned from `body` and exited with status 0
  std::string output;           // what `body` returned
};

// Forks; the child runs `body`, writes its result to a pipe and exits without running any
// destructors or test machinery of the parent's. Call it while the test runs no other threads.
inline ChildOutcome run_in_child(const std::function<std::string()>& body) {
  ChildOutcome outcome;
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return outcome;
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return outcome;
  }
  if (pid == 0) {
    ::close(pipe_fds[0]);
    const std::string output = body();
    size_t done = 0;
    while (done < output.size()) {
      const ssize_t written = ::write(pipe_fds[1], output.data() + done, output.size() - done);
      if (written <= 0) ::_exit(3);
      done += static_cast<size_t>(written);
    }
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  char buffer[4096];
  ssize_t got;
  while ((got = ::read(pipe_fds[0], buffer, sizeof(buffer))) > 0) {
    outcome.output.append(buffer, static_cast<size_t>(got));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  if (::waitpid(pid, &status, 0) == pid) {
    outcome.exited_cleanly = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  return outcome;
}

}  // namespace logkv::testing

#endif  // LOGKV_TESTS_FS_CHILD_PROCESS_H_
