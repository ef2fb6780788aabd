#include "igra/deriver.hpp"

#include <chrono>
#include <unordered_set>

#include "chain/base_fee.hpp"
#include "chain/receipt.hpp"
#include "chain/state_view_reader.hpp"
#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "igra/admission.hpp"
#include "igra/isc.hpp"
#include "igra/payload.hpp"
#include "state/mpt.hpp"

namespace igra::igra {
namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

struct HashKey {
  std::size_t operator()(const core::Hash32& h) const noexcept {
    std::size_t v;
    std::memcpy(&v, h.data(), sizeof v);
    return v;
  }
};

core::Hash32 be32(std::uint64_t v) {
  core::Hash32 h;
  for (int i = 0; i < 8; ++i) h[31 - i] = static_cast<std::uint8_t>(v >> (8 * i));
  return h;
}

}  // namespace

Deriver::Deriver(NetworkParams params, state::StateDb& db, L1Source& source)
    : params_(std::move(params)), db_(db), source_(source), config_(igra_chain_config(params_)),
      admission_(make_admission_check(params_)) {}

core::Result<void> Deriver::load_head() {
  IGRA_TRY(auto view, db_.view());
  if (!view.head()) return core::Error{core::ErrorCode::kNotFound, "database has no genesis (run igrad init)"};
  head_number_ = *view.head();
  IGRA_TRY(auto hash, view.canonical_hash(head_number_));
  IGRA_TRY(auto header_rlp, view.header(head_number_));
  if (!hash || !header_rlp) return core::Error{core::ErrorCode::kInternal, "head block rows missing"};
  head_hash_ = *hash;
  IGRA_TRY(head_header_, chain::decode_header(*header_rlp));
  IGRA_TRY(auto cursor_rlp, view.derivation_cursor());
  if (!cursor_rlp) return core::Error{core::ErrorCode::kInternal, "derivation cursor missing"};
  IGRA_TRY(cursor_, decode_cursor(*cursor_rlp));
  if (cursor_.l2_number != head_number_)
    return core::Error{core::ErrorCode::kInternal, "derivation cursor is for block " + std::to_string(cursor_.l2_number) +
                                                       ", head is " + std::to_string(head_number_)};
  pending_.clear();
  tip_ = cursor_.last_chain_block;
  tip_isc_ = cursor_.last_isc;
  return {};
}

core::Result<void> Deriver::init() {
  IGRA_TRY_VOID(load_head());
  if (tip_ == core::Hash32{}) {
    if (params_.l1_start_hash) {
      tip_ = *params_.l1_start_hash;
    } else {
      IGRA_TRY(tip_, source_.default_start());
    }
    cursor_.last_chain_block = tip_;
  }
  return {};
}

core::Result<void> Deriver::unwind_head_to(std::uint64_t number) {
  if (number >= head_number_) return {};
  IGRA_TRY_VOID(db_.unwind_to(number));
  const std::uint64_t unwound = head_number_ - number;
  (void)unwound;
  IGRA_TRY_VOID(load_head());
  if (on_unwind_) on_unwind_(head_number_);
  return {};
}

