#include "tests/tools/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>

extern char** environ;

namespace logkv::testing {
namespace {

using Clock = std::chrono::steady_clock;

int milliseconds_left(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

}  // namespace

ServerProcess::ServerProcess(const std::string& program, const std::vector<std::string>& args) {
  std::array<int, 2> out_pipe{-1, -1}, err_pipe{-1, -1};
  if (::pipe2(out_pipe.data(), O_CLOEXEC) != 0 || ::pipe2(err_pipe.data(), O_CLOEXEC) != 0) {
    start_error_ = std::string("pipe2: ") + std::strerror(errno);
    return;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  // The child gets default dispositions and an empty mask, as from a shell, whatever the test
  // process (or its runner) set.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults, empty;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  sigemptyset(&empty);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setsigmask(&attributes, &empty);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& text : argv_strings) argv.push_back(text.data());
  argv.push_back(nullptr);
  const int spawn_error =
      ::posix_spawn(&pid_, program.c_str(), &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
  if (spawn_error != 0) {
    pid_ = -1;
    start_error_ = "posix_spawn " + program + ": " + std::strerror(spawn_error);
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (out_fd_ >= 0) ::close(out_fd_);
  if (err_fd_ >= 0) ::close(err_fd_);
}

bool ServerProcess::read_some(int timeout_ms) {
  std::array<pollfd, 2> fds{pollfd{out_fd_, POLLIN, 0}, pollfd{err_fd_, POLLIN, 0}};
  if (out_fd_ < 0 && err_fd_ < 0) return false;
  if (::poll(fds.data(), fds.size(), timeout_ms) <= 0) return true;
  for (size_t index = 0; index < fds.size(); ++index) {
    int& fd = index == 0 ? out_fd_ : err_fd_;
    if (fd < 0 || fds[index].revents == 0) continue;
    std::array<char, 65536> buffer;
    const ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got > 0) {
      (index == 0 ? out_ : err_).append(buffer.data(), static_cast<size_t>(got));
    } else if (got == 0 || errno != EINTR) {
      ::close(fd);
      fd = -1;
    }
  }
  return true;
}

std::optional<int> ServerProcess::wait_for_listening(int timeout_ms) {
  if (pid_ < 0) return std::nullopt;
  const std::string announcement = "listening on http://";
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    const size_t at = out_.find(announcement);
    const size_t end = at == std::string::npos ? at : out_.find('\n', at);
    if (end != std::string::npos) {
      const std::string line = out_.substr(at, end - at);
      return std::stoi(line.substr(line.rfind(':') + 1));
    }
    const int left = milliseconds_left(deadline);
    if (left == 0 || !read_some(left)) return std::nullopt;
  }
}

std::optional<int> ServerProcess::stop(int signal_number, int timeout_ms) {
  if (pid_ < 0) return std::nullopt;
  ::kill(pid_, signal_number);
  return wait_for_exit(timeout_ms);
}

std::optional<int> ServerProcess::wait_for_exit(int timeout_ms) {
  if (pid_ < 0) return std::nullopt;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  int status = 0;
  while (true) {
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) break;
    const int left = milliseconds_left(deadline);
    if (left == 0) {
      err_ += "\n[did not exit within " + std::to_string(timeout_ms) + " ms; killed]";
      return std::nullopt;  // the destructor kills it
    }
    // Reading the pipes is the wait: it returns when the child writes or closes them (at exit).
    if (!read_some(std::min(left, 20))) {
      // Both pipes closed: the child is exiting; reap it.
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
  }
  pid_ = -1;
  while (read_some(0)) {
    if (out_fd_ < 0 && err_fd_ < 0) break;
    std::array<pollfd, 2> fds{pollfd{out_fd_, POLLIN, 0}, pollfd{err_fd_, POLLIN, 0}};
    if (::poll(fds.data(), fds.size(), 0) <= 0) break;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  err_ += "\n[killed by signal " + std::to_string(WTERMSIG(status)) + "]";
  return std::nullopt;
}

std::string ServerProcess::output() const {
  std::string text = start_error_;
  text += "\nstdout:\n" + out_ + "\nstderr:\n" + err_;
  return text;
}

}  // namespace logkv::testing
