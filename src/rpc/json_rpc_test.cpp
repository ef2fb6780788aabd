// JSON-RPC 2.0 dispatch rules (jsonrpc.org/specification, EIP-1474 codes) and the request-level limits.
#include "rpc/json_rpc.hpp"

#include <gtest/gtest.h>

namespace igra::rpc {
namespace {

Dispatcher make(DispatchLimits limits = {}) {
  Dispatcher d(limits);
  d.add("echo", [](const json& p, CallContext&) { return p; });
  d.add("fail", [](const json&, CallContext&) -> json { throw RpcError(code::kInvalidInput, "boom", json("0x01")); });
  d.add("throw_std", [](const json&, CallContext&) -> json { throw std::runtime_error("oops"); });
  d.add("big", [](const json&, CallContext&) { return json(std::string(1000, 'x')); });
  return d;
}

json run(const Dispatcher& d, std::string_view body) {
  CallContext ctx;
  const std::string out = d.handle(body, ctx);
  if (out.empty()) return json();
  return json::parse(out);
}

TEST(JsonRpc, SingleCallEchoesIdAndResult) {
  auto d = make();
  auto r = run(d, R"({"jsonrpc":"2.0","id":7,"method":"echo","params":[1,"a"]})");
  EXPECT_EQ(r["jsonrpc"], "2.0");
  EXPECT_EQ(r["id"], 7);
  EXPECT_EQ(r["result"], json::array({1, "a"}));
  r = run(d, R"({"jsonrpc":"2.0","id":"x","method":"echo"})");
  EXPECT_EQ(r["id"], "x");
  EXPECT_EQ(r["result"], json::array());
}

TEST(JsonRpc, ErrorCodes) {
  auto d = make();
  EXPECT_EQ(run(d, "{not json")["error"]["code"], -32700);
  EXPECT_TRUE(run(d, "{not json")["id"].is_null());
  EXPECT_EQ(run(d, "42")["error"]["code"], -32600);
  EXPECT_EQ(run(d, R"({"id":1,"method":"echo"})")["error"]["code"], -32600);
  EXPECT_EQ(run(d, R"({"jsonrpc":"1.0","id":1,"method":"echo"})")["error"]["code"], -32006);
  EXPECT_EQ(run(d, R"({"jsonrpc":"2.0","id":1,"method":5})")["error"]["code"], -32600);
  EXPECT_EQ(run(d, R"({"jsonrpc":"2.0","id":1,"method":"echo","params":"x"})")["error"]["code"], -32600);
  EXPECT_EQ(run(d, R"({"jsonrpc":"2.0","id":[1],"method":"echo"})")["error"]["code"], -32600);
  EXPECT_EQ(run(d, R"({"jsonrpc":"2.0","id":1,"method":"nope"})")["error"]["code"], -32601);
  auto f = run(d, R"({"jsonrpc":"2.0","id":1,"method":"fail"})");
  EXPECT_EQ(f["error"]["code"], -32000);
  EXPECT_EQ(f["error"]["message"], "boom");
  EXPECT_EQ(f["error"]["data"], "0x01");
  EXPECT_EQ(run(d, R"({"jsonrpc":"2.0","id":1,"method":"throw_std"})")["error"]["code"], -32603);
  EXPECT_EQ(run(d, "[]")["error"]["code"], -32600);
}

TEST(JsonRpc, BatchAnswersInOrderAndSkipsNotifications) {
  auto d = make();
  auto r = run(d, R"([{"jsonrpc":"2.0","id":1,"method":"echo","params":[1]},
                      {"jsonrpc":"2.0","method":"echo","params":[2]},
                      {"jsonrpc":"2.0","id":3,"method":"nope"},
                      17,
                      {"jsonrpc":"2.0","id":4,"method":"echo","params":[4]}])");
  ASSERT_TRUE(r.is_array());
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0]["id"], 1);
  EXPECT_EQ(r[1]["id"], 3);
  EXPECT_EQ(r[1]["error"]["code"], -32601);
  EXPECT_EQ(r[2]["error"]["code"], -32600);
  EXPECT_EQ(r[3]["result"], json::array({4}));
  // Notifications only: nothing to send.
  CallContext ctx;
  EXPECT_EQ(d.handle(R"({"jsonrpc":"2.0","method":"echo"})", ctx), "");
  EXPECT_EQ(d.handle(R"([{"jsonrpc":"2.0","method":"echo"}])", ctx), "");
}

TEST(JsonRpc, BatchLimit) {
  DispatchLimits l;
  l.max_batch = 3;
  auto d = make(l);
  std::string batch = "[";
  for (int i = 0; i < 4; ++i) batch += std::string(i ? "," : "") + R"({"jsonrpc":"2.0","id":1,"method":"echo"})";
  batch += "]";
  auto r = run(d, batch);
  EXPECT_EQ(r["error"]["code"], -32005);
}

TEST(JsonRpc, NestingLimitRejectsBeforeParsing) {
  auto d = make();
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  auto r = run(d, deep);
  EXPECT_EQ(r["error"]["code"], -32600);
  // Brackets inside strings do not count.
  EXPECT_EQ(json_nesting_depth(R"({"a":"[[[[[[\"[[["})", 3), 1u);
  EXPECT_EQ(json_nesting_depth("[[[]]]", 10), 3u);
}

TEST(JsonRpc, ResponseSizeLimit) {
  DispatchLimits l;
  l.max_response_bytes = 2500;
  auto d = make(l);
  auto one = run(d, R"({"jsonrpc":"2.0","id":1,"method":"big"})");
  EXPECT_TRUE(one.contains("result"));
  std::string batch = "[";
  for (int i = 0; i < 5; ++i) batch += std::string(i ? "," : "") + R"({"jsonrpc":"2.0","id":)" + std::to_string(i) + R"(,"method":"big"})";
  batch += "]";
  auto r = run(d, batch);
  ASSERT_EQ(r.size(), 5u);
  EXPECT_TRUE(r[0].contains("result"));
  EXPECT_TRUE(r[1].contains("result"));
  for (int i = 2; i < 5; ++i) {
    EXPECT_EQ(r[i]["error"]["code"], -32005) << i;
    EXPECT_EQ(r[i]["id"], i);
  }
}

TEST(JsonRpc, RateBudgetCountsBatchItems) {
  auto d = make();
  int tokens = 2;
  CallContext ctx;
  ctx.take_token = [&] { return tokens-- > 0; };
  std::string batch = "[";
  for (int i = 0; i < 4; ++i) batch += std::string(i ? "," : "") + R"({"jsonrpc":"2.0","id":1,"method":"echo"})";
  batch += "]";
  auto r = json::parse(d.handle(batch, ctx));
  ASSERT_EQ(r.size(), 4u);
  EXPECT_TRUE(r[0].contains("result"));
  EXPECT_TRUE(r[1].contains("result"));
  EXPECT_EQ(r[2]["error"]["code"], -32005);
  EXPECT_EQ(r[3]["error"]["code"], -32005);
}

}  // namespace
}  // namespace igra::rpc
