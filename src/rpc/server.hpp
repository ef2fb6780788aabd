#pragma once
// The JSON-RPC transport: HTTP/1.1 (POST, keep-alive, CORS preflight) and WebSocket on one port (Boost.Beast
// on Asio). Limits, each answered with a JSON-RPC error rather than a silently dropped connection:
//   - request size: an HTTP body above max_request_bytes gets 413 with error -32005 (then the connection is
//     closed after the rest of the body was drained); a WebSocket message above it gets error -32005 on the
//     open connection, and one above 4 x the limit closes the socket with status 1009 ("message too big");
//   - per-IP rate: a token bucket of rate_per_second tokens (burst rate_burst) per remote address; every
//     request item takes one token, so a batch of 100 costs 100; items beyond the budget get -32005;
//   - batch size, nesting depth, response size and per-call timeouts: see DispatchLimits (json_rpc.hpp);
//   - connections: at most max_connections at a time (new ones are answered 503 and closed);
//   - idle connections are closed after idle_timeout.
// Handlers run on the server's I/O threads, which have large stacks (the EVM recurses per call depth).
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "rpc/json_rpc.hpp"

namespace igra::rpc {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8545;  // 0 picks a free port (see Server::port())
  std::size_t max_request_bytes = 5u << 20;
  unsigned threads = 4;
  // Origins allowed to call from a browser ("*" = any). Empty: no CORS headers (browsers refuse).
  std::vector<std::string> cors_origins = {"*"};
  double rate_per_second = 0;  // per remote IP; 0 = unlimited
  double rate_burst = 0;       // bucket size; 0 = 2 x rate_per_second
  std::size_t max_connections = 2048;
  std::size_t max_ws_queue_bytes = 64u << 20;  // a WebSocket client that falls further behind is closed
  std::chrono::seconds idle_timeout{120};
};

class Server {
 public:
  Server(const Dispatcher& dispatcher, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  core::Result<void> start();
  void stop();
  std::uint16_t port() const;
  std::string address() const;  // host:port

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace igra::rpc
