#include "tests/tools/process_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace logkv::testing {
namespace {

// Closes a descriptor once; -1 means closed.
void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

std::vector<std::string> child_environment(
    const std::map<std::string, std::optional<std::string>>& changes) {
  std::vector<std::string> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text(*entry);
    const std::string name = text.substr(0, text.find('='));
    if (changes.count(name) == 0) entries.push_back(text);
  }
  for (const auto& [name, value] : changes) {
    if (value.has_value()) entries.push_back(name + "=" + *value);
  }
  return entries;
}

std::vector<char*> pointers_to(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& text : strings) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

ProcessResult failed(const std::string& what) {
  ProcessResult result;
  result.err = what + ": " + std::strerror(errno);
  return result;
}

}  // namespace

ProcessResult run_process(const ProcessSpec& spec, int timeout_ms) {
  // A child that exits without reading its stdin must not kill the test with SIGPIPE.
  ::signal(SIGPIPE, SIG_IGN);

  std::array<int, 2> in_pipe{-1, -1}, out_pipe{-1, -1}, err_pipe{-1, -1};
  if (::pipe2(in_pipe.data(), O_CLOEXEC) != 0 || ::pipe2(out_pipe.data(), O_CLOEXEC) != 0 ||
      ::pipe2(err_pipe.data(), O_CLOEXEC) != 0) {
    return failed("pipe2");
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  if (!spec.working_dir.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, spec.working_dir.c_str());
  }
  // The test ignores SIGPIPE (above); the child gets the default, as from a shell.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t default_signals;
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGPIPE);
  posix_spawnattr_setsigdefault(&attributes, &default_signals);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> argv_strings{spec.program};
  argv_strings.insert(argv_strings.end(), spec.args.begin(), spec.args.end());
  std::vector<std::string> env_strings = child_environment(spec.env);
  std::vector<char*> argv = pointers_to(argv_strings);
  std::vector<char*> envp = pointers_to(env_strings);

  pid_t pid = -1;
  const int spawn_error =
      ::posix_spawn(&pid, spec.program.c_str(), &actions, &attributes, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close_fd(in_pipe[0]);
  close_fd(out_pipe[1]);
  close_fd(err_pipe[1]);
  if (spawn_error != 0) {
    errno = spawn_error;
    close_fd(in_pipe[1]);
    close_fd(out_pipe[0]);
    close_fd(err_pipe[0]);
    return failed("posix_spawn " + spec.program);
  }

  ::fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);
  ProcessResult result;
  size_t stdin_written = 0;
  if (spec.stdin_bytes.empty()) close_fd(in_pipe[1]);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  bool timed_out = false;
  while (out_pipe[0] >= 0 || err_pipe[0] >= 0) {
    std::array<pollfd, 3> fds{pollfd{in_pipe[1], POLLOUT, 0}, pollfd{out_pipe[0], POLLIN, 0},
                              pollfd{err_pipe[0], POLLIN, 0}};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    if (::poll(fds.data(), fds.size(), static_cast<int>(left.count())) < 0 && errno != EINTR) {
      break;
    }
    if (in_pipe[1] >= 0 && fds[0].revents != 0) {
      const ssize_t wrote = ::write(in_pipe[1], spec.stdin_bytes.data() + stdin_written,
                                    spec.stdin_bytes.size() - stdin_written);
      if (wrote > 0) stdin_written += static_cast<size_t>(wrote);
      // A child that stopped reading (EPIPE) simply does not get the rest.
      if ((wrote < 0 && errno != EAGAIN) || stdin_written == spec.stdin_bytes.size()) {
        close_fd(in_pipe[1]);
      }
    }
    for (int index : {1, 2}) {
      int& fd = index == 1 ? out_pipe[0] : err_pipe[0];
      if (fd < 0 || fds[index].revents == 0) continue;
      std::array<char, 65536> buffer;
      const ssize_t got = ::read(fd, buffer.data(), buffer.size());
      if (got > 0) {
        (index == 1 ? result.out : result.err).append(buffer.data(), static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        close_fd(fd);
      }
    }
  }
  close_fd(in_pipe[1]);
  close_fd(out_pipe[0]);
  close_fd(err_pipe[0]);
  if (timed_out) ::kill(pid, SIGKILL);

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    result.err += "\n[killed after " + std::to_string(timeout_ms) + " ms]";
  } else if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.err += "\n[killed by signal " + std::to_string(WTERMSIG(status)) + "]";
  }
  return result;
}

std::string required_env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

}  // namespace logkv::testing
