#include "rpc/eth_api.hpp"

#include <algorithm>

#include "chain/base_fee.hpp"
#include "chain/transaction_codec.hpp"
#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "evm/evm.hpp"
#include "igra/admission.hpp"
#include "igra/l1_origin.hpp"
#include "rpc/eth_api_impl.hpp"
#include "state/mpt.hpp"

namespace igra::rpc {

void throw_db(const core::Error& e) { throw RpcError(code::kInternalError, "database: " + e.message); }

namespace {

[[noreturn]] void header_not_found() { throw RpcError(code::kInvalidInput, "header not found"); }


void require_positional(const json& params, std::size_t min, std::size_t max) {
  if (!params.is_array()) throw RpcError(code::kInvalidParams, "invalid params: expected an array");
  if (params.size() < min)
    throw RpcError(code::kInvalidParams, "missing value for required argument " + std::to_string(params.size()));
  if (params.size() > max)
    throw RpcError(code::kInvalidParams, "too many arguments, want at most " + std::to_string(max));
}

}  // namespace

// ---- HistoricalReader ---------------------------------------------------------------------------------------

void HistoricalReader::set_overrides(std::unordered_map<core::Address20, Override, evm::AddressHash> o) {
  overrides_ = std::move(o);
  for (const auto& [a, ov] : overrides_)
    if (ov.code) override_code_[core::keccak256(*ov.code)] = *ov.code;
}

std::optional<evm::AccountInfo> HistoricalReader::read_account(const core::Address20& addr) const {
  std::optional<evm::AccountInfo> info = chain::StateViewReader::read_account(addr);
  auto it = overrides_.find(addr);
  if (it == overrides_.end()) return info;
  const Override& o = it->second;
  if (!info) info.emplace();
  if (o.balance) info->balance = *o.balance;
  if (o.nonce) info->nonce = *o.nonce;
  if (o.code) info->code_hash = o.code->empty() ? evm::kEmptyCodeHash : core::keccak256(*o.code);
  if (o.state) {
    info->has_storage = false;
    for (const auto& [k, v] : *o.state)
      if (!v.is_zero()) info->has_storage = true;
  }
  for (const auto& [k, v] : o.state_diff)
    if (!v.is_zero()) info->has_storage = true;
  return info;
}

core::uint256 HistoricalReader::read_storage(const core::Address20& addr, const core::uint256& key) const {
  if (auto it = overrides_.find(addr); it != overrides_.end()) {
    if (auto d = it->second.state_diff.find(key); d != it->second.state_diff.end()) return d->second;
    if (it->second.state) {
      auto s = it->second.state->find(key);
      return s == it->second.state->end() ? core::uint256() : s->second;
    }
  }
  return chain::StateViewReader::read_storage(addr, key);
}

core::Bytes HistoricalReader::read_code(const core::Hash32& code_hash) const {
  if (auto it = override_code_.find(code_hash); it != override_code_.end()) return it->second;
  return chain::StateViewReader::read_code(code_hash);
}

void HistoricalReader::check() const {
  if (error()) throw_db(*error());
}

// ---- log criteria -------------------------------------------------------------------------------------------

bool LogCriteria::matches(const chain::Log& log) const {
  if (!addresses.empty() && std::find(addresses.begin(), addresses.end(), log.address) == addresses.end())
    return false;
  if (topics.size() > log.topics.size()) {
    // A position with criteria that the log does not have fails; trailing wildcards are fine.
    for (std::size_t i = log.topics.size(); i < topics.size(); ++i)
      if (!topics[i].empty()) return false;
  }
  for (std::size_t i = 0; i < topics.size() && i < log.topics.size(); ++i) {
    if (topics[i].empty()) continue;
    if (std::find(topics[i].begin(), topics[i].end(), log.topics[i]) == topics[i].end()) return false;
  }
  return true;
}

LogCriteria parse_log_criteria(const json& f, int arg) {
  LogCriteria c;
  if (!f.is_object()) invalid_arg(arg, "filter must be an object");
  if (auto a = f.find("address"); a != f.end() && !a->is_null()) {
    if (a->is_array()) {
      if (a->size() > 1000) invalid_arg(arg, "too many addresses");
      for (const auto& x : *a) c.addresses.push_back(parse_address(x, arg));
    } else {
      c.addresses.push_back(parse_address(*a, arg));
    }
  }
  if (auto t = f.find("topics"); t != f.end() && !t->is_null()) {
    if (!t->is_array()) invalid_arg(arg, "topics must be an array");
    if (t->size() > 4) invalid_arg(arg, "too many topics (at most 4 positions)");
    for (const auto& pos : *t) {
      std::vector<core::Hash32> alts;
      if (pos.is_array()) {
        if (pos.size() > 1000) invalid_arg(arg, "too many topic alternatives");
        for (const auto& x : pos)
          if (!x.is_null()) alts.push_back(parse_hash(x, arg));
      } else if (!pos.is_null()) {
        alts.push_back(parse_hash(pos, arg));
      }
      c.topics.push_back(std::move(alts));
    }
  }
  return c;
}

// ---- Impl ---------------------------------------------------------------------------------------------------

EthApi::Impl::Impl(state::StateDb& d, igra::NetworkParams p, NodeHooks h, ApiOptions o)
    : db(d), params(std::move(p)), config(igra::igra_chain_config(params)), hooks(std::move(h)), options(std::move(o)) {}

state::StateView EthApi::Impl::view() { return db_ok(db.view()); }

std::uint64_t EthApi::Impl::head(state::StateView& v) {
  if (!v.head()) throw RpcError(code::kResourceUnavailable, "the database holds no blocks yet");
  return *v.head();
}

std::uint64_t EthApi::Impl::safe_block(state::StateView& v) {
  const std::uint64_t h = head(v);
  std::uint64_t above = 0;  // Kaspa chain blocks above the anchor of block n
  for (std::uint64_t n = h; n > 0; --n) {
    auto raw = db_ok(v.l1_origin(n));
    if (!raw) return n;  // a block without origin (genesis-like): treat as settled
    auto o = igra::decode_l1_origin(*raw);
    if (!o) throw_db(o.error());
    const std::uint64_t in_window = o->chain_blocks.empty() ? 0 : o->chain_blocks.size() - 1;
    if (above + in_window >= options.safe_confirmations) return n;
    above += o->chain_blocks.size();
  }
  return 0;
}

std::uint64_t EthApi::Impl::finalized_block(state::StateView& v) {
  const std::uint64_t h = head(v);
  const std::uint64_t tip = hooks.stats ? hooks.stats().l1_tip_daa : 0;
  if (tip < options.finality_daa) return std::min<std::uint64_t>(h, db_ok(v.first_block()));
  const std::uint64_t limit = tip - options.finality_daa;
  // Anchor DAA scores grow with the block number: binary search the last block anchored at or below limit.
  auto anchor = [&](std::uint64_t n) -> std::optional<std::uint64_t> {
    auto raw = db_ok(v.l1_origin(n));
    if (!raw) return std::nullopt;
    auto o = igra::decode_l1_origin(*raw);
    if (!o) throw_db(o.error());
    return o->anchor_daa;
  };
  std::uint64_t lo = db_ok(v.first_block()), hi = h;
  if (auto a = anchor(hi); a && *a <= limit) return hi;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo + 1) / 2;
    auto a = anchor(mid);
    if (!a || *a <= limit) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

std::optional<std::uint64_t> EthApi::Impl::resolve_block(state::StateView& v, const json& p, int arg) {
  const std::uint64_t h = head(v);
  if (p.is_null()) return h;
  if (p.is_string()) {
    const auto& s = p.get_ref<const std::string&>();
    if (s == "latest" || s == "pending") return h;
    if (s == "earliest") return db_ok(v.first_block());
    if (s == "safe") return safe_block(v);
    if (s == "finalized") return finalized_block(v);
    if (s.size() == 66) {  // a block hash given directly (EIP-1898 allows the bare hash, as geth does)
      auto n = db_ok(v.block_number(parse_hash(p, arg)));
      if (!n) throw RpcError(code::kInvalidInput, "header for hash not found");
      return *n;
    }
    const std::uint64_t n = parse_u64(p, arg);
    if (n > h) return std::nullopt;
    return n;
  }
  if (p.is_object()) {
    const auto num = p.find("blockNumber");
    const auto hash = p.find("blockHash");
    if (num != p.end() && hash != p.end()) invalid_arg(arg, "cannot specify both blockHash and blockNumber");
    if (num != p.end()) return resolve_block(v, *num, arg);
    if (hash != p.end()) {
      const core::Hash32 hh = parse_hash(*hash, arg);
      auto n = db_ok(v.block_number(hh));
      if (!n) {
        const auto rc = p.find("requireCanonical");
        (void)rc;  // only canonical blocks are stored
        throw RpcError(code::kInvalidInput, "header for hash not found");
      }
      return *n;
    }
    invalid_arg(arg, "block object needs blockNumber or blockHash");
  }
  if (p.is_number_unsigned()) {
    const std::uint64_t n = p.get<std::uint64_t>();
    if (n > h) return std::nullopt;
    return n;
  }
  invalid_arg(arg, "invalid block number or tag");
}

std::uint64_t EthApi::Impl::require_block(state::StateView& v, const json& p, int arg) {
  auto n = resolve_block(v, p, arg);
  if (!n) header_not_found();
  return *n;
}

std::optional<LoadedBlock> EthApi::Impl::load_block(state::StateView& v, std::uint64_t number) {
  auto hash = db_ok(v.canonical_hash(number));
  auto header = db_ok(v.header(number));
  auto body = db_ok(v.body(number));
  if (!hash || !header) return std::nullopt;
  LoadedBlock b;
  b.number = number;
  b.hash = *hash;
  auto h = chain::decode_header(*header);
  if (!h) throw_db(h.error());
  b.header = std::move(*h);
  if (body) {
    auto bd = chain::decode_body(*body);
    if (!bd) throw_db(bd.error());
    b.body = std::move(*bd);
    b.size = block_rlp_size(*header, *body);
  } else {
    b.body.withdrawals.emplace();
    const core::Bytes empty_body = chain::encode_body(b.body);
    b.size = block_rlp_size(*header, empty_body);
  }
  return b;
}

std::vector<chain::Receipt> EthApi::Impl::receipts(state::StateView& v, std::uint64_t number) {
  auto rows = db_ok(v.receipts(number));
  std::vector<chain::Receipt> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    auto rc = chain::decode_receipt(r);
    if (!rc) throw_db(rc.error());
    out.push_back(std::move(*rc));
  }
  return out;
}

