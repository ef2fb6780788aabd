// Filters (eth_newFilter / eth_newBlockFilter / eth_newPendingTransactionFilter / eth_getFilterChanges /
// eth_getFilterLogs / eth_uninstallFilter) and WebSocket subscriptions (eth_subscribe newHeads, logs,
// newPendingTransactions), fed by the deriver's commit and unwind events.
#include <random>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "rpc/eth_api_impl.hpp"

namespace igra::rpc {
namespace {

json notification(const std::string& id, json result) {
  return json{{"jsonrpc", "2.0"},
              {"method", "eth_subscription"},
              {"params", {{"subscription", id}, {"result", std::move(result)}}}};
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string EthApi::Impl::new_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  core::FixedBytes<16> b;
  for (std::size_t i = 0; i < 16; i += 8) {
    const std::uint64_t x = rng();
    for (int k = 0; k < 8; ++k) b[i + static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(x >> (8 * k));
  }
  return core::to_hex(b, true);
}

void EthApi::Impl::expire_filters() {
  const auto now = std::chrono::steady_clock::now();
  for (auto it = filters.begin(); it != filters.end();) {
    if (now - it->second.last_poll > options.filter_timeout) {
      it = filters.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = subscriptions.begin(); it != subscriptions.end();) {
    if (!it->second.subscriber->alive()) {
      it = subscriptions.erase(it);
    } else {
      ++it;
    }
  }
}

json EthApi::Impl::new_filter(const json& param, Filter::Kind kind) {
  Filter f;
  f.kind = kind;
  if (kind == Filter::Kind::kLogs) {
    f.criteria = parse_log_criteria(param, 0);
    f.filter_param = param;
    if (param.contains("blockHash") && !param["blockHash"].is_null() && (param.contains("fromBlock") || param.contains("toBlock")))
      throw RpcError(code::kInvalidParams, "cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other");
    auto bound = [&](const char* k) -> std::optional<std::uint64_t> {
      auto it = param.find(k);
      if (it == param.end() || it->is_null()) return std::nullopt;
      if (it->is_string()) {
        const auto& t = it->get_ref<const std::string&>();
        if (t == "latest" || t == "pending" || t == "safe" || t == "finalized") return std::nullopt;
        if (t == "earliest") return std::uint64_t{0};
      }
      return parse_u64(*it, 0);
    };
    f.from_block = bound("fromBlock");
    f.to_block = bound("toBlock");
    if (f.from_block && f.to_block && *f.from_block > *f.to_block)
      throw RpcError(code::kInvalidParams, "invalid block range params");
  }
  f.last_poll = std::chrono::steady_clock::now();
  std::lock_guard lk(events_mu);
  expire_filters();
  if (filters.size() >= options.max_filters)
    throw RpcError(code::kLimitExceeded, "too many filters: at most " + std::to_string(options.max_filters));
  const std::string id = new_id();
  filters.emplace(id, std::move(f));
  return id;
}

json EthApi::Impl::filter_changes(const json& p) {
  if (!p.is_array() || p.size() != 1 || !p[0].is_string()) throw RpcError(code::kInvalidParams, "expected [filterId]");
  std::lock_guard lk(events_mu);
  auto it = filters.find(p[0].get<std::string>());
  if (it == filters.end()) throw RpcError(code::kInvalidInput, "filter not found");
  it->second.last_poll = std::chrono::steady_clock::now();
  json out = json::array();
  for (auto& c : it->second.changes) out.push_back(std::move(c));
  it->second.changes.clear();
  return out;
}

json EthApi::Impl::filter_logs(const json& p, CallContext& ctx) {
  if (!p.is_array() || p.size() != 1 || !p[0].is_string()) throw RpcError(code::kInvalidParams, "expected [filterId]");
  json param;
  {
    std::lock_guard lk(events_mu);
    auto it = filters.find(p[0].get<std::string>());
    if (it == filters.end() || it->second.kind != Filter::Kind::kLogs) throw RpcError(code::kInvalidInput, "filter not found");
    it->second.last_poll = std::chrono::steady_clock::now();
    param = it->second.filter_param;
  }
  auto v = view();
  return get_logs(v, param, ctx);
}

json EthApi::Impl::uninstall_filter(const json& p) {
  if (!p.is_array() || p.size() != 1 || !p[0].is_string()) throw RpcError(code::kInvalidParams, "expected [filterId]");
  std::lock_guard lk(events_mu);
  return filters.erase(p[0].get<std::string>()) > 0;
}

json EthApi::Impl::subscribe(const json& p, CallContext& ctx) {
  if (!ctx.subscriber)
    throw RpcError(code::kMethodNotSupported, "notifications not supported: subscribe over a WebSocket connection");
  if (!p.is_array() || p.empty() || !p[0].is_string()) throw RpcError(code::kInvalidParams, "expected [kind, options?]");
  const std::string kind = p[0].get<std::string>();
  Subscription s;
  s.subscriber = ctx.subscriber;
  if (kind == "newHeads") {
    s.kind = Subscription::Kind::kNewHeads;
  } else if (kind == "logs") {
    s.kind = Subscription::Kind::kLogs;
    if (p.size() > 1 && !p[1].is_null()) s.criteria = parse_log_criteria(p[1], 1);
  } else if (kind == "newPendingTransactions") {
    s.kind = Subscription::Kind::kPending;
  } else {
    throw RpcError(code::kInvalidParams, "no \"" + kind + "\" subscription in eth namespace");
  }
  std::lock_guard lk(events_mu);
  expire_filters();
  if (subscriptions.size() >= options.max_filters)
    throw RpcError(code::kLimitExceeded, "too many subscriptions: at most " + std::to_string(options.max_filters));
  const std::string id = new_id();
  subscriptions.emplace(id, std::move(s));
  return id;
}

json EthApi::Impl::unsubscribe(const json& p, CallContext& ctx) {
  if (!p.is_array() || p.size() != 1 || !p[0].is_string()) throw RpcError(code::kInvalidParams, "expected [subscriptionId]");
  std::lock_guard lk(events_mu);
  auto it = subscriptions.find(p[0].get<std::string>());
  if (it == subscriptions.end() || it->second.subscriber != ctx.subscriber) return false;
  subscriptions.erase(it);
  return true;
}

// Under events_mu.
void EthApi::Impl::publish_logs(const std::vector<PlacedLog>& logs, bool removed) {
  for (const auto& pl : logs) {
    json j;  // built on first match
    for (auto& [id, s] : subscriptions) {
      if (s.kind != Subscription::Kind::kLogs || !s.criteria.matches(pl.log)) continue;
      if (j.is_null()) j = log_json(pl.log, pl.place, removed);
      s.subscriber->send(dump(notification(id, j)));
    }
    for (auto& [id, f] : filters) {
      if (f.kind != Filter::Kind::kLogs || !f.criteria.matches(pl.log)) continue;
      if ((f.from_block && pl.place.block_number < *f.from_block) || (f.to_block && pl.place.block_number > *f.to_block))
        continue;
      if (f.changes.size() >= kMaxFilterChanges) continue;
      if (j.is_null()) j = log_json(pl.log, pl.place, removed);
      f.changes.push_back(j);
    }
  }
}

void EthApi::Impl::publish_pending(const core::Hash32& hash) {
  std::lock_guard lk(events_mu);
  const std::string h = hex_data(hash);
  for (auto& [id, s] : subscriptions)
    if (s.kind == Subscription::Kind::kPending) s.subscriber->send(dump(notification(id, h)));
  for (auto& [id, f] : filters)
    if (f.kind == Filter::Kind::kPending && f.changes.size() < kMaxFilterChanges) f.changes.push_back(h);
}

void EthApi::Impl::on_commit(const igra::CommittedBlock& b) {
  RecentBlock rb;
  rb.number = b.number;
  rb.hash = b.hash;
  if (b.result && b.header) {
    std::size_t log_index = 0;
    for (std::size_t i = 0; i < b.result->receipts.size() && i < b.result->included.size(); ++i) {
      const auto& r = b.result->receipts[i];
      for (std::size_t k = 0; k < r.logs.size(); ++k)
        rb.logs.push_back(PlacedLog{r.logs[k], LogPlace{b.hash, b.number, b.header->timestamp,
                                                        b.result->included[i].hash, i, log_index + k}});
      log_index += r.logs.size();
    }
  }
  {
    std::lock_guard lk(pending_mu);
    if (b.result)
      for (const auto& t : b.result->included) {
        auto it = pending.find(t.sender);
        if (it == pending.end()) continue;
        for (auto n = it->second.begin(); n != it->second.end() && n->first <= t.tx.nonce;) {
          pending_hashes.erase(n->second);
          n = it->second.erase(n);
        }
        if (it->second.empty()) pending.erase(it);
      }
    // Relayed transactions the block dropped (admission failed at execution) no longer count as pending.
    if (b.result)
      for (const auto& d : b.result->dropped) {
        if (!pending_hashes.erase(d.hash)) continue;
        for (auto it = pending.begin(); it != pending.end();) {
          for (auto n = it->second.begin(); n != it->second.end();) n = n->second == d.hash ? it->second.erase(n) : std::next(n);
          it = it->second.empty() ? pending.erase(it) : std::next(it);
        }
      }
  }
  std::lock_guard lk(events_mu);
  ++commits;
  head_cv.notify_all();
  expire_filters();
  bool any_heads = false;
  for (auto& [id, s] : subscriptions) any_heads = any_heads || s.kind == Subscription::Kind::kNewHeads;
  if (any_heads && b.header) {
    const json head = header_json(*b.header, b.hash);
    for (auto& [id, s] : subscriptions)
      if (s.kind == Subscription::Kind::kNewHeads) s.subscriber->send(dump(notification(id, head)));
  }
  const std::string hash = hex_data(b.hash);
  for (auto& [id, f] : filters)
    if (f.kind == Filter::Kind::kBlocks && f.changes.size() < kMaxFilterChanges) f.changes.push_back(hash);
  publish_logs(rb.logs, false);
  recent.push_back(std::move(rb));
  while (recent.size() > kRecentBlocks) recent.pop_front();
}

void EthApi::Impl::on_unwind(std::uint64_t new_head) {
  std::lock_guard lk(events_mu);
  // The removed blocks' logs, oldest first, marked removed; their replacements follow with the next commits.
  std::size_t keep = recent.size();
  while (keep > 0 && recent[keep - 1].number > new_head) --keep;
  for (std::size_t i = keep; i < recent.size(); ++i) publish_logs(recent[i].logs, true);
  recent.resize(keep);
}

}  // namespace igra::rpc
