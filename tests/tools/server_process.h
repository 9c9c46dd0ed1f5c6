// A long-running child process that announces its address on stdout: `logkv serve`, started by a
// test, waited for by its "listening on http://HOST:PORT" line, stopped with a signal.
//
// Every wait is bounded: a child that does not announce itself, or does not exit after a
// signal, fails the wait with what it printed, and the destructor kills a child still running.
//
// Thread-safety: one thread drives a ServerProcess; the server itself may be used from many.
#ifndef LOGKV_TESTS_TOOLS_SERVER_PROCESS_H_
#define LOGKV_TESTS_TOOLS_SERVER_PROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace logkv::testing {

class ServerProcess {
 public:
  // Starts `program args...` with stdout and stderr captured; stdin is empty.
  ServerProcess(const std::string& program, const std::vector<std::string>& args);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Reads stdout until a line "listening on http://HOST:PORT" or until `timeout_ms` passes or the
  // child exits. Returns the port, or nullopt (see output() for why).
  std::optional<int> wait_for_listening(int timeout_ms);

  // Sends `signal_number` and waits up to `timeout_ms` for the child to exit. Returns its exit
  // code, or nullopt when it did not exit in time (it is then killed) or died of a signal.
  std::optional<int> stop(int signal_number, int timeout_ms);

  // Waits up to `timeout_ms` for the child to exit by itself; as stop() otherwise.
  std::optional<int> wait_for_exit(int timeout_ms);

  // Everything read so far from the child's stdout and stderr.
  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }
  // out() and err() together, for failure messages.
  std::string output() const;

 private:
  // Reads whatever the child wrote within `timeout_ms`; false when both pipes are closed.
  bool read_some(int timeout_ms);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_;
  std::string err_;
  std::string start_error_;
};

}  // namespace logkv::testing

#endif  // LOGKV_TESTS_TOOLS_SERVER_PROCESS_H_