namespace {

struct DecodedTx {
  chain::Transaction tx;
  core::Hash32 hash;
  core::Address20 from;
};

DecodedTx decode_tx(core::ByteView raw) {
  auto tx = chain::decode_transaction(raw);
  if (!tx) throw_db(tx.error());
  DecodedTx d;
  d.hash = core::keccak256(raw);
  auto from = chain::recover_sender(*tx);
  if (!from) throw_db(from.error());
  d.from = *from;
  d.tx = std::move(*tx);
  return d;
}

TxPlace place_of(const LoadedBlock& b, std::size_t i) {
  TxPlace p;
  p.block_hash = b.hash;
  p.block_number = b.number;
  p.block_timestamp = b.header.timestamp;
  p.index = i;
  p.base_fee = b.header.base_fee_per_gas.value_or(core::uint256());
  return p;
}

}  // namespace

json EthApi::Impl::block_json(state::StateView&, const LoadedBlock& b, bool full) {
  json j = header_json(b.header, b.hash);
  j["size"] = qty(b.size);
  json txs = json::array();
  for (std::size_t i = 0; i < b.body.transactions.size(); ++i) {
    if (full) {
      DecodedTx d = decode_tx(b.body.transactions[i]);
      txs.push_back(transaction_json(d.tx, d.hash, d.from, place_of(b, i)));
    } else {
      txs.push_back(hex_data(core::keccak256(b.body.transactions[i])));
    }
  }
  j["transactions"] = std::move(txs);
  j["uncles"] = json::array();
  if (b.body.withdrawals) {
    json ws = json::array();
    for (const auto& w : *b.body.withdrawals) ws.push_back(withdrawal_json(w));
    j["withdrawals"] = std::move(ws);
  }
  return j;
}

