#include "simnet/consensus.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>

#include "core/hex.hpp"
#include "kaspa/merkle.hpp"
#include "kaspa/tx_id.hpp"

namespace igra::simnet {

namespace {

// Tips beyond this many (heaviest first) are not considered as virtual / template parents.
constexpr std::size_t kMaxParentCandidates = 64;

[[noreturn]] void invariant_failure(const std::string& what) {
  std::fprintf(stderr, "simnet consensus invariant violated: %s\n", what.c_str());
  std::abort();
}

void put_u64_le(core::Bytes& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::string short_hash(const BlockHash& h) { return core::to_hex(h); }

}  // namespace

core::Bytes serialize_coinbase_payload(const CoinbasePayload& p) {
  core::Bytes out;
  out.reserve(19 + p.script_public_key.script.size() + p.extra_data.size());
  put_u64_le(out, p.blue_score);
  put_u64_le(out, p.subsidy);
  out.push_back(static_cast<std::uint8_t>(p.script_public_key.version));
  out.push_back(static_cast<std::uint8_t>(p.script_public_key.version >> 8));
  out.push_back(static_cast<std::uint8_t>(p.script_public_key.script.size()));
  out.insert(out.end(), p.script_public_key.script.begin(), p.script_public_key.script.end());
  out.insert(out.end(), p.extra_data.begin(), p.extra_data.end());
  return out;
}

core::Result<CoinbasePayload> parse_coinbase_payload(core::ByteView payload) {
  if (payload.size() < 19) return core::make_error("coinbase payload is shorter than 19 bytes");
  CoinbasePayload p;
  for (int i = 0; i < 8; ++i) p.blue_score |= static_cast<std::uint64_t>(payload[i]) << (8 * i);
  for (int i = 0; i < 8; ++i) p.subsidy |= static_cast<std::uint64_t>(payload[8 + i]) << (8 * i);
  p.script_public_key.version = static_cast<std::uint16_t>(payload[16] | (payload[17] << 8));
  const std::size_t len = payload[18];
  if (payload.size() < 19 + len) return core::make_error("coinbase payload script length out of bounds");
  p.script_public_key.script.assign(payload.begin() + 19, payload.begin() + 19 + static_cast<std::ptrdiff_t>(len));
  p.extra_data.assign(payload.begin() + 19 + static_cast<std::ptrdiff_t>(len), payload.end());
  return p;
}

Consensus::Consensus(ConsensusParams params) : params_(std::move(params)), validator_([&] {
  TxValidatorParams vp = params_.tx_validator;
  vp.ghostdag_k = params_.ghostdag.k;
  return vp;
}()) {
  insert_genesis();
}

Block kaspa_simnet_genesis() {
  Block b;
  kaspa::Transaction coinbase;
  coinbase.subnetwork_id = kaspa::subnetwork_coinbase();
  CoinbasePayload p;
  p.subsidy = 100'000'000;
  p.script_public_key.script = {0x00};  // OP_FALSE
  const char* extra = "kaspa-simnet";
  p.extra_data.assign(extra, extra + 12);
  coinbase.payload = serialize_coinbase_payload(p);
  b.transactions.push_back(coinbase);
  kaspa::BlockHeader& h = b.header;
  h.version = 0;
  h.hash_merkle_root = kaspa::calc_hash_merkle_root(b.transactions);
  // MuHash of the empty set (the genesis utxo_commitment of every network but mainnet).
  const std::uint8_t muhash_empty[32] = {0x54, 0x4e, 0xb3, 0x14, 0x2c, 0x00, 0x0f, 0x0a, 0xd2, 0xc7, 0x6a,
                                         0xc4, 0x1f, 0x42, 0x22, 0xab, 0xba, 0xba, 0xbe, 0xd8, 0x30, 0xee,
                                         0xaf, 0xee, 0x4b, 0x6d, 0xc5, 0x6b, 0x52, 0xd5, 0xca, 0xc0};
  std::copy(muhash_empty, muhash_empty + 32, h.utxo_commitment.begin());
  h.timestamp = 1'633'687'894'966ull;
  h.bits = 0x207fffff;
  h.nonce = 2;
  return b;
}

void Consensus::insert_genesis() {
  std::shared_ptr<Block> block;
  if (params_.custom_genesis) {
    block = std::make_shared<Block>();
    kaspa::Transaction coinbase;
    coinbase.subnetwork_id = kaspa::subnetwork_coinbase();
    coinbase.payload = serialize_coinbase_payload(CoinbasePayload{});
    block->transactions.push_back(coinbase);
    kaspa::BlockHeader& h = block->header;
    h.version = kaspa::kHeaderVersionCrescendo;
    h.hash_merkle_root = kaspa::calc_hash_merkle_root(block->transactions);
    h.timestamp = params_.genesis_timestamp_ms;
    h.bits = params_.bits;
  } else {
    block = std::make_shared<Block>(kaspa_simnet_genesis());
  }
  const kaspa::BlockHeader& h = block->header;
  const BlockHash hash = kaspa::header_hash(h);
  GhostdagData gd;  // blue score 0, blue work 0, no selected parent
  dag_.insert(hash, h.bits, {}, gd, 0, block);
  auto acc = std::make_unique<BlockAcceptance>();
  acc->accepted_id_merkle_root = h.accepted_id_merkle_root;
  acceptance_.push_back(std::move(acc));
  released_.push_back(1);
  tips_ = {0};
  virtual_parents_ = {0};
  chain_ = {0};
  chain_pos_ = {1};
  cursor_ = 0;
  virtual_blue_score_ = 1;
  virtual_daa_score_ = 0;
}

std::optional<std::size_t> Consensus::chain_index(BlockId id) const {
  if (id >= chain_pos_.size() || chain_pos_[id] == 0) return std::nullopt;
  return chain_pos_[id] - 1;
}

core::Result<void> Consensus::check_parents(std::span<const BlockId> parents) const {
  if (parents.empty()) return core::make_error("block has no parents");
  if (parents.size() > params_.max_block_parents)
    return core::make_error(core::ErrorCode::kOutOfRange,
                            "block has " + std::to_string(parents.size()) + " parents, the maximum is " +
                                std::to_string(params_.max_block_parents));
  for (std::size_t i = 0; i < parents.size(); ++i) {
    for (std::size_t j = 0; j < parents.size(); ++j) {
      if (i == j) continue;
      if (parents[i] == parents[j]) return core::make_error("block has duplicate parents");
      if (dag_.is_ancestor(parents[i], parents[j]))
        return core::make_error("block parent " + short_hash(dag_.hash(parents[i])) + " is an ancestor of parent " +
                                short_hash(dag_.hash(parents[j])));
    }
  }
  return {};
}

void Consensus::move_cursor(BlockId target) {
  if (cursor_ == target) return;
  std::vector<BlockId> to_apply;
  BlockId a = cursor_;
  BlockId b = target;
  while (a != b) {
    const std::uint64_t sa = dag_.blue_score(a);
    const std::uint64_t sb = dag_.blue_score(b);
    if (sa >= sb) {
      if (auto r = utxo_.undo(acceptance_[a]->diff); !r.ok()) invariant_failure(r.error().message);
      a = dag_.selected_parent(a);
    }
    if (sb >= sa) {
      to_apply.push_back(b);
      b = dag_.selected_parent(b);
    }
  }
  for (auto it = to_apply.rbegin(); it != to_apply.rend(); ++it)
    if (auto r = utxo_.apply(acceptance_[*it]->diff); !r.ok()) invariant_failure(r.error().message);
  cursor_ = target;
}

const UtxoSet& Consensus::sink_utxos() {
  move_cursor(sink());
  return utxo_;
}

const UtxoView& Consensus::virtual_utxos() {
  if (!virtual_acceptance_) {
    auto vgd = compute_ghostdag(dag_, virtual_parents_, params_.ghostdag);
    if (vgd.ok()) {
      virtual_acceptance_ = compute_acceptance(*vgd, virtual_daa_score_);
    } else {
      virtual_acceptance_ = std::make_unique<BlockAcceptance>();
    }
  }
  move_cursor(sink());
  virtual_view_ = std::make_unique<LayeredUtxoView>(utxo_, virtual_acceptance_->diff);
  return *virtual_view_;
}

UtxoDiff Consensus::chain_change_utxo_diff(const ChainChange& change) const {
  UtxoDiff out;
  for (const auto& h : change.removed)
    if (auto id = dag_.find(h)) out = diff_compose(out, diff_inverse(acceptance_[*id]->diff));
  for (const auto& h : change.added)
    if (auto id = dag_.find(h)) out = diff_compose(out, acceptance_[*id]->diff);
  return out;
}

const UtxoSet& Consensus::utxos_at(BlockId chain_block) {
  move_cursor(chain_block);
  return utxo_;
}

std::unique_ptr<BlockAcceptance> Consensus::compute_acceptance(const GhostdagData& gd, std::uint64_t daa_score) {
  const BlockId sp = gd.selected_parent;
  move_cursor(sp);
  auto acc = std::make_unique<BlockAcceptance>();
  LayeredUtxoView view(utxo_);
  TxValidationContext ctx;
  ctx.pov_daa_score = daa_score;
  ctx.coinbase_maturity = params_.coinbase_maturity;
  ctx.check_mass_commitment = params_.check_mass_commitment;
  // Approximation: the selected parent's timestamp stands in for the past median time.
  ctx.past_median_time_ms = dag_.node(sp).block->header.timestamp;
  const std::vector<BlockId> order = consensus_ordered_mergeset(dag_, gd);
  acc->mergeset.reserve(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    const Block& blk = *dag_.node(order[i]).block;
    MergedBlockAcceptance m;
    m.block_hash = dag_.hash(order[i]);
    if (i == 0) {
      // The selected parent's coinbase is the only one accepted, at index 0.
      const kaspa::Transaction& cb = blk.transactions[0];
      const kaspa::TransactionId id = kaspa::transaction_id(cb);
      view.add_transaction(cb, id, {}, daa_score);
      m.accepted.emplace_back(id, 0);
    }
    ctx.skip_script_check = (i == 0);
    for (std::size_t j = 1; j < blk.transactions.size(); ++j) {
      const kaspa::Transaction& tx = blk.transactions[j];
      auto r = validator_.validate_in_utxo_context(tx, view, ctx);
      if (!r.ok()) continue;  // double spends, immature spends, ...: silently not accepted
      const kaspa::TransactionId id = kaspa::transaction_id(tx);
      view.add_transaction(tx, id, r->entries, daa_score);
      m.accepted.emplace_back(id, static_cast<std::uint32_t>(j));
      m.total_fees += r->fee;
    }
    for (const auto& [id, idx] : m.accepted) acc->accepted_ids.push_back(id);
    acc->mergeset.push_back(std::move(m));
  }
  acc->diff = view.take_diff();
  acc->accepted_id_merkle_root = kaspa::calc_accepted_id_merkle_root_kip15(
      dag_.node(sp).block->header.accepted_id_merkle_root, acc->accepted_ids);
  return acc;
}

kaspa::Transaction Consensus::expected_coinbase(const GhostdagData& gd, const BlockAcceptance& acc,
                                                const kaspa::ScriptPublicKey& miner_spk,
                                                core::ByteView extra_data) const {
  std::unordered_map<BlockHash, std::uint64_t> fees;
  for (const auto& m : acc.mergeset) fees[m.block_hash] = m.total_fees;
  auto reward_of = [&](BlockId b, kaspa::ScriptPublicKey* spk) -> std::uint64_t {
    const Block& blk = *dag_.node(b).block;
    auto p = parse_coinbase_payload(blk.transactions[0].payload);
    std::uint64_t subsidy = 0;
    if (p.ok()) {
      subsidy = p->subsidy;
      if (spk) *spk = p->script_public_key;
    }
    return subsidy + fees[dag_.hash(b)];
  };
  // Only mergeset blocks inside the DAA window are rewarded (rusty-kaspa filters out mergeset_non_daa).
  const std::uint64_t window = params_.ghostdag.difficulty_window;
  const std::uint64_t lower = gd.blue_score > window ? gd.blue_score - window : 0;
  auto non_daa = [&](BlockId b) {
    return dag_.blue_score(b) < lower || (b == gd.selected_parent && dag_.selected_parent(b) == kNoBlock);
  };
  kaspa::Transaction cb;
  cb.subnetwork_id = kaspa::subnetwork_coinbase();
  for (BlockId b : gd.mergeset_blues) {
    if (non_daa(b)) continue;
    kaspa::TransactionOutput out;
    out.value = reward_of(b, &out.script_public_key);
    if (out.value > 0) cb.outputs.push_back(std::move(out));
  }
  std::uint64_t red_reward = 0;
  for (BlockId r : gd.mergeset_reds)
    if (!non_daa(r)) red_reward += reward_of(r, nullptr);
  if (red_reward > 0) cb.outputs.push_back(kaspa::TransactionOutput{red_reward, miner_spk, std::nullopt});
  CoinbasePayload payload;
  payload.blue_score = gd.blue_score;
  payload.subsidy = params_.subsidy;
  payload.script_public_key = miner_spk;
  payload.extra_data.assign(extra_data.begin(), extra_data.end());
  cb.payload = serialize_coinbase_payload(payload);
  return cb;
}

core::Result<Consensus::Candidate> Consensus::prepare(std::span<const BlockId> parents) {
  IGRA_TRY(GhostdagData gd, compute_ghostdag(dag_, parents, params_.ghostdag));
  Candidate c;
  c.daa_score = compute_daa_score(dag_, gd, params_.ghostdag);
  c.acceptance = compute_acceptance(gd, c.daa_score);
  c.gd = std::move(gd);
  return c;
}

core::Result<Block> Consensus::build_block(std::span<const BlockId> parents, const kaspa::ScriptPublicKey& miner_spk,
                                           core::ByteView extra_data, std::span<const kaspa::Transaction> candidate_txs,
                                           std::uint64_t timestamp_ms, std::uint64_t nonce) {
  IGRA_TRY_VOID(check_parents(parents));
  IGRA_TRY(Candidate c, prepare(parents));
  Block block;
  block.transactions.push_back(expected_coinbase(c.gd, *c.acceptance, miner_spk, extra_data));
  if (!candidate_txs.empty()) {
    LayeredUtxoView view(utxo_, c.acceptance->diff);
    TxValidationContext ctx;
    ctx.pov_daa_score = c.daa_score;
    ctx.coinbase_maturity = params_.coinbase_maturity;
    ctx.check_mass_commitment = params_.check_mass_commitment;
    ctx.past_median_time_ms = dag_.node(c.gd.selected_parent).block->header.timestamp;
    for (const auto& tx : candidate_txs) {
      if (tx.is_coinbase() || !validator_.validate_in_isolation(tx).ok()) continue;
      auto r = validator_.validate_in_utxo_context(tx, view, ctx);
      if (!r.ok()) continue;
      view.add_transaction(tx, kaspa::transaction_id(tx), r->entries, c.daa_score);
      block.transactions.push_back(tx);
    }
  }
  kaspa::BlockHeader& h = block.header;
  h.version = kaspa::kHeaderVersionCrescendo;
  h.parents_by_level.emplace_back();
  for (BlockId p : parents) h.parents_by_level[0].push_back(dag_.hash(p));
  h.hash_merkle_root = kaspa::calc_hash_merkle_root(block.transactions);
  h.accepted_id_merkle_root = c.acceptance->accepted_id_merkle_root;
  h.timestamp = timestamp_ms;
  h.bits = params_.bits;
  h.nonce = nonce;
  h.daa_score = c.daa_score;
  h.blue_work = to_header_blue_work(c.gd.blue_work);
  h.blue_score = c.gd.blue_score;
  h.pruning_point = genesis_hash();
  prebuilt_hash_ = kaspa::header_hash(h);
  prebuilt_ = std::move(c);
  return block;
}

core::Result<BlockId> Consensus::add_block(std::shared_ptr<const Block> block_ptr, bool release) {
  const Block& block = *block_ptr;
  const kaspa::BlockHeader& h = block.header;
  const BlockHash hash = kaspa::header_hash(h);
  if (dag_.contains(hash)) return core::make_error("block " + short_hash(hash) + " already exists");
  std::vector<BlockId> parents;
  for (const auto& ph : h.direct_parents()) {
    auto p = dag_.find(ph);
    if (!p) return core::make_error(core::ErrorCode::kNotFound, "block " + short_hash(hash) + " has missing parent " +
                                                                      short_hash(ph));
    if (release && !is_released(*p))
      return core::make_error(core::ErrorCode::kNotFound, "block " + short_hash(hash) + " has withheld parent " +
                                                                short_hash(ph));
    parents.push_back(*p);
  }
  if (prebuilt_hash_ && *prebuilt_hash_ == hash && prebuilt_ &&
      h.hash_merkle_root == kaspa::calc_hash_merkle_root(block.transactions)) {
    // Built by build_block from this very DAG (same header, and the body matches its merkle root): the checks
    // below would all pass.
    Candidate c = std::move(*prebuilt_);
    prebuilt_.reset();
    prebuilt_hash_.reset();
    const BlockId id = dag_.insert(hash, h.bits, std::move(parents), std::move(c.gd), c.daa_score, std::move(block_ptr));
    acceptance_.push_back(std::move(c.acceptance));
    released_.push_back(0);
    chain_pos_.push_back(0);
    if (release) process_released(id);
    return id;
  }
  IGRA_TRY_VOID(check_parents(parents));
  if (h.bits != params_.bits) return core::make_error("block has unexpected difficulty bits");
  if (block.transactions.empty() || !block.transactions[0].is_coinbase())
    return core::make_error("block's first transaction is not a coinbase");
  for (std::size_t i = 1; i < block.transactions.size(); ++i)
    if (block.transactions[i].is_coinbase()) return core::make_error("block has more than one coinbase");
  IGRA_TRY(Candidate c, prepare(parents));
  if (h.blue_score != c.gd.blue_score)
    return core::make_error("block blue score " + std::to_string(h.blue_score) + " is not the expected " +
                            std::to_string(c.gd.blue_score));
  if (from_header_blue_work(h.blue_work) != c.gd.blue_work)
    return core::make_error("block blue work is not the expected " + c.gd.blue_work.to_hex());
  if (h.daa_score != c.daa_score)
    return core::make_error("block DAA score " + std::to_string(h.daa_score) + " is not the expected " +
                            std::to_string(c.daa_score));
  if (h.accepted_id_merkle_root != c.acceptance->accepted_id_merkle_root)
    return core::make_error("bad accepted id merkle root");
  if (h.hash_merkle_root != kaspa::calc_hash_merkle_root(block.transactions))
    return core::make_error("bad hash merkle root");
  auto payload = parse_coinbase_payload(block.transactions[0].payload);
  if (!payload.ok()) return payload.error().context("bad coinbase payload");
  if (block.transactions[0] !=
      expected_coinbase(c.gd, *c.acceptance, payload->script_public_key, payload->extra_data))
    return core::make_error("bad coinbase transaction");
  if (block.transactions.size() > 1) {
    LayeredUtxoView view(utxo_, c.acceptance->diff);
    TxValidationContext ctx;
    ctx.pov_daa_score = c.daa_score;
    ctx.coinbase_maturity = params_.coinbase_maturity;
    ctx.check_mass_commitment = params_.check_mass_commitment;
    ctx.past_median_time_ms = dag_.node(c.gd.selected_parent).block->header.timestamp;
    for (std::size_t i = 1; i < block.transactions.size(); ++i) {
      const auto& tx = block.transactions[i];
      const kaspa::TransactionId id = kaspa::transaction_id(tx);
      if (auto r = validator_.validate_in_isolation(tx); !r.ok())
        return r.error().context("transaction " + core::to_hex(id) + " is invalid");
      auto r = validator_.validate_in_utxo_context(tx, view, ctx);
      if (!r.ok()) return r.error().context("transaction " + core::to_hex(id) + " is invalid in the block context");
      view.add_transaction(tx, id, r->entries, c.daa_score);
    }
  }
  const BlockId id = dag_.insert(hash, h.bits, std::move(parents), std::move(c.gd), c.daa_score, std::move(block_ptr));
  acceptance_.push_back(std::move(c.acceptance));
  released_.push_back(0);
  chain_pos_.push_back(0);
  if (release) process_released(id);
  return id;
}

core::Result<void> Consensus::release(BlockId id) {
  if (id >= dag_.size()) return core::make_error(core::ErrorCode::kNotFound, "unknown block");
  if (is_released(id)) return {};
  for (BlockId p : dag_.node(id).parents)
    if (!is_released(p))
      return core::make_error(core::ErrorCode::kNotFound, "block " + short_hash(dag_.hash(id)) +
                                                              " has withheld parent " + short_hash(dag_.hash(p)));
  process_released(id);
  return {};
}

void Consensus::process_released(BlockId id) {
  released_[id] = 1;
  const auto& parents = dag_.node(id).parents;
  tips_.erase(std::remove_if(tips_.begin(), tips_.end(),
                             [&](BlockId t) { return std::find(parents.begin(), parents.end(), t) != parents.end(); }),
              tips_.end());
  tips_.push_back(id);
  for (const auto& l : block_listeners_) l(id);
  update_virtual();
}

std::vector<BlockId> Consensus::pick_parents(std::span<const BlockId> tips) const {
  std::vector<BlockId> sorted(tips.begin(), tips.end());
  std::sort(sorted.begin(), sorted.end(), [&](BlockId a, BlockId b) { return dag_.less(b, a); });
  if (sorted.size() > kMaxParentCandidates) sorted.resize(kMaxParentCandidates);
  std::vector<BlockId> chosen;
  if (sorted.empty()) return chosen;
  chosen.push_back(sorted[0]);
  const std::size_t limit = params_.ghostdag.mergeset_size_limit;
  for (std::size_t i = 1; i < sorted.size() && chosen.size() < params_.max_block_parents; ++i) {
    chosen.push_back(sorted[i]);
    auto ms = unordered_mergeset_without_selected_parent(dag_, chosen[0], chosen, limit == 0 ? 0 : limit - 1);
    if (!ms.ok()) chosen.pop_back();
  }
  return chosen;
}

void Consensus::update_virtual() {
  virtual_acceptance_.reset();
  virtual_view_.reset();
  virtual_parents_ = pick_parents(tips_);
  if (auto vgd = compute_ghostdag(dag_, virtual_parents_, params_.ghostdag); vgd.ok()) {
    virtual_blue_score_ = vgd->blue_score;
    virtual_daa_score_ = compute_daa_score(dag_, *vgd, params_.ghostdag);
  }
  const BlockId new_sink = virtual_parents_[0];
  if (new_sink == sink()) return;
  ChainChange change;
  std::vector<BlockId> added_rev;
  BlockId b = new_sink;
  while (chain_pos_[b] == 0) {
    added_rev.push_back(b);
    b = dag_.selected_parent(b);
  }
  const std::size_t common = chain_pos_[b] - 1;
  while (chain_.size() > common + 1) {
    change.removed.push_back(dag_.hash(chain_.back()));
    chain_pos_[chain_.back()] = 0;
    chain_.pop_back();
  }
  for (auto it = added_rev.rbegin(); it != added_rev.rend(); ++it) {
    chain_.push_back(*it);
    chain_pos_[*it] = static_cast<std::uint32_t>(chain_.size());
    change.added.push_back(dag_.hash(*it));
    change.accepted_ids.push_back(acceptance_[*it]->accepted_ids);
  }
  for (const auto& l : chain_listeners_) l(change);
}

std::vector<kaspa::Transaction> Consensus::accepted_transactions(BlockId id) const {
  std::vector<kaspa::Transaction> out;
  for (const auto& m : acceptance_[id]->mergeset) {
    const Block& blk = *dag_.node(*dag_.find(m.block_hash)).block;
    for (const auto& [txid, idx] : m.accepted) out.push_back(blk.transactions[idx]);
  }
  return out;
}

core::Result<ChainChange> Consensus::chain_path_from(const BlockHash& from) const {
  auto id = dag_.find(from);
  if (!id || !is_released(*id)) return core::make_error(core::ErrorCode::kNotFound, "cannot find block " + short_hash(from));
  ChainChange change;
  BlockId b = *id;
  while (chain_pos_[b] == 0) {
    change.removed.push_back(dag_.hash(b));
    b = dag_.selected_parent(b);
  }
  for (std::size_t i = chain_pos_[b]; i < chain_.size(); ++i) {
    change.added.push_back(dag_.hash(chain_[i]));
    change.accepted_ids.push_back(acceptance_[chain_[i]]->accepted_ids);
  }
  return change;
}

}  // namespace igra::simnet