core::Result<StepResult> Deriver::step(std::size_t max_chain_blocks) {
  StepResult res;
  const auto t0 = Clock::now();
  IGRA_TRY(auto seg, source_.chain_after(tip_, max_chain_blocks));
  timings_.derive_ms += ms_since(t0);
  res.more = seg.more;

  if (!seg.removed.empty()) {
    std::unordered_set<core::Hash32, HashKey> removed(seg.removed.begin(), seg.removed.end());
    while (!pending_.empty() && removed.count(pending_.back().block.hash)) pending_.pop_back();
    if (pending_.empty()) {
      // Committed windows that hold a removed chain block (removed blocks are a suffix of the chain we
      // followed, so a window is affected iff its last chain block is removed).
      std::uint64_t target = head_number_;
      IGRA_TRY(auto view, db_.view());
      while (target > 0) {
        IGRA_TRY(auto rlp, view.l1_origin(target));
        if (!rlp) return core::Error{core::ErrorCode::kInternal, "L1 origin of block " + std::to_string(target) + " missing"};
        IGRA_TRY(auto origin, decode_l1_origin(*rlp));
        if (origin.chain_blocks.empty() || !removed.count(origin.chain_blocks.back())) break;
        --target;
      }
      view = state::StateView{};
      if (target < head_number_) {
        res.unwound += head_number_ - target;
        IGRA_TRY_VOID(unwind_head_to(target));
        IGRA_TRY_VOID(check_invariants(target > 64 ? target - 64 : 0));
      } else {
        tip_ = cursor_.last_chain_block;
        tip_isc_ = cursor_.last_isc;
      }
      if (removed.count(tip_)) {
        // The genesis cursor itself was removed: the start block is no longer on the chain.
        return core::Error{core::ErrorCode::kInternal, "the L1 start block " + core::to_hex(tip_) +
                                                          " left the selected chain; configure a deeper start"};
      }
      // Re-fetch from the new tip: the source's segment was relative to the old one.
      res.more = true;
      return res;
    }
    tip_ = pending_.back().block.hash;
    tip_isc_ = pending_.back().isc;
  }

  // Queue the L2 transactions of every window after the first one of this batch for sender recovery on
  // another core (the first window is built right away; its senders are recovered inline).
  prefetch_->clear();
  {
    std::optional<std::uint64_t> first_window;
    if (!pending_.empty()) first_window = pending_.front().block.daa_score / kWindowDaaSpan;
    std::vector<core::Bytes> ahead;
    for (const auto& b : seg.added) {
      const std::uint64_t w = b.daa_score / kWindowDaaSpan;
      if (!first_window) first_window = w;
      if (w == *first_window || b.daa_score < params_.launch_daa_score) continue;
      for (const auto& l1 : b.igra_txs) {
        if (classify_payload(l1.tx.payload) != PayloadKind::kL2Tx) continue;
        auto raw = l2_tx_bytes(l1.tx.payload);
        if (raw) ahead.push_back(std::move(*raw));
      }
    }
    if (!ahead.empty()) prefetch_->submit(std::move(ahead));
  }

  for (auto& b : seg.added) {
    ++res.chain_blocks;
    if (b.daa_score < params_.launch_daa_score) {
      tip_ = b.hash;
      tip_daa_ = b.daa_score;
      tip_isc_ = core::Hash32{};
      continue;
    }
    const std::uint64_t window = b.daa_score / kWindowDaaSpan;
    if (pending_.empty() && head_number_ > 0 && window == cursor_.window) {
      // The head's window grew (after a reorg): rebuild it from its first chain block.
      ++res.unwound;
      IGRA_TRY_VOID(unwind_head_to(head_number_ - 1));
      res.more = true;
      return res;
    }
    if (!pending_.empty() && window != pending_.front().block.daa_score / kWindowDaaSpan) {
      const std::uint64_t before_gas = head_header_.gas_used;
      (void)before_gas;
      IGRA_TRY_VOID(build_window());
      ++res.l2_blocks;
      res.gas_used += head_header_.gas_used;
    }
    const core::Hash32 isc_b = isc(tip_isc_, b.accepted_id_merkle_root, b.daa_score, b.timestamp_ms);
    tip_ = b.hash;
    tip_isc_ = isc_b;
    tip_daa_ = b.daa_score;
    pending_.push_back(PendingBlock{std::move(b), isc_b});
  }
  return res;
}

