// Derivation + execution benchmark: a prepared L1 history carrying N signed L2 transactions (default
// 1,000,000; a mix of plain transfers and ERC-20 transfers) is derived and executed by the node's Deriver
// into a fresh StateDb (fsync on every commit, as the node runs). Prints L2 transactions per second, Mgas/s
// and where the time went (L1 fetch + payload decoding, execution incl. sender recovery, state root,
// commit).
//
//   derive_bench [--txs N] [--senders N] [--erc20-percent P] [--txs-per-chain-block N] [--dir PATH]
//                [--no-sync]
//
// The L1 history is served by an in-process L1Source that replays prepared chain blocks (10 per window,
// DAA scores 10 apart per window): the benchmark measures the node's own work; the gRPC transport is
// measured by the simnet benchmarks. Transactions are signed before the clock starts.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "chain/genesis.hpp"
#include "chain/state_root.hpp"
#include "chain/transaction_codec.hpp"
#include "core/hex.hpp"
#include "crypto/secp256k1.hpp"
#include "igra/deriver.hpp"
#include "igra/network.hpp"
#include "igra/payload.hpp"

using namespace igra;
namespace ig = ::igra::igra;

namespace {

using Clock = std::chrono::steady_clock;

// A minimal ERC-20 `transfer(to, amount)` (the selector is not checked): balances at slot = address,
// reverts when the sender's balance is short, emits Transfer(from, to, amount), returns true.
core::Bytes erc20_runtime() {
  const std::string transfer_sig = "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
  std::string code = "602435" "3354" "8181" "10" "6035" "57"  // amount bal; if bal < amount goto revert
                     "8190" "03" "33" "55"                   // balance[caller] = bal - amount
                     "600435" "8054" "82" "01" "90" "55"     // balance[to] += amount
                     "5f52"                                  // mem[0] = amount
                     "600435" "33" "7f" + transfer_sig + "60205f" "a3"  // LOG3
                     "60015f5260205ff3"                      // return true
                     "5b5f5ffd";                             // revert
  return core::from_hex(code).value();
}

core::Address20 addr_of(const crypto::SecretKey& k) {
  return crypto::public_key_to_address(crypto::public_key_from_secret(k).value());
}

struct Prepared {
  std::vector<core::Bytes> raw;  // signed L2 txs in order
  std::uint64_t erc20 = 0;
};

class ReplaySource final : public ig::L1Source {
 public:
  ReplaySource(const ig::NetworkParams& p, const std::vector<core::Bytes>& txs, std::size_t per_block)
      : params_(p), txs_(txs), per_block_(per_block) {
    // Chain block i (from 1): DAA score i (10 chain blocks per window).
    blocks_ = (txs.size() + per_block - 1) / per_block + 11;  // + one window to close the last one
  }
  core::Result<ig::ChainSegment> chain_after(const core::Hash32& from, std::size_t max_blocks) override {
    std::uint64_t start = 0;
    for (int i = 0; i < 8; ++i) start |= std::uint64_t(from[24 + i]) << (8 * i);
    ig::ChainSegment seg;
    for (std::uint64_t i = start + 1; i <= blocks_ && seg.added.size() < max_blocks; ++i) {
      ig::ChainBlock b;
      b.hash = block_hash(i);
      b.daa_score = i;
      b.timestamp_ms = 1'767'225'600'000ull + i * 100;
      b.accepted_id_merkle_root = b.hash;
      const std::size_t first = (i - 1) * per_block_;
      for (std::size_t k = first; k < std::min(first + per_block_, txs_.size()); ++k) {
        ig::L1Tx t;
        t.id[0] = params_.txid_prefix[0];
        t.id[1] = params_.txid_prefix[1];
        for (int j = 0; j < 8; ++j) t.id[24 + j] = static_cast<std::uint8_t>(k >> (8 * j));
        t.tx.payload = ig::make_payload(ig::kTypeL2Tx, txs_[k], static_cast<std::uint32_t>(k));
        b.igra_txs.push_back(std::move(t));
      }
      seg.added.push_back(std::move(b));
    }
    seg.more = start + seg.added.size() < blocks_;
    return seg;
  }
  core::Result<core::Hash32> default_start() override { return block_hash(0); }
  core::Result<std::uint64_t> virtual_daa_score() override { return blocks_; }

