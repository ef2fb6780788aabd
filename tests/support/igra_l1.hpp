#pragma once
// Test helpers that build Igra L1 transactions for the devnet (txid prefix 97ae) and the L2 transactions they
// carry, from the documented layouts (igra-protocol.md §1-2, ../shared/spec/decisions.md), independently of the
// deriver: payloads, nonce mining of the txid prefix, signing from matured coinbases of a simnet wallet,
// submission over gRPC, and signed L2 transfers of the development accounts.
//
// Header-only; needs igra_igra, igra_simnet (its test helpers) and igra_kaspa_rpc. Failures are reported with
// gtest's EXPECT / ADD_FAILURE (the helpers run inside tests only).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "chain/transaction.hpp"
#include "chain/transaction_codec.hpp"
#include "core/bytes.hpp"
#include "igra/network.hpp"
#include "igra/payload.hpp"
#include "kaspa/mass.hpp"
#include "kaspa/rpc/client.hpp"
#include "kaspa/script_class.hpp"
#include "kaspa/tx_id.hpp"
#include "simnet/tx_test_support.hpp"
#include "simnet/tx_validator.hpp"

namespace igra::testing {

inline constexpr std::uint64_t kSompiPerKas = 100'000'000;
inline const core::uint256 kGwei(1'000'000'000ull);
inline const core::uint256 kEther = core::uint256(1'000'000'000ull) * core::uint256(1'000'000'000ull);
// Devnet (decisions.md "Networks").
inline constexpr std::uint64_t kDevnetChainId = 38830;
inline constexpr std::uint8_t kDevnetPrefix0 = 0x97, kDevnetPrefix1 = 0xae;

// An address no genesis allocation uses: a0 <tag> 00.. <n>.
inline core::Address20 fresh_address(std::uint8_t tag, std::uint8_t n) {
  core::Address20 a;
  a[0] = 0xa0;
  a[1] = tag;
  a[19] = n;
  return a;
}

inline void put_u64le(core::Bytes& b, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

inline bool has_devnet_prefix(const kaspa::TransactionId& id) {
  return id[0] == kDevnetPrefix0 && id[1] == kDevnetPrefix1;
}

// ---- payloads (igra-protocol.md §1-2): type byte, data, 4-byte nonce (zero until mined) ----------------------
inline core::Bytes igra_payload(std::uint8_t type, core::ByteView data) {
  core::Bytes p;
  p.reserve(data.size() + 5);
  p.push_back(type);
  p.insert(p.end(), data.begin(), data.end());
  p.insert(p.end(), 4, 0);  // nonce
  return p;
}
// An Entry (0x92): recipient (20 bytes) and amount in sompi (u64 LE); `extra` bytes make it malformed.
inline core::Bytes entry_payload(const core::Address20& r, std::uint64_t amount, std::size_t extra = 0) {
  core::Bytes d(r.begin(), r.end());
  put_u64le(d, amount);
  d.insert(d.end(), extra, 0x01);
  return igra_payload(0x92, d);
}
// An L2 transaction in a 0x94 payload, or zlib-compressed in 0x95.
inline core::Bytes l2_payload(const core::Bytes& raw_tx, bool zipped) {
  return zipped ? igra_payload(0x95, igra::zlib_deflate(raw_tx)) : igra_payload(0x94, raw_tx);
}

// ---- L1 transactions ------------------------------------------------------------------------------------------

// The kaspasim: address of a simnet test wallet's P2PK script.
inline std::string simnet_address(const simnet::testing::Wallet& w) {
  return kaspa::extract_script_public_key_address(w.spk, kaspa::Prefix::kSimnet).value().to_string();
}

// Builds, nonce-mines (or, when !igra, anti-mines) and signs an L1 transaction spending `in` (owned by `funder`),
// with `outs` followed by the change back to the funder. The payload's last 4 bytes are the nonce. The fee is
// twice the larger of the crescendo policy minimum and the Toccata relay minimum, plus 1000 sompi.
inline kaspa::Transaction build_igra_l1(const simnet::testing::Wallet& funder, const simnet::testing::Spend& in,
                                        std::vector<std::pair<std::uint64_t, kaspa::ScriptPublicKey>> outs,
                                        core::Bytes payload, bool igra = true) {
  auto make = [&](std::uint64_t fee) {
    auto o = outs;
    std::uint64_t spent = fee;
    for (const auto& [v, s] : outs) spent += v;
    o.emplace_back(in.entry.amount - spent, funder.spk);
    return simnet::testing::build_tx({in}, o, payload);
  };
  kaspa::Transaction probe = make(0);
  simnet::testing::sign(probe, {in}, {funder.key});
  const auto masses = kaspa::calc_non_contextual_masses(probe);
  const std::uint64_t min_fee = std::max(simnet::policy_minimum_fee(simnet::StandardnessPolicy::crescendo(), masses),
                                         kaspa::minimum_relay_fee_toccata(masses));
  kaspa::Transaction tx = make(2 * min_fee + 1000);
  EXPECT_GE(tx.payload.size(), 4u);
  auto set_nonce = [&](std::uint32_t n) {
    const std::size_t k = tx.payload.size() - 4;
    for (int i = 0; i < 4; ++i) tx.payload[k + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(n >> (24 - 8 * i));
  };
  if (igra) {
    auto miner = kaspa::IdMiner::create(tx);
    EXPECT_TRUE(miner.ok());
    const std::uint8_t prefix[2] = {kDevnetPrefix0, kDevnetPrefix1};
    auto found = miner->find_nonce(core::ByteView(prefix, 2), 0, 1ull << 26);
    EXPECT_TRUE(found.has_value());
    if (found) set_nonce(found->first);
  } else {
    std::uint32_t n = 0;
    set_nonce(n);
    while (has_devnet_prefix(kaspa::transaction_id(tx))) set_nonce(++n);
  }
  simnet::testing::sign(tx, {in}, {funder.key});
  EXPECT_EQ(has_devnet_prefix(kaspa::transaction_id(tx)), igra);
  return tx;
}

// Mature coinbase outputs of a simnet wallet, each handed out once. The UTXO set is read over gRPC
// (GetUtxosByAddresses); when no coin is mature, `mine(n)` is called to age them.
class CoinSource {
 public:
  struct Options {
    std::uint64_t maturity = 5;          // the simnet's coinbase maturity (DAA score)
    std::uint64_t min_amount = 4 * kSompiPerKas;
    bool refresh_every_take = true;     // false: reuse the last UTXO query until it runs dry (large UTXO sets)
  };

  CoinSource(kaspa::rpc::Client& client, simnet::testing::Wallet funder, std::function<void(std::size_t)> mine,
             Options options)
      : client_(&client), funder_(std::move(funder)), address_(simnet_address(funder_)), mine_(std::move(mine)),
        options_(options) {}

  const simnet::testing::Wallet& funder() const { return funder_; }
  const std::string& address() const { return address_; }

  // Forgets the cached UTXO query (call after the L1 chain changed, e.g. a reorg).
  void invalidate() { cache_.clear(); }

  // A mature unused coin (mining when there is none); an empty Spend after a reported failure.
  simnet::testing::Spend take() {
    for (int round = 0; round < 4; ++round) {
      if (options_.refresh_every_take || cache_.empty()) refresh();
      while (!cache_.empty()) {
        const simnet::testing::Spend s = cache_.back();
        cache_.pop_back();
        if (used_.insert({s.outpoint.transaction_id, s.outpoint.index}).second) return s;
      }
      mine_(options_.maturity + 5);
      cache_.clear();
    }
    ADD_FAILURE() << "no mature coin";
    return {};
  }

 private:
  // Reads the wallet's UTXOs; keeps the mature unused ones, oldest last-out (taken from the back: oldest first).
  void refresh() {
    cache_.clear();
    auto info = client_->get_server_info();
    EXPECT_TRUE(info.ok()) << info.error().message;
    auto utxos = client_->get_utxos_by_addresses({address_});
    EXPECT_TRUE(utxos.ok()) << utxos.error().message;
    if (!info.ok() || !utxos.ok()) return;
    std::vector<kaspa::rpc::UtxosByAddressesEntry> v = std::move(*utxos);
    std::sort(v.begin(), v.end(),
              [](const auto& a, const auto& b) { return a.utxo_entry.block_daa_score > b.utxo_entry.block_daa_score; });
    for (const auto& e : v) {
      if (used_.count({e.outpoint.transaction_id, e.outpoint.index})) continue;
      if (e.utxo_entry.amount < options_.min_amount) continue;
      if (e.utxo_entry.is_coinbase && e.utxo_entry.block_daa_score + options_.maturity + 3 > info->virtual_daa_score)
        continue;
      cache_.push_back(simnet::testing::Spend{e.outpoint, e.utxo_entry});
    }
  }

  kaspa::rpc::Client* client_;
  simnet::testing::Wallet funder_;
  std::string address_;
  std::function<void(std::size_t)> mine_;
  Options options_;
  std::vector<simnet::testing::Spend> cache_;  // newest first; taken from the back
  std::set<std::pair<core::Hash32, std::uint32_t>> used_;
};

// ---- L2 transactions ------------------------------------------------------------------------------------------
inline const igra::DevAccount& dev(std::size_t i) { return igra::dev_accounts()[i]; }

inline chain::Transaction legacy_tx(std::uint64_t nonce, const core::Address20& to, const core::uint256& value,
                                    const core::uint256& gas_price,
                                    std::optional<std::uint64_t> chain_id = kDevnetChainId) {
  chain::Transaction tx;
  tx.type = chain::TxType::kLegacy;
  if (chain_id) tx.chain_id = core::uint256(*chain_id);
  tx.nonce = nonce;
  tx.gas_price = gas_price;
  tx.gas_limit = 21000;
  tx.to = to;
  tx.value = value;
  return tx;
}

inline chain::Transaction dynamic_fee_tx(std::uint64_t nonce, const core::Address20& to, const core::uint256& value,
                                         const core::uint256& max_fee, const core::uint256& prio) {
  chain::Transaction tx;
  tx.type = chain::TxType::kDynamicFee;
  tx.chain_id = core::uint256(kDevnetChainId);
  tx.nonce = nonce;
  tx.max_fee_per_gas = max_fee;
  tx.max_priority_fee_per_gas = prio;
  tx.gas_limit = 21000;
  tx.to = to;
  tx.value = value;
  return tx;
}

// Signs `tx` with the account's key and returns its EIP-2718 encoding.
inline core::Bytes sign_l2(chain::Transaction tx, const igra::DevAccount& a) {
  auto r = chain::sign_transaction(tx, a.private_key);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return chain::encode_transaction(tx);
}

}  // namespace igra::testing
