#include "rpc/server.hpp"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace igra::rpc {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr const char* kServerName = "igrad";
// I/O threads run the EVM for eth_call / eth_estimateGas / traces, which recurses once per call depth.
constexpr std::size_t kIoThreadStack = std::size_t{512} << 20;

class RateLimiter {
 public:
  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst > 0 ? burst : 2 * rate) {}
  bool enabled() const { return rate_ > 0; }
  bool take(const std::string& ip) {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lk(mu_);
    if (buckets_.size() > 100'000) prune(now);
    auto [it, inserted] = buckets_.try_emplace(ip, Bucket{burst_, now});
    Bucket& b = it->second;
    if (!inserted) {
      const double dt = std::chrono::duration<double>(now - b.last).count();
      b.tokens = std::min(burst_, b.tokens + dt * rate_);
      b.last = now;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point last;
  };
  void prune(std::chrono::steady_clock::time_point now) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      if (now - it->second.last > std::chrono::seconds(60)) {
        it = buckets_.erase(it);
      } else {
        ++it;
      }
    }
  }
  double rate_, burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

struct Shared {
  const Dispatcher* dispatcher = nullptr;
  ServerOptions options;
  std::unique_ptr<RateLimiter> limiter;
  std::atomic<std::size_t> connections{0};

  CallContext context(const std::string& peer) {
    CallContext ctx;
    ctx.peer = peer;
    if (limiter->enabled()) ctx.take_token = [this, peer] { return limiter->take(peer); };
    return ctx;
  }
  // The allowed-origin header value for a request's Origin, or empty.
  std::string cors_origin(std::string_view origin) const {
    if (origin.empty()) return {};
    for (const auto& o : options.cors_origins) {
      if (o == "*") return "*";
      if (o == origin) return std::string(origin);
    }
    return {};
  }
};

std::string peer_ip(const tcp::socket& s) {
  beast::error_code ec;
  auto ep = s.remote_endpoint(ec);
  return ec ? std::string("?") : ep.address().to_string();
}

class ConnectionSlot {
 public:
  explicit ConnectionSlot(Shared& s) : s_(&s) { ++s_->connections; }
  ~ConnectionSlot() {
    if (s_) --s_->connections;
  }
  ConnectionSlot(ConnectionSlot&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  ConnectionSlot(const ConnectionSlot&) = delete;

 private:
  Shared* s_;
};

// ---- WebSocket ----------------------------------------------------------------------------------------------

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(tcp::socket&& socket, Shared& shared, ConnectionSlot slot)
      : ws_(std::move(socket)), shared_(shared), slot_(std::move(slot)), peer_(peer_ip(ws_.next_layer().socket())) {}

  void accept(http::request<http::string_body> req) {
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, kServerName); }));
    // Messages up to 4 x the request limit are read and answered with a JSON-RPC error (the connection stays
    // open); larger ones make Beast close the socket with 1009 "message too big".
    ws_.read_message_max(4 * shared_.options.max_request_bytes);
    ws_.async_accept(req, beast::bind_front_handler(&WsSession::on_accept, shared_from_this()));
  }

  // Thread-safe push (subscriptions); serialized on the connection's strand.
  void push(std::string message) {
    net::post(ws_.get_executor(), [self = shared_from_this(), m = std::move(message)]() mutable {
      self->enqueue(std::move(m));
    });
  }
  bool alive() const { return alive_.load(); }

 private:
  class Sink final : public Subscriber {
   public:
    explicit Sink(std::weak_ptr<WsSession> s) : s_(std::move(s)) {}
    void send(std::string message) override {
      if (auto s = s_.lock(); s && s->alive()) s->push(std::move(message));
    }
    bool alive() const override {
      auto s = s_.lock();
      return s && s->alive();
    }

   private:
    std::weak_ptr<WsSession> s_;
  };

  void on_accept(beast::error_code ec) {
    if (ec) return close();
    sink_ = std::make_shared<Sink>(weak_from_this());
    read();
  }
  void read() {
    ws_.async_read(buffer_, beast::bind_front_handler(&WsSession::on_read, shared_from_this()));
  }
  void on_read(beast::error_code ec, std::size_t) {
    if (ec == websocket::error::message_too_big) {
      // Beast has sent the close frame (1009). Keep reading and discarding what the client still sends
      // until it closes (at most 5 s): closing with unread input would reset the connection and the
      // client could lose the close frame.
      alive_ = false;
      beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(5));
      return drain();
    }
    if (ec) return close();
    if (buffer_.size() > shared_.options.max_request_bytes) {
      buffer_.consume(buffer_.size());
      enqueue(Dispatcher::error_response(code::kLimitExceeded, "request too large: over " +
                                                                   std::to_string(shared_.options.max_request_bytes) +
                                                                   " bytes"));
      return read();
    }
    std::string body = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    CallContext ctx = shared_.context(peer_);
    ctx.subscriber = sink_;
    std::string out = shared_.dispatcher->handle(body, ctx);
    if (!out.empty()) enqueue(std::move(out));
    read();
  }
  void enqueue(std::string m) {
    if (!alive_) return;
    queued_bytes_ += m.size();
    if (queued_bytes_ > shared_.options.max_ws_queue_bytes) {
      alive_ = false;
      ws_.async_close(websocket::close_reason(websocket::close_code::policy_error, "client too slow"),
                      [self = shared_from_this()](beast::error_code) {});
      return;
    }
    queue_.push_back(std::move(m));
    if (queue_.size() == 1) write();
  }
  void write() {
    ws_.text(true);
    ws_.async_write(net::buffer(queue_.front()), beast::bind_front_handler(&WsSession::on_write, shared_from_this()));
  }
  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return close();
    queued_bytes_ -= queue_.front().size();
    queue_.pop_front();
    if (!queue_.empty()) write();
  }
  void close() { alive_ = false; }
  void drain() {
    drain_buf_.resize(64 * 1024);
    beast::get_lowest_layer(ws_).async_read_some(
        net::buffer(drain_buf_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (!ec) self->drain();
        });
  }
  std::vector<char> drain_buf_;

  websocket::stream<beast::tcp_stream> ws_;
  Shared& shared_;
  ConnectionSlot slot_;
  std::string peer_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  std::atomic<bool> alive_{true};
  std::shared_ptr<Sink> sink_;
};

