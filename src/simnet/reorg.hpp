#pragma once
// Reorg building blocks on a Consensus (used by Simnet's reorg controls, usable directly in tests).
#include <cstdint>
#include <span>
#include <vector>

#include "core/error.hpp"
#include "simnet/consensus.hpp"

namespace igra::simnet {

// Builds a chain of single-parent, coinbase-only blocks on `from`, withheld (stored, not released), until its
// tip is heavier (blue_work, hash) than `rival`. Returns the block ids in creation (parent-first) order.
core::Result<std::vector<BlockId>> build_heavier_branch(Consensus& consensus, BlockId from, BlockId rival,
                                                        const kaspa::ScriptPublicKey& miner_spk,
                                                        std::uint64_t timestamp_ms, std::uint64_t nonce_seed);

// Builds `n` single-parent blocks on `from`, withheld or released.
core::Result<std::vector<BlockId>> build_chain(Consensus& consensus, BlockId from, std::size_t n, bool release,
                                               const kaspa::ScriptPublicKey& miner_spk, std::uint64_t timestamp_ms,
                                               std::uint64_t nonce_seed);

// Releases withheld blocks in the given (parent-first) order and returns the net change of the SPC between
// before and after (removed newest first, added oldest first).
core::Result<ChainChange> release_blocks(Consensus& consensus, std::span<const BlockId> ids);

// The net SPC change from `old_chain` (genesis..old sink) to the consensus's current chain.
ChainChange chain_diff(const Consensus& consensus, const std::vector<BlockId>& old_chain);

}  // namespace igra::simnet
