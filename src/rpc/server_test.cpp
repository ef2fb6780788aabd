// The HTTP / WebSocket transport over real loopback sockets: JSON-RPC over POST with keep-alive, CORS
// preflight, the request-size limit (413 with a JSON-RPC error), the per-IP rate limit (-32005 answers on an
// open connection), and WebSocket requests plus server pushes to a Subscriber.
#include "rpc/server.hpp"

#include <gtest/gtest.h>

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

struct Fixture {
  Dispatcher d;
  std::shared_ptr<Subscriber> sub;
  std::mutex mu;
  std::unique_ptr<Server> server;
  explicit Fixture(ServerOptions o) {
    d.add("echo", [](const json& p, CallContext&) { return p; });
    d.add("sub", [this](const json&, CallContext& ctx) -> json {
      if (!ctx.subscriber) throw RpcError(code::kMethodNotSupported, "no subscriber");
      std::lock_guard lk(mu);
      sub = ctx.subscriber;
      return "0x1";
    });
    o.host = "127.0.0.1";
    o.port = 0;
    server = std::make_unique<Server>(d, o);
    EXPECT_TRUE(server->start().ok());
  }
};

struct Client {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  explicit Client(std::uint16_t port) { stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port)); }
  http::response<http::string_body> request(http::verb verb, std::string body,
                                            std::vector<std::pair<http::field, std::string>> headers = {}) {
    http::request<http::string_body> req{verb, "/", 11};
    req.set(http::field::host, "localhost");
    req.set(http::field::content_type, "application/json");
    for (auto& [f, v] : headers) req.set(f, v);
    req.body() = std::move(body);
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    return res;
  }
};

TEST(RpcServer, HttpKeepAliveAndCors) {
  ServerOptions o;
  o.cors_origins = {"https://app.example"};
  Fixture f(o);
  Client c(f.server->port());
  for (int i = 0; i < 3; ++i) {
    auto res = c.request(http::verb::post, R"({"jsonrpc":"2.0","id":)" + std::to_string(i) + R"(,"method":"echo","params":[1]})",
                         {{http::field::origin, "https://app.example"}});
    EXPECT_EQ(res.result(), http::status::ok);
    EXPECT_EQ(res[http::field::access_control_allow_origin], "https://app.example");
    auto j = json::parse(res.body());
    EXPECT_EQ(j["id"], i);
    EXPECT_EQ(j["result"], json::array({1}));
  }
  auto pre = c.request(http::verb::options, "", {{http::field::origin, "https://app.example"},
                                                 {http::field::access_control_request_headers, "content-type"}});
  EXPECT_EQ(pre.result(), http::status::no_content);
  EXPECT_EQ(pre[http::field::access_control_allow_origin], "https://app.example");
  EXPECT_NE(pre[http::field::access_control_allow_methods].find("POST"), std::string::npos);
  // An origin not in the list gets no CORS header (the browser refuses the response).
  auto other = c.request(http::verb::post, R"({"jsonrpc":"2.0","id":1,"method":"echo"})",
                         {{http::field::origin, "https://evil.example"}});
  EXPECT_EQ(other[http::field::access_control_allow_origin], "");
}

TEST(RpcServer, OversizedBodyGets413WithJsonError) {
  ServerOptions o;
  o.max_request_bytes = 1024;
  Fixture f(o);
  Client c(f.server->port());
  auto res = c.request(http::verb::post, R"({"jsonrpc":"2.0","id":1,"method":"echo","params":[")" + std::string(4096, 'a') + R"("]})");
  EXPECT_EQ(res.result(), http::status::payload_too_large);
  EXPECT_EQ(json::parse(res.body())["error"]["code"], -32005);
  // The server keeps serving.
  Client c2(f.server->port());
  EXPECT_EQ(c2.request(http::verb::post, R"({"jsonrpc":"2.0","id":1,"method":"echo"})").result(), http::status::ok);
}

TEST(RpcServer, RateLimitAnswersWithErrorsNotDroppedConnections) {
  ServerOptions o;
  o.rate_per_second = 1;
  o.rate_burst = 5;
  Fixture f(o);
  Client c(f.server->port());
  std::string batch = "[";
  for (int i = 0; i < 8; ++i) batch += std::string(i ? "," : "") + R"({"jsonrpc":"2.0","id":)" + std::to_string(i) + R"(,"method":"echo"})";
  batch += "]";
  auto res = c.request(http::verb::post, batch);
  EXPECT_EQ(res.result(), http::status::ok);
  auto j = json::parse(res.body());
  ASSERT_EQ(j.size(), 8u);
  int ok = 0, limited = 0;
  for (const auto& r : j) {
    if (r.contains("result")) ++ok;
    if (r.contains("error") && r["error"]["code"] == -32005) ++limited;
  }
  EXPECT_EQ(ok, 5);
  EXPECT_EQ(limited, 3);
  // Same connection still answers.
  auto again = c.request(http::verb::post, R"({"jsonrpc":"2.0","id":9,"method":"echo"})");
  EXPECT_EQ(again.result(), http::status::ok);
}

TEST(RpcServer, WebSocketRequestsAndPushes) {
  Fixture f(ServerOptions{});
  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws(ioc);
  beast::get_lowest_layer(ws).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), f.server->port()));
  ws.handshake("localhost", "/");
  ws.write(net::buffer(std::string(R"({"jsonrpc":"2.0","id":1,"method":"sub"})")));
  beast::flat_buffer buf;
  ws.read(buf);
  auto j = json::parse(beast::buffers_to_string(buf.data()));
  EXPECT_EQ(j["result"], "0x1");
  buf.consume(buf.size());
  std::shared_ptr<Subscriber> sub;
  {
    std::lock_guard lk(f.mu);
    sub = f.sub;
  }
  ASSERT_TRUE(sub);
  EXPECT_TRUE(sub->alive());
  sub->send(R"({"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":"0x1","result":42}})");
  ws.read(buf);
  auto n = json::parse(beast::buffers_to_string(buf.data()));
  EXPECT_EQ(n["params"]["result"], 42);
  ws.close(websocket::close_code::normal);
  // After the client leaves, the subscriber reports it (eventually) and sends are no-ops.
  for (int i = 0; i < 100 && sub->alive(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_FALSE(sub->alive());
  sub->send("ignored");
}

TEST(RpcServer, PlainHttpSubscribeIsRefused) {
  Fixture f(ServerOptions{});
  Client c(f.server->port());
  auto res = c.request(http::verb::post, R"({"jsonrpc":"2.0","id":1,"method":"sub"})");
  EXPECT_EQ(json::parse(res.body())["error"]["code"], -32004);
}

}  // namespace
}  // namespace igra::rpc
