#pragma once
// Test-only helpers for the simnet validator / mempool tests: keys, funded UTXOs and really signed transactions.
#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "crypto/secp256k1.hpp"
#include "kaspa/mass.hpp"
#include "kaspa/multisig_sign.hpp"
#include "kaspa/script_builder.hpp"
#include "kaspa/sign.hpp"
#include "kaspa/transaction.hpp"
#include "kaspa/tx_id.hpp"
#include "simnet/utxo_set.hpp"

namespace igra::simnet::testing {

inline constexpr std::uint64_t kKas = kaspa::kSompiPerKaspa;

struct Wallet {
  crypto::SecretKey key;
  crypto::XOnlyPublicKey pub;
  kaspa::ScriptPublicKey spk;
};

inline Wallet wallet(std::uint8_t n) {
  Wallet w;
  w.key[31] = n;
  w.key[0] = 0x11;
  auto pub = crypto::schnorr_public_key(w.key);
  EXPECT_TRUE(pub.ok());
  w.pub = *pub;
  w.spk = kaspa::p2pk_script(w.pub);
  return w;
}

// A made-up transaction id (Hash::from_u64_word: 24 zero bytes then the u64 LE).
inline kaspa::TransactionId fake_txid(std::uint64_t n) {
  kaspa::TransactionId id;
  for (int i = 0; i < 8; ++i) id[24 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(n >> (8 * i));
  return id;
}

inline kaspa::UtxoEntry utxo(std::uint64_t amount, const kaspa::ScriptPublicKey& spk, std::uint64_t daa = 0,
                             bool coinbase = false) {
  kaspa::UtxoEntry e;
  e.amount = amount;
  e.script_public_key = spk;
  e.block_daa_score = daa;
  e.is_coinbase = coinbase;
  return e;
}

struct Spend {
  kaspa::Outpoint outpoint;
  kaspa::UtxoEntry entry;
};

// An unsigned v0 tx spending `ins` to `outs` with SigOpCount(1) per input and the KIP-9 mass commitment.
inline kaspa::Transaction build_tx(const std::vector<Spend>& ins,
                                   const std::vector<std::pair<std::uint64_t, kaspa::ScriptPublicKey>>& outs,
                                   core::Bytes payload = {}) {
  kaspa::Transaction tx;
  for (const auto& s : ins) {
    kaspa::TransactionInput in;
    in.previous_outpoint = s.outpoint;
    in.sequence = 0;
    in.compute_commit = kaspa::SigOpCount{1};
    tx.inputs.push_back(in);
  }
  for (const auto& [v, spk] : outs) {
    kaspa::TransactionOutput o;
    o.value = v;
    o.script_public_key = spk;
    tx.outputs.push_back(o);
  }
  tx.payload = std::move(payload);
  std::vector<kaspa::UtxoEntry> entries;
  for (const auto& s : ins) entries.push_back(s.entry);
  auto mass = kaspa::calc_storage_mass(tx, entries);
  tx.storage_mass = mass.value_or(0);
  return tx;
}

inline std::vector<kaspa::UtxoEntry> entries_of(const std::vector<Spend>& ins) {
  std::vector<kaspa::UtxoEntry> e;
  for (const auto& s : ins) e.push_back(s.entry);
  return e;
}

// Signs every (P2PK) input with the given keys.
inline void sign(kaspa::Transaction& tx, const std::vector<Spend>& ins, std::vector<crypto::SecretKey> keys) {
  const auto entries = entries_of(ins);
  auto r = kaspa::sign_transaction(tx, entries, keys);
  ASSERT_TRUE(r.ok()) << r.error().message;
}

// A signed tx from `w` spending `ins` (all owned by w) to `outs`.
inline kaspa::Transaction signed_tx(const Wallet& w, const std::vector<Spend>& ins,
                                    const std::vector<std::pair<std::uint64_t, kaspa::ScriptPublicKey>>& outs,
                                    core::Bytes payload = {}) {
  kaspa::Transaction tx = build_tx(ins, outs, std::move(payload));
  sign(tx, ins, {w.key});
  return tx;
}

// The entry an output of an accepted tx becomes.
inline Spend output_of(const kaspa::Transaction& tx, std::uint32_t index, std::uint64_t daa = 0) {
  Spend s;
  s.outpoint = kaspa::Outpoint{kaspa::transaction_id(tx), index};
  s.entry = utxo(tx.outputs[index].value, tx.outputs[index].script_public_key, daa, tx.is_coinbase());
  return s;
}

}  // namespace igra::simnet::testing