json EthApi::Impl::receipt_json(const LoadedBlock& b, std::size_t i, const chain::Transaction& tx,
                                const core::Address20& from, const std::vector<chain::Receipt>& rs,
                                std::size_t first_log_index) {
  const chain::Receipt& r = rs[i];
  const std::uint64_t prev = i ? rs[i - 1].cumulative_gas_used : 0;
  const core::Hash32 hash = core::keccak256(b.body.transactions[i]);
  const core::uint256 base_fee = b.header.base_fee_per_gas.value_or(core::uint256());
  json logs = json::array();
  for (std::size_t k = 0; k < r.logs.size(); ++k) {
    LogPlace p{b.hash, b.number, b.header.timestamp, hash, i, first_log_index + k};
    logs.push_back(log_json(r.logs[k], p));
  }
  json j = {
      {"blockHash", hex_data(b.hash)},
      {"blockNumber", qty(b.number)},
      {"contractAddress", tx.to ? json(nullptr) : json(hex_data(evm::create_address(from, tx.nonce)))},
      {"cumulativeGasUsed", qty(r.cumulative_gas_used)},
      {"effectiveGasPrice", qty(effective_gas_price(tx, base_fee))},
      {"from", hex_data(from)},
      {"gasUsed", qty(r.cumulative_gas_used - prev)},
      {"logs", std::move(logs)},
      {"logsBloom", hex_data(r.bloom)},
      {"status", qty(std::uint64_t{r.status ? 1u : 0u})},
      {"to", tx.to ? json(hex_data(*tx.to)) : json(nullptr)},
      {"transactionHash", hex_data(hash)},
      {"transactionIndex", qty(i)},
      {"type", qty(static_cast<std::uint64_t>(tx.type))},
  };
  return j;
}

std::vector<json> EthApi::Impl::block_receipts_json(state::StateView& v, const LoadedBlock& b) {
  const auto rs = receipts(v, b.number);
  if (rs.size() != b.body.transactions.size()) throw_db(core::Error("receipt count differs from the body"));
  std::vector<json> out;
  std::size_t log_index = 0;
  for (std::size_t i = 0; i < rs.size(); ++i) {
    DecodedTx d = decode_tx(b.body.transactions[i]);
    out.push_back(receipt_json(b, i, d.tx, d.from, rs, log_index));
    log_index += rs[i].logs.size();
  }
  return out;
}

std::vector<PlacedLog> EthApi::Impl::block_logs(state::StateView& v, const LoadedBlock& b) {
  const auto rs = receipts(v, b.number);
  std::vector<PlacedLog> out;
  std::size_t log_index = 0;
  for (std::size_t i = 0; i < rs.size() && i < b.body.transactions.size(); ++i) {
    if (rs[i].logs.empty()) continue;
    const core::Hash32 tx_hash = core::keccak256(b.body.transactions[i]);
    for (std::size_t k = 0; k < rs[i].logs.size(); ++k) {
      out.push_back(PlacedLog{rs[i].logs[k], LogPlace{b.hash, b.number, b.header.timestamp, tx_hash, i, log_index + k}});
    }
    log_index += rs[i].logs.size();
  }
  return out;
}

json EthApi::Impl::get_logs(state::StateView& v, const json& f, CallContext& ctx) {
  const LogCriteria c = parse_log_criteria(f, 0);
  std::vector<std::uint64_t> blocks;
  const auto bh = f.find("blockHash");
  if (bh != f.end() && !bh->is_null()) {
    if (f.contains("fromBlock") || f.contains("toBlock"))
      throw RpcError(code::kInvalidParams,
                     "invalid argument 0: cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other");
    auto n = db_ok(v.block_number(parse_hash(*bh, 0)));
    if (!n) throw RpcError(code::kInvalidInput, "unknown block");
    blocks.push_back(*n);
  } else {
    const std::uint64_t h = head(v);
    auto bound = [&](const char* key, std::uint64_t dflt) -> std::uint64_t {
      auto it = f.find(key);
      if (it == f.end() || it->is_null()) return dflt;
      if (it->is_string() && it->get_ref<const std::string&>().size() == 66)
        invalid_arg(0, std::string(key) + " must be a block number or tag (use blockHash for a single block)");
      auto n = resolve_block(v, *it, 0);
      if (!n) throw RpcError(code::kInvalidParams, "block range extends beyond current head block");
      return *n;
    };
    const std::uint64_t from = bound("fromBlock", h), to = bound("toBlock", h);
    if (from > to) throw RpcError(code::kInvalidParams, "invalid block range params");
    if (to - from + 1 > options.max_log_range)
      throw RpcError(code::kLimitExceeded,
                     "query exceeds max block range " + std::to_string(options.max_log_range));
    // Candidate blocks from the log indices: intersect the address set and every constrained topic position.
    std::optional<std::set<std::uint64_t>> cand;
    auto intersect = [&](std::set<std::uint64_t> s) {
      if (!cand) {
        cand = std::move(s);
        return;
      }
      std::set<std::uint64_t> r;
      std::set_intersection(cand->begin(), cand->end(), s.begin(), s.end(), std::inserter(r, r.end()));
      cand = std::move(r);
    };
    if (!c.addresses.empty()) {
      std::set<std::uint64_t> s;
      for (const auto& a : c.addresses)
        for (auto n : db_ok(v.log_blocks_by_address(a, from, to))) s.insert(n);
      intersect(std::move(s));
    }
    for (const auto& alts : c.topics) {
      if (alts.empty()) continue;
      std::set<std::uint64_t> s;
      for (const auto& t : alts)
        for (auto n : db_ok(v.log_blocks_by_topic(t, from, to))) s.insert(n);
      intersect(std::move(s));
    }
    if (cand) {
      blocks.assign(cand->begin(), cand->end());
    } else {
      for (std::uint64_t n = from; n <= to; ++n) blocks.push_back(n);
    }
  }
  json out = json::array();
  std::size_t count = 0;
  for (std::uint64_t n : blocks) {
    if (ctx.expired()) throw RpcError(code::kLimitExceeded, "eth_getLogs timed out: narrow the block range");
    if (c.addresses.empty() && c.topics.empty()) {
      // Without index narrowing, skip blocks without logs by their header bloom.
      auto raw = db_ok(v.header(n));
      if (!raw) continue;
      auto h = chain::decode_header(*raw);
      if (h && h->logs_bloom == chain::Bloom{}) continue;
    }
    auto b = load_block(v, n);
    if (!b) continue;
    for (const auto& pl : block_logs(v, *b)) {
      if (!c.matches(pl.log)) continue;
      if (++count > options.max_logs)
        throw RpcError(code::kLimitExceeded,
                       "query returned more than " + std::to_string(options.max_logs) + " results");
      out.push_back(log_json(pl.log, pl.place));
    }
  }
  return out;
}