 private:
  static core::Hash32 block_hash(std::uint64_t i) {
    core::Hash32 h;
    h[0] = 0xb1;
    for (int j = 0; j < 8; ++j) h[24 + j] = static_cast<std::uint8_t>(i >> (8 * j));
    return h;
  }
  const ig::NetworkParams& params_;
  const std::vector<core::Bytes>& txs_;
  std::size_t per_block_;
  std::uint64_t blocks_;
};

}  // namespace

int main(int argc, char** argv) {
  std::size_t n_txs = 1'000'000, n_senders = 4000, per_block = 500;
  unsigned erc20_percent = 30;
  bool sync = true;
  std::string dir = (std::filesystem::temp_directory_path() / "igra-derive-bench").string();
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--txs") n_txs = std::stoull(next());
    else if (a == "--senders") n_senders = std::stoull(next());
    else if (a == "--erc20-percent") erc20_percent = static_cast<unsigned>(std::stoul(next()));
    else if (a == "--txs-per-chain-block") per_block = std::stoull(next());
    else if (a == "--dir") dir = next();
    else if (a == "--no-sync") sync = false;
    else {
      std::fprintf(stderr, "usage: derive_bench [--txs N] [--senders N] [--erc20-percent P] "
                           "[--txs-per-chain-block N] [--dir PATH] [--no-sync]\n");
      return 2;
    }
  }

  auto params = *ig::builtin_network("devnet");
  params.name = "bench";
  const core::Address20 token = core::fixed_from_hex<20>("00000000000000000000000000000000000e2020").value();

  // Senders, genesis (funded senders + the token with every sender's balance).
  std::vector<crypto::SecretKey> keys(n_senders);
  std::vector<core::Address20> addrs(n_senders);
  for (std::size_t i = 0; i < n_senders; ++i) {
    keys[i][0] = 0x5e;
    for (int j = 0; j < 8; ++j) keys[i][24 + j] = static_cast<std::uint8_t>((i + 1) >> (8 * j));
    addrs[i] = addr_of(keys[i]);
  }
  std::vector<std::pair<core::Address20, core::uint256>> funded;
  for (const auto& a : addrs) funded.emplace_back(a, core::uint256(1'000'000) * core::uint256(1'000'000'000'000'000'000ull));
  auto genesis = chain::parse_genesis(ig::render_genesis_json(params, funded));
  if (!genesis) {
    std::fprintf(stderr, "genesis: %s\n", genesis.error().message.c_str());
    return 1;
  }
  // Add the token contract to the alloc (code + balances) and recompute the genesis.
  chain::GenesisAccount tok;
  tok.address = token;
  tok.code = erc20_runtime();
  for (const auto& a : addrs) {
    core::Hash32 slot;
    std::copy(a.begin(), a.end(), slot.begin() + 12);
    tok.storage.emplace_back(slot, core::uint256(1'000'000'000));
  }
  std::sort(tok.storage.begin(), tok.storage.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  genesis->alloc.push_back(tok);
  std::sort(genesis->alloc.begin(), genesis->alloc.end(), [](const auto& x, const auto& y) { return x.address < y.address; });
  genesis->header.state_root = chain::state_root(chain::genesis_state(*genesis));

  // Sign the workload (2 threads) before the clock starts.
  std::printf("preparing %zu signed L2 transactions from %zu senders (%u%% ERC-20)...\n", n_txs, n_senders, erc20_percent);
  std::fflush(stdout);
  Prepared prep;
  prep.raw.resize(n_txs);
  std::vector<std::uint64_t> nonces(n_senders, 0);
  std::vector<chain::Transaction> txs(n_txs);
  std::mt19937_64 rng(7);
  for (std::size_t k = 0; k < n_txs; ++k) {
    const std::size_t s = k % n_senders;
    chain::Transaction& tx = txs[k];
    tx.type = chain::TxType::kLegacy;
    tx.chain_id = core::uint256(params.chain_id);
    tx.nonce = nonces[s]++;
    tx.gas_price = core::uint256(2'000'000'000);
    const core::Address20 to = addrs[rng() % n_senders];
    if (rng() % 100 < erc20_percent) {
      tx.gas_limit = 100'000;
      tx.to = token;
      tx.data = core::from_hex("a9059cbb").value();
      core::Hash32 word;
      std::copy(to.begin(), to.end(), word.begin() + 12);
      tx.data.insert(tx.data.end(), word.begin(), word.end());
      const auto amount = core::uint256(1).to_be32();
      tx.data.insert(tx.data.end(), amount.begin(), amount.end());
      ++prep.erc20;
    } else {
      tx.gas_limit = 21'000;
      tx.to = to;
      tx.value = core::uint256(1000);
    }
  }
  {
    std::vector<std::thread> workers;
    const unsigned nt = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned t = 0; t < nt; ++t)
      workers.emplace_back([&, t] {
        for (std::size_t k = t; k < n_txs; k += nt) {
          (void)chain::sign_transaction(txs[k], keys[k % n_senders]);
          prep.raw[k] = chain::encode_transaction(txs[k]);
        }
      });
    for (auto& w : workers) w.join();
  }
  txs.clear();
  txs.shrink_to_fit();

  std::filesystem::remove_all(dir);
  state::EnvOptions env;
  env.path = dir;
  env.sync = sync;
  auto db = state::StateDb::open(env);
  if (!db) {
    std::fprintf(stderr, "db: %s\n", db.error().message.c_str());
    return 1;
  }
  ReplaySource source(params, prep.raw, per_block);
  if (auto g = ig::write_genesis(**db, genesis->header, chain::genesis_changes(*genesis), core::Hash32{}); !g) {
    std::fprintf(stderr, "genesis: %s\n", g.error().message.c_str());
    return 1;
  }
  ig::Deriver deriver(params, **db, source);
  if (auto r = deriver.init(); !r) {
    std::fprintf(stderr, "init: %s\n", r.error().message.c_str());
    return 1;
  }
  std::uint64_t gas = 0, blocks = 0, executed = 0, dropped = 0;
  double txn_commit_ms = 0, trie_ms = 0;  // from StateDb::last_apply_timings (parts of "commit" and "root")
  deriver.on_commit([&](const ig::CommittedBlock& b) {
    executed += b.result->included.size();
    dropped += b.result->dropped.size();
    txn_commit_ms += (**db).last_apply_timings().commit_ms;
    trie_ms += (**db).last_apply_timings().trie_ms;
  });
  std::printf("deriving (%zu txs per chain block, 10 chain blocks per window, fsync %s)...\n", per_block,
              sync ? "on" : "off");
  std::fflush(stdout);
  const auto t0 = Clock::now();
  for (;;) {
    auto r = deriver.step(200);
    if (!r) {
      std::fprintf(stderr, "step: %s\n", r.error().message.c_str());
      return 1;
    }
    gas += r->gas_used;
    blocks += r->l2_blocks;
    if (!r->more && r->chain_blocks == 0) break;
  }
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  const auto& t = deriver.timings();
  const double total_ms = t.derive_ms + t.execute_ms + t.root_ms + t.commit_ms;
  std::printf("\n%-28s %llu (%llu ERC-20, %llu dropped)\n", "L2 transactions executed",
              static_cast<unsigned long long>(executed), static_cast<unsigned long long>(prep.erc20),
              static_cast<unsigned long long>(dropped));
  std::printf("%-28s %llu\n", "L2 blocks", static_cast<unsigned long long>(blocks));
  std::printf("%-28s %.2f s\n", "wall time", secs);
  std::printf("%-28s %.0f tx/s\n", "throughput", executed / secs);
  std::printf("%-28s %.1f Mgas/s\n", "gas rate", gas / secs / 1e6);
  std::printf("%-28s derive %.1f%%  execute %.1f%%  state root %.1f%%  commit %.1f%%\n", "split",
              100 * t.derive_ms / total_ms, 100 * t.execute_ms / total_ms, 100 * t.root_ms / total_ms,
              100 * t.commit_ms / total_ms);
  std::printf("%-28s trie %.1f%% of state root; mdb_txn_commit (page writes, fsync) %.1f%% of commit\n", "",
              t.root_ms > 0 ? 100 * trie_ms / t.root_ms : 0.0, t.commit_ms > 0 ? 100 * txn_commit_ms / t.commit_ms : 0.0);
  std::printf("%-28s %.0f / 20,000 tx/s (Igra's goal 5,000 TPS x 4)\n", "target", executed / secs);
  if (executed + dropped != n_txs) {
    std::fprintf(stderr, "error: %llu of %zu transactions accounted for\n",
                 static_cast<unsigned long long>(executed + dropped), n_txs);
    return 1;
  }
  if (dropped != 0) std::fprintf(stderr, "warning: %llu transactions dropped\n", static_cast<unsigned long long>(dropped));
  std::filesystem::remove_all(dir);
  return 0;
}
