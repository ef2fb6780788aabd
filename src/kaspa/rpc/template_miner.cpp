#include "kaspa/rpc/template_miner.hpp"

#include "kaspa/header.hpp"

namespace igra::kaspa::rpc {

TemplateMiner::TemplateMiner(Client& client, std::string pay_address, std::uint64_t nonce_seed)
    : client_(client), pay_address_(std::move(pay_address)), nonce_(nonce_seed * 0x9E3779B97F4A7C15ull) {}

core::Result<core::Hash32> TemplateMiner::submit(Block block) {
  // Any nonce is valid where proof of work is skipped; a fresh one per block keeps sibling hashes distinct even
  // when two templates are identical.
  block.header.nonce = ++nonce_;
  block.hash = header_hash(block.header);
  block.verbose_data.reset();
  IGRA_TRY(auto report, client_.submit_block(block));
  if (report.result != SubmitBlockResult::kSuccess)
    return core::make_error("SubmitBlock rejected the block: " +
                            (report.message.empty() ? std::string("no reason given") : report.message));
  ++mined_;
  return block.hash;
}

core::Result<core::Hash32> TemplateMiner::mine_one(const std::string& extra_data) {
  IGRA_TRY(auto tpl, client_.get_block_template(pay_address_, extra_data));
  return submit(std::move(tpl.block));
}

core::Result<std::vector<core::Hash32>> TemplateMiner::mine(std::size_t n) {
  std::vector<core::Hash32> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    IGRA_TRY(auto h, mine_one());
    out.push_back(h);
  }
  return out;
}

core::Result<std::vector<core::Hash32>> TemplateMiner::mine_parallel(std::size_t width) {
  std::vector<Block> blocks;
  blocks.reserve(width);
  for (std::size_t i = 0; i < width; ++i) {
    IGRA_TRY(auto tpl, client_.get_block_template(pay_address_, "sibling " + std::to_string(i)));
    if (!blocks.empty() && tpl.block.header.parents_by_level != blocks.front().header.parents_by_level)
      return core::make_error("mine_parallel: the node's tips changed while fetching templates");
    blocks.push_back(std::move(tpl.block));
  }
  std::vector<core::Hash32> out;
  out.reserve(width);
  for (auto& b : blocks) {
    IGRA_TRY(auto h, submit(std::move(b)));
    out.push_back(h);
  }
  return out;
}

}  // namespace igra::kaspa::rpc