void EthApi::Impl::add_pending(const core::Address20& sender, std::uint64_t nonce, const core::Hash32& hash) {
  std::lock_guard lk(pending_mu);
  pending[sender][nonce] = hash;
  pending_hashes.insert(hash);
}

std::uint64_t EthApi::Impl::pending_nonce(state::StateView&, const core::Address20& addr, std::uint64_t latest) {
  std::lock_guard lk(pending_mu);
  auto it = pending.find(addr);
  if (it == pending.end()) return latest;
  auto& m = it->second;
  for (auto n = m.begin(); n != m.end() && n->first < latest;) {
    pending_hashes.erase(n->second);
    n = m.erase(n);
  }
  if (m.empty()) {
    pending.erase(it);
    return latest;
  }
  std::uint64_t n = latest;
  while (m.count(n)) ++n;
  return n;
}

// ---- registration -------------------------------------------------------------------------------------------

EthApi::EthApi(state::StateDb& db, igra::NetworkParams params, NodeHooks hooks, ApiOptions options)
    : impl_(std::make_unique<Impl>(db, std::move(params), std::move(hooks), std::move(options))) {}
EthApi::~EthApi() = default;

void EthApi::on_commit(const igra::CommittedBlock& block) { impl_->on_commit(block); }
void EthApi::on_unwind(std::uint64_t new_head) { impl_->on_unwind(new_head); }

void EthApi::add_pending(core::ByteView raw) {
  auto tx = chain::decode_transaction(raw);
  if (!tx) return;
  auto sender = chain::recover_sender(*tx);
  if (!sender) return;
  impl_->add_pending(*sender, tx->nonce, core::keccak256(raw));
}

