#include "igra/metrics_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace igra::igra {

core::Result<void> MetricsServer::start(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return core::Error{core::ErrorCode::kInvalidArgument, "metrics address must be host:port"};
  const std::string host = listen.substr(0, colon);
  int port = 0;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (...) {
    port = -1;
  }
  if (port < 0 || port > 65535) return core::Error{core::ErrorCode::kInvalidArgument, "bad metrics port in " + listen};
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1)
    return core::Error{core::ErrorCode::kInvalidArgument, "metrics host must be an IPv4 address: " + host};
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return core::Error{core::ErrorCode::kIo, std::string("socket: ") + std::strerror(errno)};
  const int one = 1;
  ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0) {
    const std::string err = std::strerror(errno);
    ::close(fd_);
    fd_ = -1;
    return core::Error{core::ErrorCode::kIo, "cannot listen on " + listen + ": " + err};
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  address_ = host + ":" + std::to_string(ntohs(addr.sin_port));
  stop_ = false;
  thread_ = std::thread([this] { serve(); });
  return {};
}

void MetricsServer::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void MetricsServer::serve() {
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) continue;
    std::string req;
    char buf[1024];
    bool complete = false;
    while (req.size() <= 8192) {
      pollfd cp{c, POLLIN, 0};
      if (::poll(&cp, 1, 5000) <= 0) break;
      const ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      req.append(buf, static_cast<std::size_t>(n));
      if (req.find("\r\n\r\n") != std::string::npos) {
        complete = true;
        break;
      }
    }
    std::string status = "400 Bad Request", body = "bad request\n", type = "text/plain";
    if (complete) {
      if (req.rfind("GET /metrics ", 0) == 0 || req.rfind("GET /metrics?", 0) == 0) {
        status = "200 OK";
        body = render_();
        type = "text/plain; version=0.0.4; charset=utf-8";
      } else {
        status = "404 Not Found";
        body = "not found (try /metrics)\n";
      }
    } else if (req.size() > 8192) {
      status = "431 Request Header Fields Too Large";
      body = "request too large\n";
    }
    const std::string resp = "HTTP/1.1 " + status + "\r\nContent-Type: " + type + "\r\nContent-Length: " +
                             std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    std::size_t off = 0;
    while (off < resp.size()) {
      const ssize_t n = ::send(c, resp.data() + off, resp.size() - off, MSG_NOSIGNAL);
      if (n <= 0) break;
      off += static_cast<std::size_t>(n);
    }
    ::close(c);
  }
}

}  // namespace igra::igra