core::Result<void> Deriver::build_window() {
  const auto t_derive = Clock::now();
  const PendingBlock& anchor = pending_.front();
  L1Origin origin;
  origin.window = anchor.block.daa_score / kWindowDaaSpan;
  origin.anchor_hash = anchor.block.hash;
  origin.anchor_daa = anchor.block.daa_score;
  origin.anchor_timestamp_ms = anchor.block.timestamp_ms;
  origin.anchor_isc = anchor.isc;
  origin.last_isc = pending_.back().isc;
  std::uint64_t next_withdrawal = cursor_.next_withdrawal_index;

  chain::BlockInput input;
  input.known_sender = [this](const core::Hash32& h) { return prefetch_->lookup(h); };
  chain::BlockHeader& h = input.header;
  h.parent_hash = head_hash_;
  h.coinbase = kCoinbase;
  h.number = head_number_ + 1;
  h.gas_limit = kL2GasLimit;
  h.timestamp = params_.window_timestamp(anchor.block.daa_score);
  h.extra_data = params_.extra_data;
  h.mix_hash = be32(anchor.block.daa_score);
  h.base_fee_per_gas = chain::next_base_fee(head_header_.gas_limit, head_header_.gas_used,
                                            head_header_.base_fee_per_gas.value_or(core::uint256(1)));
  h.blob_gas_used = 0;
  h.excess_blob_gas = 0;
  h.parent_beacon_block_root = anchor.isc;
  h.requests_hash = chain::kEmptyRequestsHash;

  // L1 transactions in acceptance order. Positions of L2 txs in `input.transactions` map back to records.
  std::vector<std::size_t> l2_record;  // input tx index -> index in origin.l1_txs
  std::vector<std::pair<core::Hash32, std::string>> early_drops;
  for (const auto& pb : pending_) {
    origin.chain_blocks.push_back(pb.block.hash);
    for (const auto& l1 : pb.block.igra_txs) {
      if (!passes_lane_gate(l1.tx, params_, pb.block.daa_score)) continue;
      const PayloadKind kind = classify_payload(l1.tx.payload);
      if (kind == PayloadKind::kNotIgra || kind == PayloadKind::kReserved) continue;
      L1TxRecord rec;
      rec.l1_txid = l1.id;
      rec.payload_type = l1.tx.payload[0];
      switch (kind) {
        case PayloadKind::kL2Tx: {
          auto raw = l2_tx_bytes(l1.tx.payload);
          if (!raw) {
            rec.outcome = L1TxOutcome::kDropped;
            rec.index = early_drops.size();
            early_drops.emplace_back(l1.id, "PAYLOAD_INVALID: " + raw.error().message);
            break;
          }
          rec.outcome = L1TxOutcome::kExecuted;  // fixed up after execution
          l2_record.push_back(origin.l1_txs.size());
          input.transactions.push_back(std::move(*raw));
          break;
        }
        case PayloadKind::kEntry: {
          auto e = validate_entry(l1.tx, params_, pb.block.daa_score);
          if (!e) {
            rec.outcome = L1TxOutcome::kRejectedEntry;
            break;
          }
          rec.outcome = L1TxOutcome::kMinted;
          rec.index = next_withdrawal;
          input.withdrawals.push_back(chain::Withdrawal{next_withdrawal++, 0, e->recipient, e->amount_sompi * 10});
          break;
        }
        default:
          rec.outcome = L1TxOutcome::kIndexed;
          break;
      }
      origin.l1_txs.push_back(rec);
    }
  }
  origin.next_withdrawal_index = next_withdrawal;
  timings_.derive_ms += ms_since(t_derive);

  // Execute over the head state.
  const auto t_exec = Clock::now();
  chain::BlockResult result;
  {
    IGRA_TRY(auto view, db_.writer_view());  // the pending flat changes from the writer's memory
    chain::StateViewReader reader(view, std::nullopt);  // the head state
    auto block_hash = [&reader](std::uint64_t n) { return reader.block_hash(n).value_or(core::Hash32{}); };
    IGRA_TRY(result, chain::execute_block(reader, config_, input, block_hash, chain::TxPolicy::kDrop, admission_));
    if (reader.error()) return *reader.error();
  }
  timings_.execute_ms += ms_since(t_exec);

  // Outcomes of the L2 txs.
  std::vector<std::pair<core::Hash32, std::string>> dropped = early_drops;
  for (std::size_t i = 0; i < result.included.size(); ++i) {
    auto& rec = origin.l1_txs[l2_record[result.included[i].input_index]];
    rec.outcome = L1TxOutcome::kExecuted;
    rec.index = i;
  }
  for (const auto& d : result.dropped) {
    auto& rec = origin.l1_txs[l2_record[d.input_index]];
    rec.outcome = L1TxOutcome::kDropped;
    rec.index = dropped.size();
    dropped.emplace_back(d.hash, d.reason);
  }

  const auto t_root = Clock::now();
  IGRA_TRY(auto state_root, db_.stage_block(h.number, result.changes));
  timings_.root_ms += ms_since(t_root);
  h.state_root = state_root;
  h.transactions_root = result.transactions_root;
  h.receipts_root = result.receipts_root;
  h.logs_bloom = result.logs_bloom;
  h.gas_used = result.gas_used;
  h.withdrawals_root = result.withdrawals_root;

  state::BlockData data;
  data.number = h.number;
  data.header = chain::encode_header(h);
  data.hash = core::keccak256(data.header);
  chain::BlockBody body;
  body.transactions = result.raw_included;
  body.withdrawals = input.withdrawals;
  data.body = chain::encode_body(body);
  std::unordered_set<core::Address20, evm::AddressHash> addrs;
  std::unordered_set<core::Hash32, HashKey> topics;
  for (std::size_t i = 0; i < result.receipts.size(); ++i) {
    data.receipts.push_back(chain::encode_receipt(result.receipts[i]));
    data.tx_hashes.push_back(result.included[i].hash);
    for (const auto& log : result.receipts[i].logs) {
      addrs.insert(log.address);
      topics.insert(log.topics.begin(), log.topics.end());
    }
  }
  data.log_addresses.assign(addrs.begin(), addrs.end());
  data.log_topics.assign(topics.begin(), topics.end());
  data.l1_origin = encode_l1_origin(origin);
  DerivationCursor next{h.number, pending_.back().block.hash, pending_.back().isc, next_withdrawal, origin.window};
  data.derivation_cursor = encode_cursor(next);
  data.dropped_txs = std::move(dropped);

  const auto t_commit = Clock::now();
  auto committed = db_.commit_block(data);
  if (!committed) {
    db_.abort_block();
    return committed.error();
  }
  timings_.commit_ms += ms_since(t_commit);

  head_number_ = h.number;
  head_hash_ = data.hash;
  head_header_ = h;
  cursor_ = next;
  pending_.clear();
  if (on_commit_) on_commit_(CommittedBlock{h.number, data.hash, &head_header_, &result, &origin});
  return {};
}