void EthApi::register_methods(Dispatcher& d) {
  Impl* im = impl_.get();
  const std::uint64_t chain_id = im->params.chain_id;

  // ---- web3 / net ----
  d.add("web3_clientVersion", [im](const json& p, CallContext&) {
    require_positional(p, 0, 0);
    return json(im->options.client_version);
  });
  d.add("web3_sha3", [](const json& p, CallContext&) {
    require_positional(p, 1, 1);
    return json(hex_data(core::keccak256(parse_data(p[0], 0, 8u << 20))));
  });
  d.add("net_version", [chain_id](const json& p, CallContext&) {
    require_positional(p, 0, 0);
    return json(std::to_string(chain_id));
  });
  d.add("net_listening", [](const json&, CallContext&) { return json(true); });
  d.add("net_peerCount", [](const json&, CallContext&) { return json("0x0"); });

  // ---- chain ----
  d.add("eth_chainId", [chain_id](const json& p, CallContext&) {
    require_positional(p, 0, 0);
    return json(qty(chain_id));
  });
  d.add("eth_blockNumber", [im](const json& p, CallContext&) {
    require_positional(p, 0, 0);
    auto v = im->view();
    return json(qty(im->head(v)));
  });
  d.add("eth_syncing", [im](const json& p, CallContext&) -> json {
    require_positional(p, 0, 0);
    if (!im->hooks.stats) return false;
    const auto s = im->hooks.stats();
    if (s.synced) return false;
    const std::uint64_t remaining =
        s.l1_virtual_daa > s.l1_tip_daa ? (s.l1_virtual_daa - s.l1_tip_daa) / igra::kWindowDaaSpan : 0;
    return json{{"startingBlock", qty(std::uint64_t{0})},
                {"currentBlock", qty(s.l2_head)},
                {"highestBlock", qty(s.l2_head + remaining)},
                {"l1TipDaaScore", qty(s.l1_tip_daa)},
                {"l1VirtualDaaScore", qty(s.l1_virtual_daa)}};
  });
  d.add("eth_coinbase", [](const json&, CallContext&) -> json {
    throw RpcError(code::kMethodNotSupported, "etherbase must be explicitly specified: an Igra node does not mine");
  });
  d.add("eth_mining", [](const json&, CallContext&) { return json(false); });
  d.add("eth_hashrate", [](const json&, CallContext&) { return json("0x0"); });
  d.add("eth_protocolVersion", [](const json&, CallContext&) { return json("0x44"); });
  d.add("eth_accounts", [](const json&, CallContext&) { return json::array(); });

  // ---- fees ----
  auto next_base_fee = [im](state::StateView& v) {
    auto b = im->load_block(v, im->head(v));
    if (!b) header_not_found();
    return chain::next_base_fee(b->header.gas_limit, b->header.gas_used,
                                b->header.base_fee_per_gas.value_or(core::uint256(1)));
  };
  const core::uint256 min_fee = core::uint256(im->params.min_fee_gwei) * core::uint256(1'000'000'000ull);
  d.add("eth_maxPriorityFeePerGas", [min_fee](const json& p, CallContext&) {
    require_positional(p, 0, 0);
    return json(qty(min_fee));
  });
  d.add("eth_gasPrice", [im, min_fee, next_base_fee](const json& p, CallContext&) {
    require_positional(p, 0, 0);
    auto v = im->view();
    const core::uint256 base = next_base_fee(v);
    return json(qty(std::max(min_fee, base + min_fee)));
  });
  d.add("eth_baseFee", [im, next_base_fee](const json&, CallContext&) {
    auto v = im->view();
    return json(qty(next_base_fee(v)));
  });
  d.add("eth_blobBaseFee", [](const json&, CallContext&) { return json(qty(std::uint64_t{1})); });
  d.add("eth_feeHistory", [im](const json& p, CallContext&) -> json {
    require_positional(p, 2, 3);
    std::uint64_t count = parse_u64(p[0], 0);
    if (count == 0) return json{{"oldestBlock", "0x0"}, {"baseFeePerGas", json::array()}, {"gasUsedRatio", json::array()}};
    count = std::min(count, im->options.max_fee_history);
    auto v = im->view();
    const std::uint64_t newest = im->require_block(v, p[1], 1);
    std::vector<double> percentiles;
    if (p.size() > 2 && !p[2].is_null()) {
      if (!p[2].is_array() || p[2].size() > 100) invalid_arg(2, "reward percentiles must be an array of at most 100");
      double prev = -1;
      for (const auto& x : p[2]) {
        if (!x.is_number()) invalid_arg(2, "percentile must be a number");
        const double q = x.get<double>();
        if (q < 0 || q > 100 || q < prev) invalid_arg(2, "invalid reward percentile");
        percentiles.push_back(q);
        prev = q;
      }
    }
    const std::uint64_t first = db_ok(v.first_block());
    const std::uint64_t oldest = newest + 1 - std::min(count, newest + 1 - first);
    json base = json::array(), ratio = json::array(), rewards = json::array(), blob_base = json::array(),
         blob_ratio = json::array();
    chain::BlockHeader last;
    for (std::uint64_t n = oldest; n <= newest; ++n) {
      auto b = im->load_block(v, n);
      if (!b) header_not_found();
      const core::uint256 bf = b->header.base_fee_per_gas.value_or(core::uint256());
      base.push_back(qty(bf));
      blob_base.push_back(qty(std::uint64_t{1}));
      ratio.push_back(b->header.gas_limit ? static_cast<double>(b->header.gas_used) / b->header.gas_limit : 0.0);
      blob_ratio.push_back(0.0);
      if (!percentiles.empty()) {
        const auto rs = im->receipts(v, n);
        std::vector<std::pair<core::uint256, std::uint64_t>> tips;  // (tip, gas used)
        for (std::size_t i = 0; i < b->body.transactions.size() && i < rs.size(); ++i) {
          auto tx = chain::decode_transaction(b->body.transactions[i]);
          if (!tx) throw_db(tx.error());
          const core::uint256 eff = effective_gas_price(*tx, bf);
          tips.emplace_back(eff > bf ? eff - bf : core::uint256(), rs[i].cumulative_gas_used - (i ? rs[i - 1].cumulative_gas_used : 0));
        }
        std::sort(tips.begin(), tips.end());
        json r = json::array();
        for (double q : percentiles) {
          if (tips.empty()) {
            r.push_back("0x0");
            continue;
          }
          const double threshold = static_cast<double>(b->header.gas_used) * q / 100.0;
          std::uint64_t sum = 0;
          std::size_t k = 0;
          for (; k < tips.size(); ++k) {
            sum += tips[k].second;
            if (static_cast<double>(sum) >= threshold) break;
          }
          r.push_back(qty(tips[std::min(k, tips.size() - 1)].first));
        }
        rewards.push_back(std::move(r));
      }
      last = b->header;
    }
    base.push_back(qty(chain::next_base_fee(last.gas_limit, last.gas_used, last.base_fee_per_gas.value_or(core::uint256(1)))));
    blob_base.push_back(qty(std::uint64_t{1}));
    json out = {{"oldestBlock", qty(oldest)},
                {"baseFeePerGas", std::move(base)},
                {"gasUsedRatio", std::move(ratio)},
                {"baseFeePerBlobGas", std::move(blob_base)},
                {"blobGasUsedRatio", std::move(blob_ratio)}};
    if (!percentiles.empty()) out["reward"] = std::move(rewards);
    return out;
  });

  // ---- state ----
  d.add("eth_getBalance", [im](const json& p, CallContext&) {
    require_positional(p, 1, 2);
    const auto addr = parse_address(p[0], 0);
    auto v = im->view();
    const std::uint64_t n = im->require_block(v, param_at(p, 1), 1);
    return json(qty(db_ok(v.balance(addr, n))));
  });
  d.add("eth_getTransactionCount", [im](const json& p, CallContext&) {
    require_positional(p, 1, 2);
    const auto addr = parse_address(p[0], 0);
    auto v = im->view();
    const std::uint64_t n = im->require_block(v, param_at(p, 1), 1);
    std::uint64_t nonce = db_ok(v.nonce(addr, n));
    if (param_at(p, 1).is_string() && param_at(p, 1).get<std::string>() == "pending") nonce = im->pending_nonce(v, addr, nonce);
    return json(qty(nonce));
  });
  d.add("eth_getCode", [im](const json& p, CallContext&) {
    require_positional(p, 1, 2);
    const auto addr = parse_address(p[0], 0);
    auto v = im->view();
    const std::uint64_t n = im->require_block(v, param_at(p, 1), 1);
    return json(hex_data(db_ok(v.code(addr, n))));
  });
  d.add("eth_getStorageAt", [im](const json& p, CallContext&) {
    require_positional(p, 2, 3);
    const auto addr = parse_address(p[0], 0);
    const auto slot = parse_slot(p[1], 1);
    auto v = im->view();
    const std::uint64_t n = im->require_block(v, param_at(p, 2), 2);
    return json(hex_data(db_ok(v.storage(addr, slot, n)).to_be32()));
  });
  d.add("eth_getStorageValues", [im](const json& p, CallContext&) {
    require_positional(p, 1, 2);
    if (!p[0].is_object()) invalid_arg(0, "expected an object of address -> [slot...]");
    if (p[0].empty()) throw RpcError(code::kInvalidParams, "empty request");
    auto v = im->view();
    const std::uint64_t n = im->require_block(v, param_at(p, 1), 1);
    json out = json::object();
    std::size_t total = 0;
    for (const auto& [k, slots] : p[0].items()) {
      const auto addr = parse_address(json(k), 0);
      if (!slots.is_array()) invalid_arg(0, "slots must be an array");
      json vals = json::array();
      for (const auto& s : slots) {
        if (++total > 1024) throw RpcError(code::kLimitExceeded, "too many storage slots (at most 1024)");
        vals.push_back(hex_data(db_ok(v.storage(addr, parse_slot(s, 0), n)).to_be32()));
      }
      out[k] = std::move(vals);
    }
    return out;
  });
  d.add("eth_getProof", [im](const json& p, CallContext&) {
    require_positional(p, 2, 3);
    const auto addr = parse_address(p[0], 0);
    if (!p[1].is_array()) invalid_arg(1, "storage keys must be an array");
    if (p[1].size() > 1024) throw RpcError(code::kLimitExceeded, "too many storage keys (at most 1024)");
    std::vector<core::Hash32> slots;
    std::vector<std::string> keys;
    for (const auto& s : p[1]) {
      slots.push_back(parse_slot(s, 1));
      // As geth: a full 32-byte key is echoed as given, any other as a quantity.
      const std::string& given = s.get_ref<const std::string&>();
      keys.push_back(given.size() == 66 ? given : qty(core::uint256::load_be(slots.back())));
    }
    auto v = im->view();
    const std::uint64_t n = im->require_block(v, param_at(p, 2), 2);
    auto pr = v.proof(addr, slots, n);
    if (!pr) throw RpcError(code::kInvalidInput, pr.error().message);
    json acct_proof = json::array();
    for (const auto& node : pr->account_proof) acct_proof.push_back(hex_data(node));
    json sp = json::array();
    for (std::size_t i = 0; i < pr->storage.size(); ++i) {
      json proof = json::array();
      for (const auto& node : pr->storage[i].proof) proof.push_back(hex_data(node));
      sp.push_back({{"key", keys[i]}, {"value", qty(pr->storage[i].value)}, {"proof", std::move(proof)}});
    }
    const state::Account a = pr->account.value_or(state::Account{});
    return json{{"address", hex_data(addr)},
                {"accountProof", std::move(acct_proof)},
                {"balance", qty(a.balance)},
                {"codeHash", hex_data(pr->account ? a.code_hash : evm::kEmptyCodeHash)},
                {"nonce", qty(a.nonce)},
                {"storageHash", hex_data(pr->storage_root)},
                {"storageProof", std::move(sp)}};
  });

  // ---- blocks ----
  d.add("eth_getBlockByNumber", [im](const json& p, CallContext&) -> json {
    require_positional(p, 1, 2);
    const bool full = p.size() > 1 ? parse_bool(p[1], 1) : false;
    auto v = im->view();
    auto n = im->resolve_block(v, p[0], 0);
    if (!n) return nullptr;
    auto b = im->load_block(v, *n);
    if (!b) return nullptr;
    return im->block_json(v, *b, full);
  });
  d.add("eth_getBlockByHash", [im](const json& p, CallContext&) -> json {
    require_positional(p, 1, 2);
    const auto hash = parse_hash(p[0], 0);
    const bool full = p.size() > 1 ? parse_bool(p[1], 1) : false;
    auto v = im->view();
    auto n = db_ok(v.block_number(hash));
    if (!n) return nullptr;
    auto b = im->load_block(v, *n);
    if (!b) return nullptr;
    return im->block_json(v, *b, full);
  });
  auto block_of = [im](state::StateView& v, const json& p, bool by_hash) -> std::optional<LoadedBlock> {
    std::optional<std::uint64_t> n;
    if (by_hash) {
      n = db_ok(v.block_number(parse_hash(p, 0)));
    } else {
      n = im->resolve_block(v, p, 0);
    }
    if (!n) return std::nullopt;
    return im->load_block(v, *n);
  };
  for (bool by_hash : {false, true}) {
    d.add(by_hash ? "eth_getBlockTransactionCountByHash" : "eth_getBlockTransactionCountByNumber",
          [im, block_of, by_hash](const json& p, CallContext&) -> json {
            require_positional(p, 1, 1);
            auto v = im->view();
            auto b = block_of(v, p[0], by_hash);
            if (!b) return nullptr;
            return qty(b->body.transactions.size());
          });
    d.add(by_hash ? "eth_getUncleCountByBlockHash" : "eth_getUncleCountByBlockNumber",
          [im, block_of, by_hash](const json& p, CallContext&) -> json {
            require_positional(p, 1, 1);
            auto v = im->view();
            auto b = block_of(v, p[0], by_hash);
            if (!b) return nullptr;
            return "0x0";
          });
    d.add(by_hash ? "eth_getUncleByBlockHashAndIndex" : "eth_getUncleByBlockNumberAndIndex",
          [](const json& p, CallContext&) -> json {
            require_positional(p, 2, 2);
            return nullptr;
          });
    d.add(by_hash ? "eth_getTransactionByBlockHashAndIndex" : "eth_getTransactionByBlockNumberAndIndex",
          [im, block_of, by_hash](const json& p, CallContext&) -> json {
            require_positional(p, 2, 2);
            const std::uint64_t i = parse_u64(p[1], 1);
            auto v = im->view();
            auto b = block_of(v, p[0], by_hash);
            if (!b || i >= b->body.transactions.size()) return nullptr;
            DecodedTx d = decode_tx(b->body.transactions[i]);
            return transaction_json(d.tx, d.hash, d.from, place_of(*b, i));
          });
  }
  d.add("eth_getBlockReceipts", [im](const json& p, CallContext&) -> json {
    require_positional(p, 1, 1);
    auto v = im->view();
    std::optional<std::uint64_t> n;
    if (p[0].is_string() && p[0].get_ref<const std::string&>().size() == 66) {
      n = db_ok(v.block_number(parse_hash(p[0], 0)));
    } else {
      n = im->resolve_block(v, p[0], 0);
    }
    if (!n) return nullptr;
    auto b = im->load_block(v, *n);
    if (!b) return nullptr;
    return im->block_receipts_json(v, *b);
  });

  // ---- transactions ----
  auto locate = [im](state::StateView& v, const core::Hash32& hash)
      -> std::optional<std::pair<LoadedBlock, std::size_t>> {
    auto loc = db_ok(v.tx_location(hash));
    if (!loc) return std::nullopt;
    auto b = im->load_block(v, loc->block);
    if (!b || loc->index >= b->body.transactions.size()) return std::nullopt;
    return std::make_pair(std::move(*b), static_cast<std::size_t>(loc->index));
  };
  d.add("eth_getTransactionByHash", [im, locate](const json& p, CallContext&) -> json {
    require_positional(p, 1, 1);
    const auto hash = parse_hash(p[0], 0);
    auto v = im->view();
    auto found = locate(v, hash);
    // A relayed transaction not executed yet answers null, as on a node without a mempool: clients written
    // for auto-mining development chains (Hardhat's ethers plugin and chai matchers) treat a transaction that
    // eth_getTransactionByHash returns as mined and read its receipt at once.
    if (!found) return nullptr;
    DecodedTx d = decode_tx(found->first.body.transactions[found->second]);
    return transaction_json(d.tx, d.hash, d.from, place_of(found->first, found->second));
  });
  d.add("eth_getRawTransactionByHash", [im, locate](const json& p, CallContext&) -> json {
    require_positional(p, 1, 1);
    auto v = im->view();
    auto found = locate(v, parse_hash(p[0], 0));
    if (!found) return nullptr;
    return hex_data(found->first.body.transactions[found->second]);
  });
  d.add("eth_getTransactionReceipt", [im, locate](const json& p, CallContext&) -> json {
    require_positional(p, 1, 1);
    auto v = im->view();
    auto found = locate(v, parse_hash(p[0], 0));
    if (!found) return nullptr;
    const auto& [b, i] = *found;
    const auto rs = im->receipts(v, b.number);
    if (i >= rs.size()) return nullptr;
    std::size_t log_index = 0;
    for (std::size_t k = 0; k < i; ++k) log_index += rs[k].logs.size();
    DecodedTx d = decode_tx(b.body.transactions[i]);
    return im->receipt_json(b, i, d.tx, d.from, rs, log_index);
  });
  d.add("eth_getLogs", [im](const json& p, CallContext& ctx) {
    require_positional(p, 1, 1);
    auto v = im->view();
    return im->get_logs(v, p[0], ctx);
  });

  // ---- execution ----
  d.add("eth_call", [im](const json& p, CallContext& ctx) { return im->call(p, ctx); });
  d.add("eth_estimateGas", [im](const json& p, CallContext& ctx) { return im->estimate_gas(p, ctx); });
  d.add("eth_createAccessList", [im](const json& p, CallContext& ctx) { return im->create_access_list(p, ctx); });
  d.add("eth_sendRawTransaction", [im](const json& p, CallContext& ctx) { return im->send_raw_transaction(p, ctx); });
  d.add("eth_sendRawTransactionSync",
        [im](const json& p, CallContext& ctx) { return im->send_raw_transaction_sync(p, ctx); });

  // ---- filters and subscriptions ----
  d.add("eth_newFilter", [im](const json& p, CallContext&) {
    require_positional(p, 1, 1);
    return im->new_filter(p[0], Impl::Filter::Kind::kLogs);
  });
  d.add("eth_newBlockFilter", [im](const json& p, CallContext&) {
    require_positional(p, 0, 0);
    return im->new_filter(json(), Impl::Filter::Kind::kBlocks);
  });
  d.add("eth_newPendingTransactionFilter", [im](const json& p, CallContext&) {
    require_positional(p, 0, 1);
    return im->new_filter(json(), Impl::Filter::Kind::kPending);
  });
  d.add("eth_getFilterChanges", [im](const json& p, CallContext&) { return im->filter_changes(p); });
  d.add("eth_getFilterLogs", [im](const json& p, CallContext& ctx) { return im->filter_logs(p, ctx); });
  d.add("eth_uninstallFilter", [im](const json& p, CallContext&) { return im->uninstall_filter(p); });
  d.add("eth_subscribe", [im](const json& p, CallContext& ctx) { return im->subscribe(p, ctx); });
  d.add("eth_unsubscribe", [im](const json& p, CallContext& ctx) { return im->unsubscribe(p, ctx); });

  register_debug_methods(*im, d);

  // ---- debug (raw data) ----
  d.add("debug_getRawHeader", [im](const json& p, CallContext&) -> json {
    require_positional(p, 1, 1);
    auto v = im->view();
    auto n = im->resolve_block(v, p[0], 0);
    if (!n) header_not_found();
    auto h = db_ok(v.header(*n));
    if (!h) header_not_found();
    return hex_data(*h);
  });
  d.add("debug_getRawBlock", [im](const json& p, CallContext&) -> json {
    require_positional(p, 1, 1);
    auto v = im->view();
    auto n = im->resolve_block(v, p[0], 0);
    if (!n) header_not_found();
    auto b = im->load_block(v, *n);
    if (!b) header_not_found();
    return hex_data(chain::encode_block(chain::Block{b->header, b->body}));
  });
  d.add("debug_getRawReceipts", [im](const json& p, CallContext&) -> json {
    require_positional(p, 1, 1);
    auto v = im->view();
    auto n = im->resolve_block(v, p[0], 0);
    if (!n) header_not_found();
    json out = json::array();
    for (const auto& r : db_ok(v.receipts(*n))) out.push_back(hex_data(r));
    return out;
  });
  d.add("debug_getRawTransaction", [im, locate](const json& p, CallContext&) -> json {
    require_positional(p, 1, 1);
    auto v = im->view();
    auto found = locate(v, parse_hash(p[0], 0));
    if (!found) return "0x";
    return hex_data(found->first.body.transactions[found->second]);
  });

  // ---- igra ----
  d.add("igra_getL1Origin", [im](const json& p, CallContext&) -> json {
    require_positional(p, 0, 1);
    auto v = im->view();
    std::optional<std::uint64_t> n;
    if (!p.empty() && p[0].is_string() && p[0].get_ref<const std::string&>().size() == 66) {
      n = db_ok(v.block_number(parse_hash(p[0], 0)));
    } else {
      n = im->resolve_block(v, param_at(p, 0), 0);
    }
    if (!n) return nullptr;
    auto raw = db_ok(v.l1_origin(*n));
    if (!raw) return nullptr;
    auto o = igra::decode_l1_origin(*raw);
    if (!o) throw_db(o.error());
    json chain_blocks = json::array();
    for (const auto& h : o->chain_blocks) chain_blocks.push_back(core::to_hex(h));
    static const char* kOutcome[] = {"executed", "dropped", "minted", "rejectedEntry", "indexed"};
    json l1txs = json::array();
    for (const auto& t : o->l1_txs)
      l1txs.push_back({{"l1TxId", core::to_hex(t.l1_txid)},
                       {"payloadType", qty(std::uint64_t{t.payload_type})},
                       {"outcome", kOutcome[std::min<std::size_t>(static_cast<std::size_t>(t.outcome), 4)]},
                       {"index", qty(t.index)}});
    auto hash = db_ok(v.canonical_hash(*n));
    return json{{"blockNumber", qty(*n)},
                {"blockHash", hash ? json(hex_data(*hash)) : json(nullptr)},
                {"window", qty(o->window)},
                {"anchorHash", core::to_hex(o->anchor_hash)},
                {"anchorDaaScore", qty(o->anchor_daa)},
                {"anchorTimestampMs", qty(o->anchor_timestamp_ms)},
                {"anchorIsc", hex_data(o->anchor_isc)},
                {"lastIsc", hex_data(o->last_isc)},
                {"chainBlocks", std::move(chain_blocks)},
                {"nextWithdrawalIndex", qty(o->next_withdrawal_index)},
                {"l1Transactions", std::move(l1txs)}};
  });
  d.add("igra_getTransactionFate", [im, locate](const json& p, CallContext& ctx) -> json {
    require_positional(p, 1, 1);
    const core::Hash32 hash = parse_hash(p[0], 0);
    auto v = im->view();
    if (auto found = locate(v, hash)) {
      return json{{"status", "executed"},
                  {"l2TxHash", hex_data(hash)},
                  {"blockNumber", qty(found->first.number)},
                  {"blockHash", hex_data(found->first.hash)},
                  {"transactionIndex", qty(found->second)}};
    }
    // Recent blocks: dropped L2 transactions, and L1 transaction ids of every Igra payload.
    const std::uint64_t h = im->head(v);
    const std::uint64_t first = db_ok(v.first_block());
    const std::uint64_t lowest = h > first + 10'000 ? h - 10'000 : first;
    static const char* kOutcome[] = {"executed", "dropped", "minted", "rejectedEntry", "indexed"};
    for (std::uint64_t n = h + 1; n-- > lowest;) {
      if (ctx.expired()) break;
      for (const auto& [txh, reason] : db_ok(v.dropped_txs(n)))
        if (txh == hash) return json{{"status", "dropped"}, {"l2TxHash", hex_data(hash)}, {"blockNumber", qty(n)}, {"reason", reason}};
      auto raw = db_ok(v.l1_origin(n));
      if (!raw) continue;
      auto o = igra::decode_l1_origin(*raw);
      if (!o) continue;
      for (const auto& t : o->l1_txs)
        if (t.l1_txid == hash)
          return json{{"status", kOutcome[std::min<std::size_t>(static_cast<std::size_t>(t.outcome), 4)]},
                      {"l1TxId", core::to_hex(hash)},
                      {"payloadType", qty(std::uint64_t{t.payload_type})},
                      {"blockNumber", qty(n)},
                      {"index", qty(t.index)}};
    }
    // The relayer's view: queued, submitted to kaspad, accepted by a selected-chain block (not derived yet), or
    // failed before anything was spent.
    std::optional<RelayStatus> relay;
    if (im->hooks.relay_status) relay = im->hooks.relay_status(hash);
    auto relay_json = [&relay] {
      json r = {{"state", relay->state}, {"sends", relay->sends}};
      if (relay->l1_txid != core::Hash32{}) r["l1TxId"] = core::to_hex(relay->l1_txid);
      if (relay->l1_block != core::Hash32{}) r["acceptingBlockHash"] = core::to_hex(relay->l1_block);
      if (!relay->note.empty()) r["note"] = relay->note;
      return r;
    };
    if (relay && relay->state == "failed")
      return json{{"status", "failed"}, {"l2TxHash", hex_data(hash)}, {"relay", relay_json()}};
    bool pending = relay.has_value();
    if (!pending) {
      std::lock_guard lk(im->pending_mu);
      for (const auto& [addr, m] : im->pending)
        for (const auto& [nonce, h2] : m) pending |= h2 == hash;
    }
    if (pending) {
      json out = {{"status", "pendingOnL1"}, {"l2TxHash", hex_data(hash)}};
      if (relay) out["relay"] = relay_json();
      return out;
    }
    return json{{"status", "unknown"}};
  });
  d.add("igra_networkParameters", [im](const json&, CallContext&) -> json {
    const auto& pr = im->params;
    json j = {{"name", pr.name},
              {"chainId", pr.chain_id},
              {"txidPrefix", core::to_hex(pr.txid_prefix)},
              {"kaspaNetwork", pr.kaspa_network},
              {"launchDaaScore", pr.launch_daa_score},
              {"referenceTimestamp", pr.ref_timestamp},
              {"referenceDaaScore", pr.ref_daa_score},
              {"minFeeGwei", pr.min_fee_gwei},
              {"entryMinimumSompi", pr.entry_min_sompi},
              {"lockScript", core::to_hex(pr.lock_script.script)},
              {"windowDaaSpan", igra::kWindowDaaSpan},
              {"safeConfirmations", im->options.safe_confirmations},
              {"finalityDaa", im->options.finality_daa}};
    j["toccataDaaScore"] = pr.toccata_daa_score ? json(*pr.toccata_daa_score) : json(nullptr);
    return j;
  });
}

}  // namespace igra::rpc