// ---- HTTP ---------------------------------------------------------------------------------------------------

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket&& socket, Shared& shared, ConnectionSlot slot)
      : stream_(std::move(socket)), shared_(shared), slot_(std::move(slot)), peer_(peer_ip(stream_.socket())) {}

  void start() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpSession::read, shared_from_this()));
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(shared_.options.max_request_bytes);
    parser_->header_limit(64 * 1024);
    stream_.expires_after(shared_.options.idle_timeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return shutdown();
    if (ec == http::error::body_limit) {
      return send_error(http::status::payload_too_large, code::kLimitExceeded,
                        "request too large: over " + std::to_string(shared_.options.max_request_bytes) + " bytes",
                        true);
    }
    if (ec == http::error::header_limit)
      return send_error(http::status::request_header_fields_too_large, code::kLimitExceeded, "headers too large", true);
    if (ec == beast::error::timeout) return shutdown();
    if (ec) {
      if (ec.category() == http::make_error_code(http::error::bad_method).category())
        return send_error(http::status::bad_request, code::kInvalidRequest, "bad HTTP request: " + ec.message(), true);
      return shutdown();
    }
    auto req = parser_->release();
    if (websocket::is_upgrade(req)) {
      auto ws = std::make_shared<WsSession>(stream_.release_socket(), shared_, std::move(slot_));
      ws->accept(std::move(req));
      return;
    }
    origin_ = shared_.cors_origin(req[http::field::origin]);
    keep_alive_ = req.keep_alive();
    version_ = req.version();
    if (req.method() == http::verb::options) {
      http::response<http::string_body> res{http::status::no_content, version_};
      res.set(http::field::access_control_allow_methods, "POST, GET, OPTIONS");
      const auto requested = req[http::field::access_control_request_headers];
      res.set(http::field::access_control_allow_headers, requested.empty() ? "Content-Type" : requested);
      res.set(http::field::access_control_max_age, "600");
      return send(std::move(res));
    }
    if (req.method() == http::verb::get) {
      if (req.target() == "/health" || req.target() == "/") {
        http::response<http::string_body> res{http::status::ok, version_};
        res.set(http::field::content_type, "text/plain");
        res.body() = "igrad JSON-RPC: POST JSON-RPC 2.0 requests here, or connect a WebSocket\n";
        return send(std::move(res));
      }
      return send_error(http::status::not_found, code::kInvalidRequest, "not found: POST to /", false);
    }
    if (req.method() != http::verb::post)
      return send_error(http::status::method_not_allowed, code::kInvalidRequest, "method not allowed: use POST", false);
    const auto ctype = req[http::field::content_type];
    if (!ctype.empty() && ctype.substr(0, 16) != "application/json")
      return send_error(http::status::unsupported_media_type, code::kInvalidRequest,
                        "unsupported content type: use application/json", false);
    CallContext ctx = shared_.context(peer_);
    std::string out = shared_.dispatcher->handle(req.body(), ctx);
    http::response<http::string_body> res{http::status::ok, version_};
    res.set(http::field::content_type, "application/json");
    res.body() = std::move(out);
    send(std::move(res));
  }

  void send_error(http::status status, int c, const std::string& message, bool close) {
    if (close) keep_alive_ = false;
    http::response<http::string_body> res{status, version_ ? version_ : 11};
    res.set(http::field::content_type, "application/json");
    res.body() = Dispatcher::error_response(c, message);
    send(std::move(res));
  }

  void send(http::response<http::string_body> res) {
    res.set(http::field::server, kServerName);
    if (!origin_.empty()) {
      res.set(http::field::access_control_allow_origin, origin_);
      if (origin_ != "*") res.set(http::field::vary, "Origin");
    }
    res.keep_alive(keep_alive_);
    res.prepare_payload();
    auto sp = std::make_shared<http::response<http::string_body>>(std::move(res));
    http::async_write(stream_, *sp,
                      [self = shared_from_this(), sp](beast::error_code ec, std::size_t) { self->on_write(ec, sp->keep_alive()); });
  }

  void on_write(beast::error_code ec, bool keep) {
    if (ec) return;
    if (!keep) return shutdown();
    read();
  }

  // Closes our sending side, then reads and discards what the client still sends (a rejected oversized body)
  // until it closes, for at most 5 seconds and 4 x the request limit: closing a socket with unread input
  // makes the kernel reset the connection, and the client would lose the error response.
  void shutdown() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    drain_budget_ = 4 * shared_.options.max_request_bytes + (1u << 20);
    stream_.expires_after(std::chrono::seconds(5));
    drain();
  }
  void drain() {
    drain_buf_.resize(64 * 1024);
    stream_.async_read_some(net::buffer(drain_buf_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      if (ec || n >= self->drain_budget_) return;
      self->drain_budget_ -= n;
      self->drain();
    });
  }
  std::vector<char> drain_buf_;
  std::size_t drain_budget_ = 0;

  beast::tcp_stream stream_;
  Shared& shared_;
  ConnectionSlot slot_;
  std::string peer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string origin_;
  bool keep_alive_ = true;
  unsigned version_ = 11;
};

}  // namespace

