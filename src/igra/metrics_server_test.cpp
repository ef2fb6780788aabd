#include "igra/metrics_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

namespace igra::igra {
namespace {

std::string http(const std::string& address, const std::string& request) {
  const auto colon = address.rfind(':');
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(std::stoi(address.substr(colon + 1))));
  inet_pton(AF_INET, address.substr(0, colon).c_str(), &addr.sin_addr);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return out;
}

TEST(MetricsServer, ServesPrometheusTextAndRejectsOtherPaths) {
  MetricsServer server([] { return std::string("# TYPE igra_l2_head gauge\nigra_l2_head 42\n"); });
  ASSERT_TRUE(server.start("127.0.0.1:0").ok());
  const std::string ok = http(server.address(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(ok.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << ok;
  EXPECT_NE(ok.find("Content-Type: text/plain; version=0.0.4"), std::string::npos);
  EXPECT_NE(ok.find("\r\n\r\n# TYPE igra_l2_head gauge\nigra_l2_head 42\n"), std::string::npos);
  EXPECT_EQ(http(server.address(), "GET / HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 404", 0), 0u);
  EXPECT_EQ(http(server.address(), std::string(9000, 'A')).rfind("HTTP/1.1 431", 0), 0u);
  server.stop();
}

TEST(MetricsServer, BadAddressesAreErrors) {
  MetricsServer server([] { return std::string(); });
  EXPECT_FALSE(server.start("localhost").ok());
  EXPECT_FALSE(server.start("not-an-ip:9000").ok());
  EXPECT_FALSE(server.start("127.0.0.1:70000").ok());
}

}  // namespace
}  // namespace igra::igra