core::Result<void> Deriver::check_invariants(std::uint64_t from) {
  IGRA_TRY(auto view, db_.view());
  if (!view.head() || *view.head() != head_number_)
    return core::Error{core::ErrorCode::kInternal, "invariant: database head differs from the deriver's head"};
  std::optional<core::Hash32> prev_hash;
  std::optional<std::uint64_t> prev_window;
  for (std::uint64_t n = from; n <= head_number_; ++n) {
    IGRA_TRY(auto hash, view.canonical_hash(n));
    IGRA_TRY(auto header_rlp, view.header(n));
    if (!hash || !header_rlp)
      return core::Error{core::ErrorCode::kInternal, "invariant: block " + std::to_string(n) + " missing (not contiguous)"};
    IGRA_TRY(auto header, chain::decode_header(*header_rlp));
    if (header.number != n || (prev_hash && header.parent_hash != *prev_hash))
      return core::Error{core::ErrorCode::kInternal, "invariant: block " + std::to_string(n) + " does not link to its parent"};
    prev_hash = *hash;
    if (n == 0) continue;
    IGRA_TRY(auto origin_rlp, view.l1_origin(n));
    if (!origin_rlp) return core::Error{core::ErrorCode::kInternal, "invariant: L1 origin of " + std::to_string(n) + " missing"};
    IGRA_TRY(auto origin, decode_l1_origin(*origin_rlp));
    if (origin.chain_blocks.empty() || origin.chain_blocks.front() != origin.anchor_hash)
      return core::Error{core::ErrorCode::kInternal, "invariant: L1 origin of " + std::to_string(n) + " has no anchor"};
    if (prev_window && origin.window <= *prev_window)
      return core::Error{core::ErrorCode::kInternal, "invariant: windows not increasing at block " + std::to_string(n)};
    prev_window = origin.window;
  }
  return {};
}

core::Result<core::Hash32> write_genesis(state::StateDb& db, const chain::BlockHeader& header,
                                         const state::BlockChanges& alloc, const core::Hash32& l1_start) {
  const core::Hash32 hash = chain::header_hash(header);
  {
    IGRA_TRY(auto view, db.view());
    if (view.head()) {
      IGRA_TRY(auto stored, view.canonical_hash(0));
      if (stored && *stored == hash) return hash;
      return core::Error{core::ErrorCode::kInvalidArgument,
                         "database already holds a different chain (genesis " + (stored ? core::to_hex(*stored) : "?") + ")"};
    }
  }
  IGRA_TRY(auto root, db.stage_block(0, alloc));
  if (root != header.state_root) {
    db.abort_block();
    return core::Error{core::ErrorCode::kInternal, "genesis state root " + core::to_hex(root) +
                                                       " differs from the header's " + core::to_hex(header.state_root)};
  }
  state::BlockData data;
  data.number = 0;
  data.hash = hash;
  data.header = chain::encode_header(header);
  chain::BlockBody body;
  body.withdrawals = std::vector<chain::Withdrawal>{};
  data.body = chain::encode_body(body);
  DerivationCursor c;
  c.l2_number = 0;
  c.last_chain_block = l1_start;
  data.derivation_cursor = encode_cursor(c);
  auto committed = db.commit_block(data);
  if (!committed) {
    db.abort_block();
    return committed.error();
  }
  return hash;
}

}  // namespace igra::igra