struct Server::Impl {
  Shared shared;
  net::io_context ioc;
  std::optional<tcp::acceptor> acceptor;
  std::vector<pthread_t> threads;
  std::uint16_t port = 0;
  bool running = false;

  void accept() {
    acceptor->async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted) return;
      if (!ec) {
        if (shared.connections.load() >= shared.options.max_connections) {
          static const std::string kBusy =
              "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\n"
              "Content-Length: 86\r\n\r\n"
              "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32005,\"message\":\"too many connections\"}}\n";
          beast::error_code wec;
          net::write(socket, net::buffer(kBusy), wec);
          socket.close(wec);
        } else {
          std::make_shared<HttpSession>(std::move(socket), shared, ConnectionSlot(shared))->start();
        }
      }
      accept();
    });
  }
};

Server::Server(const Dispatcher& dispatcher, ServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->shared.dispatcher = &dispatcher;
  impl_->shared.limiter = std::make_unique<RateLimiter>(options.rate_per_second, options.rate_burst);
  impl_->shared.options = std::move(options);
}

Server::~Server() { stop(); }

core::Result<void> Server::start() {
  auto& im = *impl_;
  beast::error_code ec;
  auto addr = net::ip::make_address(im.shared.options.host, ec);
  if (ec) return core::Error{core::ErrorCode::kInvalidArgument, "rpc: bad listen address " + im.shared.options.host};
  const tcp::endpoint ep(addr, im.shared.options.port);
  im.acceptor.emplace(im.ioc);
  im.acceptor->open(ep.protocol(), ec);
  if (!ec) im.acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) im.acceptor->bind(ep, ec);
  if (!ec) im.acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return core::Error{core::ErrorCode::kIo, "rpc: cannot listen on " + im.shared.options.host + ":" +
                                                 std::to_string(im.shared.options.port) + ": " + ec.message()};
  im.port = im.acceptor->local_endpoint().port();
  im.accept();
  const unsigned n = std::max(1u, im.shared.options.threads);
  for (unsigned i = 0; i < n; ++i) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, kIoThreadStack);
    pthread_t t;
    const int rc = pthread_create(
        &t, &attr,
        [](void* p) -> void* {
          static_cast<net::io_context*>(p)->run();
          return nullptr;
        },
        &im.ioc);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
      stop();
      return core::Error{core::ErrorCode::kInternal, "rpc: cannot start I/O thread"};
    }
    im.threads.push_back(t);
  }
  im.running = true;
  return {};
}

void Server::stop() {
  auto& im = *impl_;
  if (im.acceptor) {
    beast::error_code ec;
    im.acceptor->close(ec);
  }
  im.ioc.stop();
  for (auto t : im.threads) pthread_join(t, nullptr);
  im.threads.clear();
  im.running = false;
}

std::uint16_t Server::port() const { return impl_->port; }
std::string Server::address() const { return impl_->shared.options.host + ":" + std::to_string(impl_->port); }

}  // namespace igra::rpc
