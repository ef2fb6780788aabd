#pragma once
// A minimal HTTP/1.1 server for Prometheus scrapes: GET /metrics answers the text the callback returns
// (text/plain; version=0.0.4), anything else 404. One connection at a time, 5-second read timeout,
// requests above 8 KiB rejected; binds to the address given (the node defaults to 127.0.0.1).
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "core/error.hpp"

namespace igra::igra {

class MetricsServer {
 public:
  explicit MetricsServer(std::function<std::string()> render) : render_(std::move(render)) {}
  ~MetricsServer() { stop(); }
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // host:port; port 0 picks a free port (see address()).
  core::Result<void> start(const std::string& listen);
  void stop();
  std::string address() const { return address_; }

 private:
  void serve();
  std::function<std::string()> render_;
  int fd_ = -1;
  std::string address_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace igra::igra
