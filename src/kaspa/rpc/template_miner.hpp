#pragma once
// A small miner for nodes that skip proof of work (kaspad --simnet, kaspa-simnet): it fetches a template with
// GetBlockTemplate, sets a nonce and submits the block with SubmitBlock. mine_parallel() fetches several templates
// before submitting any, so sibling blocks share their parents and the next block merges them, as parallel blocks
// do on the real network; templates carry the node's mempool transactions (payload transactions included).
#include <cstdint>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "kaspa/rpc/client.hpp"

namespace igra::kaspa::rpc {

class TemplateMiner {
 public:
  // pay_address: the coinbase recipient (an address of the node's network).
  TemplateMiner(Client& client, std::string pay_address, std::uint64_t nonce_seed = 1);

  // Mines one block on the node's current template; returns its hash. extra_data goes into the coinbase payload.
  core::Result<core::Hash32> mine_one(const std::string& extra_data = "");
  // Mines n blocks one after another.
  core::Result<std::vector<core::Hash32>> mine(std::size_t n);
  // Mines `width` sibling blocks on the same parents (distinct coinbase extra data, so distinct blocks).
  core::Result<std::vector<core::Hash32>> mine_parallel(std::size_t width);

  std::uint64_t blocks_mined() const noexcept { return mined_; }

 private:
  core::Result<core::Hash32> submit(Block block);

  Client& client_;
  std::string pay_address_;
  std::uint64_t nonce_;
  std::uint64_t mined_ = 0;
};

}  // namespace igra::kaspa::rpc
