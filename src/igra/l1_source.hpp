#pragma once
// Where derivation reads Kaspa from: the selected-parent chain after a block, with each chain block's
// header facts and its accepted transactions whose id carries the network prefix, bodies included
// (decisions.md O12). RpcL1Source does it over kaspad's gRPC API: GetVirtualChainFromBlock with accepted
// ids, GetBlock for the chain blocks' headers, and GetBlock with transactions only for the mergeset blocks
// of chain blocks that accepted a matching id.
#include <cstdint>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "igra/network.hpp"
#include "kaspa/rpc/client.hpp"
#include "kaspa/transaction.hpp"

namespace igra::igra {

struct L1Tx {
  kaspa::TransactionId id;
  kaspa::Transaction tx;
};

struct ChainBlock {
  core::Hash32 hash;
  std::uint64_t daa_score = 0;
  std::uint64_t timestamp_ms = 0;
  core::Hash32 accepted_id_merkle_root;
  std::vector<L1Tx> igra_txs;  // accepted, id matches the prefix, in acceptance order
};

struct ChainSegment {
  std::vector<core::Hash32> removed;  // chain blocks no longer on the selected chain, newest first
  std::vector<ChainBlock> added;      // oldest first, starting right after the fork point
  bool more = false;                  // more blocks were added than returned
};

class L1Source {
 public:
  virtual ~L1Source() = default;
  // The chain after `from` (a block derivation has processed): the part of it no longer on the selected
  // chain, then up to max_blocks chain blocks after the fork point.
  virtual core::Result<ChainSegment> chain_after(const core::Hash32& from, std::size_t max_blocks) = 0;
  // A chain block to start from when the network gives none (the node's pruning point).
  virtual core::Result<core::Hash32> default_start() = 0;
  // Blue score of the sink and the DAA score of the virtual (for progress, `safe` and `finalized`).
  virtual core::Result<std::uint64_t> virtual_daa_score() = 0;
};

class RpcL1Source final : public L1Source {
 public:
  RpcL1Source(kaspa::rpc::Client& client, NetworkParams params) : client_(client), params_(std::move(params)) {}
  core::Result<ChainSegment> chain_after(const core::Hash32& from, std::size_t max_blocks) override;
  core::Result<core::Hash32> default_start() override;
  core::Result<std::uint64_t> virtual_daa_score() override;

 private:
  kaspa::rpc::Client& client_;
  NetworkParams params_;
};

}  // namespace igra::igra
