// `logkv serve`: the store behind an HTTP front (cpp-httplib) that answers the seed tutorial's
// routes (tools/serve_routes.h) until SIGINT or SIGTERM.
//
// Lifetime: the store is opened once, as every command opens it, and held until the server has
// stopped. Once the listening socket accepts connections, one line
// "listening on http://HOST:PORT" goes to io.out (flushed), so that scripts can find a port
// picked with :0. SIGINT and SIGTERM are blocked in every thread and taken by one thread with
// sigwait; it stops the server, which finishes the requests already read (a thread-pool worker
// finishes its connection's current request and then closes it), then the store is closed (its
// close syncs) and the command returns kSuccess. A POST is answered 200 only after the store's
// set returned ok, so no acknowledged write is lost.
//
// Thread-safety: run_serve blocks SIGINT and SIGTERM in the calling thread before it starts any
// thread, and does not unblock them (the process is expected to exit after it returns). Call it
// once per process, from the thread that started no other thread yet.
#ifndef LOGKV_TOOLS_SERVE_COMMAND_H_
#define LOGKV_TOOLS_SERVE_COMMAND_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "logkv/status.h"
#include "tools/command_support.h"
#include "tools/exit_codes.h"

namespace logkv::tool {

struct ServeOptions {
  // HOST:PORT, [IPV6]:PORT; port 0 picks a free one.
  std::string listen = "127.0.0.1:3000";
  // Allows a HOST that is not a loopback address. The server has no authentication and no TLS.
  bool public_address = false;
  // Worker threads. Each serves one connection at a time, for as long as the client keeps it
  // open (keep-alive): more simultaneous clients than threads wait for a free one.
  size_t threads = 16;
};

// Where to listen, parsed from ServeOptions::listen.
struct ListenAddress {
  std::string host;  // without brackets
  int port = 0;
  bool loopback = false;  // "localhost", 127.0.0.0/8 or ::1
};

// Parses HOST:PORT; kInvalidArgument saying what is wrong otherwise.
Result<ListenAddress> parse_listen_address(const std::string& text);

// Serves the selected store until SIGINT/SIGTERM. kUsage for a bad --listen, or a non-loopback
// one without public_address; kStoreError when the store cannot be opened or closed, or the
// address cannot be bound; kSuccess after a signal stopped it cleanly.
ExitCode run_serve(const StoreSelection& selection, const ServeOptions& options, CommandIo& io);

}  // namespace logkv::tool

#endif  // LOGKV_TOOLS_SERVE_COMMAND_H_
