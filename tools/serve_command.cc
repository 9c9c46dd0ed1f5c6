#include "tools/serve_command.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <ostream>
#include <string_view>
#include <thread>
#include <utility>

#include "tools/serve_routes.h"

namespace logkv::tool {
namespace {

// An idle keep-alive connection holds a worker thread, and a stopping server waits for it, so
// idle connections are closed after this long; it bounds how long a shutdown can take.
constexpr time_t kKeepAliveTimeoutSeconds = 2;
// Requests on one connection before the server closes it, so that clients beyond the number of
// threads get a turn.
constexpr size_t kKeepAliveRequestsMax = 100;

// httplib listens with a backlog of 5: a burst of clients connecting at once overflows it, and
// the kernel drops their handshakes (clients then see resets or one-second stalls). Linux lets
// listen() be called again on a listening socket to raise the backlog; httplib keeps the socket
// in a protected member, hence the subclass.
class Server : public httplib::Server {
 public:
  void raise_listen_backlog() { ::listen(svr_sock_, SOMAXCONN); }
};

bool is_loopback(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

bool is_served_method(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "POST" || method == "DELETE";
}

void apply(const ServeReply& reply, httplib::Response& response) {
  response.status = reply.status;
  if (!reply.allow.empty()) response.set_header("Allow", reply.allow);
  if (!reply.body.empty()) response.set_content(reply.body, reply.content_type);
}

void serve_request(Store& store, const httplib::Request& request, std::string_view body,
                   httplib::Response& response) {
  ServeRequest mapped{request.method, request.path, body, {}, {}, {}};
  if (request.has_param("limit")) mapped.limit = request.get_param_value("limit");
  if (request.has_param("cursor")) mapped.cursor = request.get_param_value("cursor");
  if (request.has_param("prefix")) mapped.prefix = request.get_param_value("prefix");
  apply(handle_request(store, mapped), response);
}

// httplib answers some requests before any handler runs, with an empty body: a body over the
// payload limit (413), a request target over its 8 KiB limit (414), a method it does not know or
// does not route (400). These get their reason here; a reply of ours already has its body.
httplib::Server::HandlerResponse explain_refusal(const Limits& limits,
                                                 const httplib::Request& request,
                                                 httplib::Response& response) {
  if (!response.body.empty() || response.status == 404) {
    return httplib::Server::HandlerResponse::Unhandled;
  }
  const bool known_method = is_served_method(request.method);
  ServeReply reply;
  if (response.status == 413) {
    reply = error_reply(
        413, Status::limit_exceeded("the request body is longer than value_bytes_max (" +
                                    std::to_string(limits.value_bytes_max) +
                                    " bytes); store a smaller value or raise the limit"));
  } else if (response.status == 414) {
    // An oversized key, as far as the client is concerned: the same status as one over
    // --key-bytes-max.
    reply = error_reply(
        413, Status::limit_exceeded("the request target is longer than the HTTP server's 8192 "
                                    "bytes; use a shorter key"));
  } else if (response.status == 400 && !request.method.empty() && !known_method) {
    reply = method_not_allowed(request.method, request.path);
    response.set_header("Connection", "close");  // its body, if any, was not read
  } else if (response.status == 400) {
    reply = error_reply(400, Status::invalid_argument("the request is not well-formed HTTP/1.1"));
  } else {
    return httplib::Server::HandlerResponse::Unhandled;
  }
  response.headers.erase("Allow");
  apply(reply, response);
  return httplib::Server::HandlerResponse::Handled;
}

// What the signal thread and the thread running the server tell each other.
struct ShutdownState {
  std::mutex mutex;
  std::condition_variable changed;
  bool signalled = false;     // a signal arrived; the signal thread is stopping the server
  bool listen_ended = false;  // listen_after_bind returned
  int signal_number = 0;
};

// Waits for SIGINT/SIGTERM, then stops the server until its listen loop has returned (stop()
// does nothing before the loop has started, so it is repeated until the loop is seen to end).
void wait_for_signal(const sigset_t& signals, httplib::Server& server, ShutdownState& state) {
  int signal_number = 0;
  while (::sigwait(&signals, &signal_number) != 0) {
  }
  std::unique_lock lock(state.mutex);
  // The server ended by itself and woke this thread with a signal of its own.
  if (state.listen_ended) return;
  state.signalled = true;
  state.signal_number = signal_number;
  while (!state.listen_ended) {
    lock.unlock();
    server.stop();
    lock.lock();
    state.changed.wait_for(lock, std::chrono::milliseconds(50), [&] { return state.listen_ended; });
  }
}

}  // namespace

Result<ListenAddress> parse_listen_address(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Status::invalid_argument("--listen '" + text +
                                    "' is not HOST:PORT; e.g. 127.0.0.1:3000, or 127.0.0.1:0 for "
                                    "a free port");
  }
  ListenAddress address;
  address.host = text.substr(0, colon);
  if (address.host.size() >= 2 && address.host.front() == '[' && address.host.back() == ']') {
    address.host = address.host.substr(1, address.host.size() - 2);
  } else if (address.host.find(':') != std::string::npos) {
    return Status::invalid_argument("--listen '" + text +
                                    "': write an IPv6 address in brackets, e.g. [::1]:3000");
  }
  const std::string_view port_text = std::string_view(text).substr(colon + 1);
  const char* end = port_text.data() + port_text.size();
  const auto [stop, error] = std::from_chars(port_text.data(), end, address.port);
  if (address.host.empty() || error != std::errc() || stop != end || address.port < 0 ||
      address.port > 65535) {
    return Status::invalid_argument("--listen '" + text +
                                    "' is not HOST:PORT with a port from 0 to 65535");
  }
  address.loopback = is_loopback(address.host);
  return address;
}

ExitCode run_serve(const StoreSelection& selection, const ServeOptions& options, CommandIo& io) {
  Result<ListenAddress> address = parse_listen_address(options.listen);
  if (!address.is_ok()) {
    io.err << "logkv: bad command line: " << address.status().message() << '\n';
    return ExitCode::kUsage;
  }
  if (!address->loopback && !options.public_address) {
    io.err << "logkv: bad command line: --listen " << options.listen
           << " is not a loopback address, so other machines could reach the store (the server "
              "has no authentication and no TLS); add --public to allow it, or listen on "
              "127.0.0.1\n";
    return ExitCode::kUsage;
  }
  if (options.threads == 0) {
    io.err << "logkv: bad command line: --threads must be at least 1\n";
    return ExitCode::kUsage;
  }

  // Blocked before any thread starts (the store's, the server's), so that every thread inherits
  // the mask and only the signal thread's sigwait takes them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  ::pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  // A client that hangs up mid-answer must not kill the server.
  ::signal(SIGPIPE, SIG_IGN);

  StoreSelection long_lived = selection;
  long_lived.long_lived = true;
  Result<OpenStore> store = OpenStore::open(long_lived, IfMissing::kCreate);
  if (!store.is_ok()) return report(io, "serve", store.status());
  Store& opened = **store;
  const Limits limits = store->limits();

  Server server;
  const size_t threads = options.threads;
  // httplib takes ownership of the queue it is handed as a raw pointer.
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_payload_max_length(limits.value_bytes_max);
  server.set_keep_alive_timeout(kKeepAliveTimeoutSeconds);
  server.set_keep_alive_max_count(kKeepAliveRequestsMax);
  // httplib writes a response's headers and body separately; with Nagle's algorithm the body
  // waits for the client's delayed ACK (about 40 ms) on a keep-alive connection.
  server.set_tcp_nodelay(true);
  const auto handler = [&opened](const httplib::Request& request, httplib::Response& response) {
    serve_request(opened, request, request.body, response);
  };
  // POST bodies are read through a content reader: httplib's ordinary handlers parse a body sent
  // as application/x-www-form-urlencoded (what `curl -d` sends) and refuse one over 8 KiB. The
  // reader applies only the payload limit (value_bytes_max), and the bytes are stored as sent.
  const auto post_handler = [&opened](const httplib::Request& request, httplib::Response& response,
                                      const httplib::ContentReader& read_body) {
    std::string body;
    const bool complete = read_body([&body](const char* data, size_t length) {
      body.append(data, length);
      return true;
    });
    if (!complete) {
      // httplib has set why (413 over the payload limit); explain_refusal adds the reason.
      if (response.status < 400) response.status = 400;
      return;
    }
    serve_request(opened, request, body, response);
  };
  // Every path matches; the routes tell keys from /_keys and refuse the methods they do not
  // serve with 405 and Allow. HEAD goes to the Get handler.
  const std::string kAnyPath = ".*";
  server.Get(kAnyPath, handler);
  server.Post(kAnyPath, post_handler);
  server.Delete(kAnyPath, handler);
  // Other methods httplib knows (PUT, PATCH, OPTIONS, ...) are refused before it reads a body:
  // it would wait for the end of a body without a length until its read timeout.
  server.set_pre_routing_handler([](const httplib::Request& request, httplib::Response& response) {
    if (is_served_method(request.method)) return httplib::Server::HandlerResponse::Unhandled;
    apply(method_not_allowed(request.method, request.path), response);
    // The body, if any, is left unread: the connection cannot carry another request.
    response.set_header("Connection", "close");
    return httplib::Server::HandlerResponse::Handled;
  });
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [limits](const httplib::Request& request, httplib::Response& response) {
        return explain_refusal(limits, request, response);
      }));

  int port = address->port;
  const bool bound = port == 0 ? (port = server.bind_to_any_port(address->host)) > 0
                               : server.bind_to_port(address->host, port);
  if (!bound) {
    return store->close(io, long_lived,
                        report(io, "serve",
                               Status::io_error("cannot listen on " + options.listen +
                                                " (address in use, or not an address of this "
                                                "machine); pick another --listen")));
  }
  server.raise_listen_backlog();
  if (!address->loopback) {
    io.err << "logkv: warning: serving on " << options.listen
           << ", which other machines may reach: no authentication, no TLS\n";
  }
  // The socket is listening (bind_to_port calls listen), so connections are accepted from here.
  const std::string shown_host =
      address->host.find(':') != std::string::npos ? "[" + address->host + "]" : address->host;
  io.out << "listening on http://" << shown_host << ':' << port << std::endl;

  ShutdownState state;
  std::thread signal_thread(
      [&stop_signals, &server, &state] { wait_for_signal(stop_signals, server, state); });
  const bool listened = server.listen_after_bind();
  bool woke_by_signal = false;
  {
    std::lock_guard lock(state.mutex);
    state.listen_ended = true;
    woke_by_signal = state.signalled;
  }
  state.changed.notify_all();
  // The server ended without a signal: wake the signal thread with one aimed at it alone.
  if (!woke_by_signal) ::pthread_kill(signal_thread.native_handle(), SIGTERM);
  signal_thread.join();

  if (!woke_by_signal) {
    const ExitCode failed =
        report(io, "serve",
               Status::io_error(listened ? "the server stopped without a signal"
                                         : "the server's accept loop failed; see the system log"));
    return store->close(io, long_lived, failed);
  }
  io.out << "stopped on " << (state.signal_number == SIGINT ? "SIGINT" : "SIGTERM") << std::endl;
  return store->close(io, long_lived, ExitCode::kSuccess);
}

}  // namespace logkv::tool
