#pragma once
// Test-only: serve a SimnetNode over real gRPC on a free loopback port and connect a kaspad client to it
// (fast reconnects, generous call timeout), as the simnet, derivation and relayer tests do.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "kaspa/rpc/client.hpp"
#include "simnet/rpc_server.hpp"
#include "simnet/simnet_node.hpp"

namespace igra::simnet::testing {

inline void serve_and_connect(SimnetNode& node, std::unique_ptr<RpcServer>& server,
                              std::unique_ptr<kaspa::rpc::Client>& client,
                              std::chrono::milliseconds call_timeout = std::chrono::milliseconds(20'000)) {
  RpcServerOptions so;
  so.port = 0;
  server = std::make_unique<RpcServer>(node, so);
  ASSERT_TRUE(server->start().ok());
  kaspa::rpc::ClientOptions co;
  co.target = server->address();
  co.default_timeout = call_timeout;
  co.initial_backoff = std::chrono::milliseconds(20);
  co.max_backoff = std::chrono::milliseconds(200);
  client = std::make_unique<kaspa::rpc::Client>(co);
  client->start();
  ASSERT_TRUE(client->wait_connected(std::chrono::milliseconds(5000)));
}

}  // namespace igra::simnet::testing
