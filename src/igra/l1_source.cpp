#include "igra/l1_source.hpp"

#include "core/hex.hpp"

#include <cstring>
#include <future>
#include <unordered_map>

#include "igra/payload.hpp"
#include "kaspa/tx_id.hpp"

namespace igra::igra {
namespace {

struct HashKey {
  std::size_t operator()(const core::Hash32& h) const noexcept {
    std::size_t v;
    std::memcpy(&v, h.data(), sizeof v);
    return v;
  }
};

}  // namespace

core::Result<ChainSegment> RpcL1Source::chain_after(const core::Hash32& from, std::size_t max_blocks) {
  kaspa::rpc::GetVirtualChainFromBlockParams q;
  q.start_hash = from;
  q.include_accepted_transaction_ids = true;
  IGRA_TRY(auto vcc, client_.get_virtual_chain_from_block(q));
  ChainSegment seg;
  seg.removed = std::move(vcc.removed_chain_block_hashes);
  std::size_t n = vcc.added_chain_block_hashes.size();
  if (n > max_blocks) {
    n = max_blocks;
    seg.more = true;
  }
  std::unordered_map<core::Hash32, const std::vector<kaspa::TransactionId>*, HashKey> accepted;
  for (const auto& a : vcc.accepted_transaction_ids) accepted[a.accepting_block_hash] = &a.accepted_transaction_ids;

  // Headers of the chain blocks, pipelined.
  std::vector<kaspa::rpc::Future<kaspa::rpc::Block>> headers;
  headers.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    headers.push_back(client_.get_block_async(vcc.added_chain_block_hashes[i], false));
  seg.added.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    IGRA_TRY(auto block, headers[i].get());
    ChainBlock& cb = seg.added[i];
    cb.hash = vcc.added_chain_block_hashes[i];
    cb.daa_score = block.header.daa_score;
    cb.timestamp_ms = block.header.timestamp;
    cb.accepted_id_merkle_root = block.header.accepted_id_merkle_root;

    auto it = accepted.find(cb.hash);
    if (it == accepted.end()) continue;
    std::vector<kaspa::TransactionId> wanted;
    for (const auto& id : *it->second)
      if (matches_prefix(id, params_)) wanted.push_back(id);
    if (wanted.empty()) continue;
    if (!block.verbose_data)
      return core::Error{core::ErrorCode::kInternal, "GetBlock returned no verbose data (mergeset) for a chain block"};
    // Bodies from the mergeset blocks.
    std::unordered_map<core::Hash32, kaspa::Transaction, HashKey> found;
    std::vector<core::Hash32> mergeset = block.verbose_data->merge_set_blues_hashes;
    mergeset.insert(mergeset.end(), block.verbose_data->merge_set_reds_hashes.begin(),
                    block.verbose_data->merge_set_reds_hashes.end());
    std::vector<kaspa::rpc::Future<kaspa::rpc::Block>> bodies;
    for (const auto& m : mergeset) bodies.push_back(client_.get_block_async(m, true));
    for (auto& f : bodies) {
      IGRA_TRY(auto body, f.get());
      for (auto& rt : body.transactions) {
        // The id is computed here, not taken from the node's verbose data.
        const auto id = kaspa::transaction_id(rt.transaction);
        if (matches_prefix(id, params_)) found.emplace(id, std::move(rt.transaction));
      }
    }
    for (const auto& id : wanted) {
      auto f = found.find(id);
      if (f == found.end())
        return core::Error{core::ErrorCode::kInternal,
                           "accepted transaction " + core::to_hex(id) + " not found in the mergeset of its chain block"};
      cb.igra_txs.push_back(L1Tx{id, f->second});
    }
  }
  return seg;
}

core::Result<core::Hash32> RpcL1Source::default_start() {
  IGRA_TRY(auto info, client_.get_block_dag_info());
  return info.pruning_point_hash;
}

core::Result<std::uint64_t> RpcL1Source::virtual_daa_score() {
  IGRA_TRY(auto info, client_.get_block_dag_info());
  return info.virtual_daa_score;
}

}  // namespace igra::igra
