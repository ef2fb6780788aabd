// Acceptance test of the node: two igrad processes following the same Kaspa simnet agree on every L2 block hash
// over >= 10,000 L2 blocks with random Igra traffic and random reorgs, one of them killed with SIGKILL mid-run
// and restarted on its data directory.
//
// Real processes over real gRPC: kaspa-simnet (--clock fast --no-mining, coinbases to a test wallet) and two
// `igrad run --network devnet` with separate data directories. The test drives L1 over gRPC: SimnetMine batches,
// Igra L1 transactions between them (valid and invalid Entries, L2 transfers 0x94 / 0x95 of the development
// accounts, invalid L2 transactions, non-Igra and reserved payloads), SimnetReorg at random depths 1..50 and one
// flip-flop episode. At the end both nodes must have processed the simnet's sink; they are stopped and their
// databases compared: same head, same canonical hash for every block 0..head, same state root, and non-trivial
// content.
//
// Knobs (environment): IGRA_AGREEMENT_SEED (default: random, printed), IGRA_AGREEMENT_L2_BLOCKS (default 10000),
// IGRA_KEEP_NODE_DIR (keep the temporary directory with the logs and databases).
#include <gtest/gtest.h>
#include <lmdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "chain/block.hpp"
#include "core/hex.hpp"
#include "igra/l1_origin.hpp"
#include "igra/network.hpp"
#include "kaspa/rpc/client.hpp"
#include "state/state_db.hpp"
#include "support/child_process.hpp"
#include "support/igra_l1.hpp"
#include "support/testing.hpp"

namespace igra {
namespace {

namespace fs = std::filesystem;
namespace krpc = kaspa::rpc;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Deeper than any reorg of the test (50): a coin the test spends is never a coinbase of a block a reorg removes.
constexpr std::uint64_t kMaturity = 100;
constexpr std::uint64_t kKas = testing::kSompiPerKas;

using testing::free_port;
using testing::read_all;
using testing::tail;
using Process = testing::ChildProcess;

// The newest "sync:" progress line of an igrad log (Node::run logs one every 5 s).
struct Progress {
  std::uint64_t l2_height = 0;
  std::uint64_t l1_tip_daa = 0;
  bool synced = false;
};
std::optional<Progress> last_progress(const fs::path& log) {
  const std::string s = read_all(log);
  const std::string key = "sync: L2 height ";
  const auto at = s.rfind(key);
  if (at == std::string::npos) return std::nullopt;
  const auto eol = s.find('\n', at);
  if (eol == std::string::npos) return std::nullopt;  // line still being written
  const std::string line = s.substr(at, eol - at);
  Progress p;
  unsigned long long h = 0, tip = 0;
  if (std::sscanf(line.c_str(), "sync: L2 height %llu L1 DAA %llu", &h, &tip) != 2) return std::nullopt;
  p.l2_height = h;
  p.l1_tip_daa = tip;
  p.synced = line.find("ETA synced") != std::string::npos;
  return p;
}

std::size_t count_occurrences(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

std::uint64_t env_u64(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  return std::strtoull(v, nullptr, 10);
}

// The L1 origin of the head block of a database another process is writing, read through LMDB's read-only
// multi-process access (StateDb::open may write; this only reads the documented rows of state/tables.hpp:
// Meta "head" = u64be(N), L1Origin u64be(N)). nullopt when the database or its head is not there yet.
std::optional<igra::L1Origin> peek_head_origin(const fs::path& datadir) {
  const fs::path dir = datadir / "chaindata";
  if (!fs::exists(dir / "data.mdb")) return std::nullopt;
  MDB_env* env = nullptr;
  if (mdb_env_create(&env) != 0) return std::nullopt;
  std::optional<igra::L1Origin> out;
  mdb_env_set_maxdbs(env, 64);
  MDB_txn* txn = nullptr;
  MDB_dbi meta = 0, origins = 0;
  if (mdb_env_open(env, dir.c_str(), MDB_RDONLY | MDB_NOTLS, 0644) == 0 &&
      mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn) == 0) {
    MDB_val k{4, const_cast<char*>("head")}, v{};
    if (mdb_dbi_open(txn, "Meta", 0, &meta) == 0 && mdb_dbi_open(txn, "L1Origin", 0, &origins) == 0 &&
        mdb_get(txn, meta, &k, &v) == 0 && v.mv_size == 8) {
      std::uint8_t key[8];
      std::memcpy(key, v.mv_data, 8);
      MDB_val ok{8, key}, ov{};
      if (mdb_get(txn, origins, &ok, &ov) == 0) {
        auto o = igra::decode_l1_origin(core::ByteView(static_cast<const std::uint8_t*>(ov.mv_data), ov.mv_size));
        if (o.ok()) out = *o;
      }
    }
    mdb_txn_abort(txn);
  }
  mdb_env_close(env);
  return out;
}

struct TempDir {
  fs::path path;
  TempDir() {
    char t[] = "/tmp/igra-agreement-XXXXXX";
    path = ::mkdtemp(t);
  }
  ~TempDir() {
    if (std::getenv("IGRA_KEEP_NODE_DIR") != nullptr) {
      std::fprintf(stderr, "test directory kept: %s\n", path.c_str());
      return;
    }
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// What the chain in one data directory holds.
struct ChainSummary {
  std::uint64_t head = 0;
  std::vector<core::Hash32> hashes;  // canonical hash of 0..head
  core::Hash32 state_root;
  std::uint64_t blocks_with_txs = 0, txs = 0, blocks_with_withdrawals = 0, withdrawals = 0;
  std::uint64_t l1_records = 0;
  igra::L1Origin head_origin;
};

class IgradAgreement : public ::testing::Test {
 protected:
  void SetUp() override {
    seed_ = env_u64("IGRA_AGREEMENT_SEED", std::random_device{}());
    target_l2_ = env_u64("IGRA_AGREEMENT_L2_BLOCKS", 10'000);
    std::printf("igrad agreement: seed %llu (IGRA_AGREEMENT_SEED=%llu reproduces the L1 script), target %llu L2 blocks, "
                "directory %s\n",
                static_cast<unsigned long long>(seed_), static_cast<unsigned long long>(seed_),
                static_cast<unsigned long long>(target_l2_), dir_.path.c_str());
    std::fflush(stdout);
    RecordProperty("seed", std::to_string(seed_));
    rng_.seed(seed_);
    funder_ = simnet::testing::wallet(7);
    net_ = igra::builtin_network("devnet").value();

    const std::string target = "127.0.0.1:" + std::to_string(free_port());
    simnet_ = std::make_unique<Process>(
        std::vector<std::string>{(testing::binary_dir() / "apps/kaspa-simnet/kaspa-simnet").string(), "--listen", target,
                                 "--clock", "fast", "--no-mining", "--seed", std::to_string(seed_ % 1'000'000'007ull),
                                 "--coinbase-address", testing::simnet_address(funder_), "--coinbase-maturity",
                                 std::to_string(kMaturity)},
        dir_.path / "simnet.log");
    krpc::ClientOptions co;
    co.target = target;
    co.default_timeout = 60s;
    co.initial_backoff = 20ms;
    co.max_backoff = 200ms;
    client_ = std::make_unique<krpc::Client>(co);
    client_->start();
    bool up = false;
    for (int i = 0; i < 200 && !up; ++i) {
      up = client_->wait_connected(100ms) && client_->get_server_info().ok();
      if (!up) std::this_thread::sleep_for(50ms);
    }
    ASSERT_TRUE(up) << "kaspa-simnet did not come up:\n" << tail(read_all(simnet_->log()));
    kaspad_ = target;
    coins_ = std::make_unique<testing::CoinSource>(
        *client_, funder_, [this](std::size_t n) { mine(n); },
        testing::CoinSource::Options{kMaturity, 4 * kKas, /*refresh_every_take=*/false});
  }

  void TearDown() override {
    for (auto& p : igrads_) p.reset();
    coins_.reset();
    client_.reset();
    simnet_.reset();
  }

  // ---- processes ---------------------------------------------------------------------------------------------
  fs::path datadir(int i) const { return dir_.path / (i == 0 ? "a" : "b"); }
  void start_igrad(int i) {
    const fs::path log = dir_.path / ("igrad-" + std::string(i == 0 ? "a" : "b") + "." +
                                      std::to_string(++starts_[i]) + ".log");
    igrads_[i] = std::make_unique<Process>(
        std::vector<std::string>{(testing::binary_dir() / "apps/igrad/igrad").string(), "run", "--network", "devnet",
                                 "--datadir", datadir(i).string(), "--kaspad", kaspad_, "--http-addr", "127.0.0.1:0"},
        log);
  }
  void expect_igrads_running() {
    for (int i = 0; i < 2; ++i) {
      if (igrads_[i] && !igrads_[i]->running())
        FAIL() << "igrad " << i << " exited:\n" << tail(read_all(igrads_[i]->log()));
    }
  }

  // ---- L1 ----------------------------------------------------------------------------------------------------
  void mine(std::size_t n) {
    while (n > 0) {
      const auto k = static_cast<std::uint32_t>(std::min<std::size_t>(n, 500));
      auto r = client_->simnet_mine(k);
      ASSERT_TRUE(r.ok()) << r.error().message;
      n -= k;
      mined_ += k;
    }
  }
  std::uint64_t sink_daa() {
    auto sink = client_->get_sink();
    EXPECT_TRUE(sink.ok()) << sink.error().message;
    if (!sink.ok()) return 0;
    auto b = client_->get_block(*sink, false);
    EXPECT_TRUE(b.ok()) << b.error().message;
    return b.ok() ? b->header.daa_score : 0;
  }
  std::uint64_t rnd(std::uint64_t lo, std::uint64_t hi) {  // inclusive
    return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng_);
  }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  // Submits an Igra (or non-Igra) L1 transaction carrying `payload`, then mines one block so that each
  // transaction is accepted in its own block (acceptance order = send order). Returns whether it was accepted
  // into the mempool.
  bool send(core::Bytes payload, std::vector<std::pair<std::uint64_t, kaspa::ScriptPublicKey>> outs = {},
            bool igra = true) {
    const auto in = coins_->take();
    if (in.entry.amount == 0) return false;
    const kaspa::Transaction tx = testing::build_igra_l1(funder_, in, std::move(outs), std::move(payload), igra);
    auto r = client_->submit_transaction(tx);
    if (!r.ok()) {
      ++submit_failures_;
      std::printf("  submit failed: %s\n", r.error().message.c_str());
      return false;
    }
    ++sent_;
    mine(1);
    return true;
  }

  // One random Igra L1 transaction.
  void random_traffic() {
    const std::uint64_t kind = rnd(0, 99);
    const auto recipient = testing::fresh_address(static_cast<std::uint8_t>(rnd(1, 255)), static_cast<std::uint8_t>(rnd(0, 255)));
    if (kind < 25) {  // a valid Entry
      const std::uint64_t amount = kKas + rnd(0, 2 * kKas);  // coins hold at least 4 KAS
      if (send(testing::entry_payload(recipient, amount), {{amount, net_.lock_script}})) ++entries_;
    } else if (kind < 35) {  // an invalid Entry
      const std::uint64_t amount = 2 * kKas;
      switch (rnd(0, 3)) {
        case 0: send(testing::entry_payload(recipient, kKas - 1), {{kKas - 1, net_.lock_script}}); break;  // below min
        case 1: send(testing::entry_payload(recipient, amount), {{amount, funder_.spk}}); break;          // wrong script
        case 2: send(testing::entry_payload(recipient, amount), {{amount + 1, net_.lock_script}}); break;  // mismatch
        default: send(testing::entry_payload(recipient, amount, 1), {{amount, net_.lock_script}}); break;  // 34 bytes
      }
      ++bad_entries_;
    } else if (kind < 75) {  // a valid L2 transfer of a development account
      const std::size_t a = rnd(0, 9);
      const core::uint256 value(rnd(1, 1'000'000'000'000ull));
      const bool zipped = chance(0.3);
      chain::Transaction tx =
          chance(0.5) ? testing::legacy_tx(nonces_[a], recipient, value, core::uint256(rnd(1, 5)) * testing::kGwei)
                      : testing::dynamic_fee_tx(nonces_[a], recipient, value, core::uint256(rnd(2, 5)) * testing::kGwei,
                                                core::uint256(rnd(1, 2)) * testing::kGwei);
      if (send(testing::l2_payload(testing::sign_l2(tx, testing::dev(a)), zipped))) {
        ++nonces_[a];
        ++l2_valid_;
      }
    } else if (kind < 88) {  // an invalid L2 transaction (dropped)
      const std::size_t a = rnd(0, 9);
      const auto fee = core::uint256(2) * testing::kGwei;
      core::Bytes raw;
      switch (rnd(0, 5)) {
        case 0: raw = testing::sign_l2(testing::legacy_tx(nonces_[a], recipient, core::uint256(1), fee, 1), testing::dev(a)); break;
        case 1: raw = testing::sign_l2(testing::legacy_tx(nonces_[a] + 3, recipient, core::uint256(1), fee), testing::dev(a)); break;
        case 2:
          raw = testing::sign_l2(testing::legacy_tx(nonces_[a] > 0 ? nonces_[a] - 1 : nonces_[a] + 2, recipient,
                                                    core::uint256(1), fee),
                                 testing::dev(a));
          break;
        case 3:
          raw = testing::sign_l2(
              testing::legacy_tx(nonces_[a], recipient, core::uint256(1), testing::kGwei - core::uint256(1)),
              testing::dev(a));
          break;
        case 4: raw = {0xf8, 0xff, 0x01, 0x02, 0x03}; break;  // an RLP list longer than its bytes
        default: {
          raw = testing::sign_l2(testing::legacy_tx(nonces_[a], recipient, testing::kEther * core::uint256(1'000'000),
                                                    fee),
                                 testing::dev(a));  // more than the balance
          break;
        }
      }
      send(testing::l2_payload(raw, chance(0.3)));
      ++l2_invalid_;
    } else if (kind < 94) {  // not Igra: an Entry without the txid prefix
      const std::uint64_t amount = 2 * kKas;
      send(testing::entry_payload(recipient, amount), {{amount, net_.lock_script}}, /*igra=*/false);
    } else {  // Exit / Service / a reserved type: indexed or ignored, never a state change
      const std::uint8_t types[] = {0x93, 0x9f, 0x91, 0x96};
      send(testing::igra_payload(types[rnd(0, 3)], core::Bytes(rnd(1, 64), 0x5a)));
    }
  }

  // Waits until every running node has derived every closed window: its head block is in the window just below
  // the sink's (call it after a batch of >= 20 linear blocks, so that window holds chain blocks).
  void wait_caught_up(std::chrono::seconds timeout = 300s) {
    const std::uint64_t want = sink_daa() / 10 - 1;
    const auto start = Clock::now();
    for (int i = 0; i < 2; ++i) {
      if (!igrads_[i]) continue;
      for (;;) {
        auto o = peek_head_origin(datadir(i));
        if (o && o->window >= want) break;
        if (!igrads_[i]->running()) FAIL() << "igrad " << i << " exited:\n" << tail(read_all(igrads_[i]->log()));
        if (Clock::now() - start > timeout)
          FAIL() << "igrad " << i << " did not derive window " << want << " within " << timeout.count() << " s (head window "
                 << (o ? std::to_string(o->window) : "-") << ")\n" << tail(read_all(igrads_[i]->log()));
        std::this_thread::sleep_for(20ms);
      }
    }
    waited_s_ += std::chrono::duration<double>(Clock::now() - start).count();
  }

  void reorg(std::uint32_t depth, bool flip_flop) {
    auto r = client_->simnet_reorg(depth, flip_flop);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ++reorgs_;
    deepest_ = std::max<std::uint64_t>(deepest_, r->removed_chain_block_hashes.size());
    coins_->invalidate();
  }

  // ---- the end -----------------------------------------------------------------------------------------------
  // Waits until both nodes report (in their progress lines) the simnet's sink as processed and idle.
  bool wait_both_synced(std::uint64_t final_daa, std::chrono::seconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      expect_igrads_running();
      if (::testing::Test::HasFatalFailure()) return false;
      auto a = last_progress(igrads_[0]->log());
      auto b = last_progress(igrads_[1]->log());
      if (a && b && a->synced && b->synced && a->l1_tip_daa == final_daa && b->l1_tip_daa == final_daa &&
          a->l2_height == b->l2_height) {
        std::printf("both nodes synced: L2 height %llu, L1 DAA %llu\n", static_cast<unsigned long long>(a->l2_height),
                    static_cast<unsigned long long>(final_daa));
        return true;
      }
      std::this_thread::sleep_for(500ms);
    }
    return false;
  }

  ChainSummary summarize(const fs::path& dir) {
    ChainSummary s;
    state::EnvOptions env;
    env.path = (dir / "chaindata").string();
    env.sync = false;
    auto db = state::StateDb::open(env);
    EXPECT_TRUE(db.ok()) << db.error().message;
    if (!db.ok()) return s;
    auto v = (*db)->view();
    EXPECT_TRUE(v.ok());
    if (!v.ok() || !v->head()) return s;
    s.head = *v->head();
    for (std::uint64_t n = 0; n <= s.head; ++n) {
      auto h = v->canonical_hash(n);
      EXPECT_TRUE(h.ok() && h->has_value()) << "block " << n << " of " << dir;
      if (!h.ok() || !h->has_value()) return s;
      s.hashes.push_back(**h);
      if (n == 0) continue;
      auto body_rlp = v->body(n);
      EXPECT_TRUE(body_rlp.ok() && body_rlp->has_value());
      if (!body_rlp.ok() || !body_rlp->has_value()) return s;
      auto body = chain::decode_body(**body_rlp);
      EXPECT_TRUE(body.ok());
      if (!body.ok()) return s;
      s.txs += body->transactions.size();
      s.blocks_with_txs += !body->transactions.empty();
      if (body->withdrawals) {
        s.withdrawals += body->withdrawals->size();
        s.blocks_with_withdrawals += !body->withdrawals->empty();
      }
      auto o = v->l1_origin(n);
      EXPECT_TRUE(o.ok() && o->has_value());
      if (!o.ok() || !o->has_value()) return s;
      auto origin = igra::decode_l1_origin(**o);
      EXPECT_TRUE(origin.ok());
      if (!origin.ok()) return s;
      s.l1_records += origin->l1_txs.size();
      if (n == s.head) s.head_origin = *origin;
    }
    auto root = v->state_root(s.head);
    EXPECT_TRUE(root.ok()) << root.error().message;
    if (root.ok()) s.state_root = *root;
    return s;
  }

  TempDir dir_;
  std::uint64_t seed_ = 0;
  std::uint64_t target_l2_ = 10'000;
  std::mt19937_64 rng_;
  simnet::testing::Wallet funder_;
  igra::NetworkParams net_;
  std::string kaspad_;
  std::unique_ptr<Process> simnet_;
  std::unique_ptr<Process> igrads_[2];
  int starts_[2] = {0, 0};
  std::unique_ptr<krpc::Client> client_;
  std::unique_ptr<testing::CoinSource> coins_;
  std::uint64_t nonces_[10] = {};
  std::uint64_t mined_ = 0, sent_ = 0, submit_failures_ = 0, entries_ = 0, bad_entries_ = 0, l2_valid_ = 0,
                l2_invalid_ = 0, reorgs_ = 0, deepest_ = 0;
  double waited_s_ = 0;
};

TEST_F(IgradAgreement, TwoNodesAgreeOnEveryBlockHashWithRandomTrafficReorgsAndAKill) {
  const auto t0 = Clock::now();
  // Mature coins before the nodes start; then both nodes follow from the simnet genesis.
  mine(kMaturity + 60);
  start_igrad(0);
  start_igrad(1);

  // DAA needed for the target: 10 per window, plus the windows that reorgs skip (a merging chain block's DAA
  // score jumps past the windows of the branch it merges) and the open window.
  const std::uint64_t target_daa = 10 * target_l2_ + 10 * target_l2_ / 50 + 200;
  const std::uint64_t kill_at = target_daa * rnd(25, 60) / 100;
  const std::uint64_t flip_flop_at = target_daa * rnd(10, 80) / 100;
  bool killed = false, restarted = false, flip_flopped = false;
  std::uint64_t restart_after_round = 0, round = 0;
  std::uint64_t resumed_head = 0;

  for (std::uint64_t daa = sink_daa(); daa < target_daa; daa = sink_daa(), ++round) {
    ASSERT_FALSE(HasFatalFailure());
    expect_igrads_running();
    ASSERT_FALSE(HasFatalFailure());
    // Traffic, one block per transaction.
    const std::uint64_t n_tx = rnd(0, 4);
    for (std::uint64_t i = 0; i < n_tx; ++i) random_traffic();
    ASSERT_FALSE(HasFatalFailure());
    // A batch of blocks (fast clock: they cost little).
    mine(rnd(20, 600));
    ASSERT_FALSE(HasFatalFailure());
    // Random reorgs (not in the first 1000 DAA: keeps the fork point far from the L1 start).
    if (daa > 1000 && chance(0.2)) {
      // Mostly when the nodes have derived everything (the reorg unwinds committed L2 blocks), sometimes while
      // they are still behind.
      if (chance(0.75)) wait_caught_up();
      ASSERT_FALSE(HasFatalFailure());
      reorg(static_cast<std::uint32_t>(rnd(1, 50)), false);
      ASSERT_FALSE(HasFatalFailure());
      if (chance(0.3)) {  // a second reorg right after the first (before the nodes catch up)
        reorg(static_cast<std::uint32_t>(rnd(1, 50)), false);
        ASSERT_FALSE(HasFatalFailure());
      }
      if (chance(0.5)) mine(rnd(1, 30));
    }
    // One flip-flop episode: the chain alternates between two branches a few times. (kaspa-simnet keeps the two
    // branches for later flip-flop calls, so later episodes would reorg across everything mined in between.)
    if (!flip_flopped && daa >= flip_flop_at) {
      flip_flopped = true;
      wait_caught_up();
      ASSERT_FALSE(HasFatalFailure());
      const auto depth = static_cast<std::uint32_t>(rnd(5, 50));
      const std::uint64_t flips = rnd(3, 6);
      for (std::uint64_t i = 0; i < flips; ++i) {
        reorg(depth, true);
        ASSERT_FALSE(HasFatalFailure());
        if (chance(0.5)) random_traffic();
        if (chance(0.3)) mine(rnd(1, 3));
      }
      std::printf("flip-flop: %llu flips at depth %u around DAA %llu\n", static_cast<unsigned long long>(flips), depth,
                  static_cast<unsigned long long>(daa));
    }
    // Kill node B without warning in the middle of the run; restart it a few rounds later.
    if (!killed && daa >= kill_at) {
      killed = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(rnd(0, 300)));
      const int status = igrads_[1]->stop(SIGKILL, 10s);
      EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "status " << status;
      igrads_[1].reset();
      restart_after_round = round + rnd(1, 8);
      std::printf("node B killed at L1 DAA %llu (round %llu)\n", static_cast<unsigned long long>(daa),
                  static_cast<unsigned long long>(round));
    }
    if (killed && !restarted && round >= restart_after_round) {
      restarted = true;
      start_igrad(1);
      std::printf("node B restarted at L1 DAA %llu\n", static_cast<unsigned long long>(daa));
    }
    if (round % 40 == 0) {
      auto pa = last_progress(igrads_[0]->log());
      std::printf("round %llu: L1 DAA %llu / %llu, %llu L1 txs sent, %llu reorgs, node A at L2 %llu (%.0f s)\n",
                  static_cast<unsigned long long>(round), static_cast<unsigned long long>(daa),
                  static_cast<unsigned long long>(target_daa), static_cast<unsigned long long>(sent_),
                  static_cast<unsigned long long>(reorgs_), static_cast<unsigned long long>(pa ? pa->l2_height : 0),
                  std::chrono::duration<double>(Clock::now() - t0).count());
      std::fflush(stdout);
    }
  }
  if (!restarted) {
    start_igrad(1);
    restarted = true;
  }
  // A linear tail so the last windows are closed on a stable chain.
  mine(100);
  const std::uint64_t final_daa = sink_daa();
  std::printf("L1 done: DAA %llu, %llu blocks mined, %llu rounds, %llu reorgs (deepest %llu), %llu L1 txs "
              "(%llu entries, %llu invalid entries, %llu L2 transfers, %llu invalid L2), %llu submit failures (%.0f s)\n",
              static_cast<unsigned long long>(final_daa), static_cast<unsigned long long>(mined_),
              static_cast<unsigned long long>(round), static_cast<unsigned long long>(reorgs_),
              static_cast<unsigned long long>(deepest_), static_cast<unsigned long long>(sent_),
              static_cast<unsigned long long>(entries_), static_cast<unsigned long long>(bad_entries_),
              static_cast<unsigned long long>(l2_valid_), static_cast<unsigned long long>(l2_invalid_),
              static_cast<unsigned long long>(submit_failures_), std::chrono::duration<double>(Clock::now() - t0).count());
  std::printf("waited %.0f s for the nodes to catch up before reorgs\n", waited_s_);
  std::fflush(stdout);

  const bool synced = wait_both_synced(final_daa, 300s);
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_TRUE(synced) << "the nodes did not both reach the sink (DAA " << final_daa << ")\nA:\n"
                      << tail(read_all(igrads_[0]->log())) << "\nB:\n" << tail(read_all(igrads_[1]->log()));

  // The restarted node resumed from its database (not from genesis).
  {
    const std::string log = read_all(dir_.path / "igrad-b.2.log");
    const auto at = log.find("L2 head ");
    ASSERT_NE(at, std::string::npos) << tail(log);
    resumed_head = std::strtoull(log.c_str() + at + 8, nullptr, 10);
    EXPECT_GT(resumed_head, 0u) << "the restarted node did not resume from its database";
    std::printf("node B resumed at L2 head %llu\n", static_cast<unsigned long long>(resumed_head));
  }
  std::size_t step_failures[2], unwinds[2];
  for (int i = 0; i < 2; ++i) {
    std::string all;
    for (int k = 1; k <= starts_[i]; ++k)
      all += read_all(dir_.path / ("igrad-" + std::string(i == 0 ? "a" : "b") + "." + std::to_string(k) + ".log"));
    step_failures[i] = count_occurrences(all, "derivation step failed");
    unwinds[i] = count_occurrences(all, "reorg: unwound");
    std::printf("node %c: %zu reorg unwinds logged, %zu failed derivation steps\n", i == 0 ? 'A' : 'B',
                unwinds[i], step_failures[i]);
  }
  EXPECT_GT(unwinds[0], 0u) << "node A never unwound a block: the reorgs did not reach it";
  for (int i = 0; i < 2; ++i) {
    const int status = igrads_[i]->stop(SIGTERM, 30s);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "igrad " << i << " status " << status;
  }
  ASSERT_FALSE(HasFatalFailure());

  const ChainSummary a = summarize(datadir(0));
  const ChainSummary b = summarize(datadir(1));
  ASSERT_FALSE(HasFailure());
  std::printf("node A: head %llu, %llu txs in %llu blocks, %llu withdrawals in %llu blocks, %llu Igra L1 records\n",
              static_cast<unsigned long long>(a.head), static_cast<unsigned long long>(a.txs),
              static_cast<unsigned long long>(a.blocks_with_txs), static_cast<unsigned long long>(a.withdrawals),
              static_cast<unsigned long long>(a.blocks_with_withdrawals), static_cast<unsigned long long>(a.l1_records));
  EXPECT_GE(a.head, target_l2_);
  ASSERT_EQ(a.head, b.head);
  ASSERT_EQ(a.hashes.size(), a.head + 1);
  ASSERT_EQ(b.hashes.size(), b.head + 1);
  std::size_t differing = 0;
  for (std::uint64_t n = 0; n <= a.head; ++n) {
    if (a.hashes[n] != b.hashes[n]) {
      if (++differing <= 5) ADD_FAILURE() << "block " << n << " differs: " << core::to_hex(a.hashes[n]) << " vs "
                                          << core::to_hex(b.hashes[n]);
    }
  }
  EXPECT_EQ(differing, 0u) << "blocks with different hashes";
  EXPECT_EQ(a.state_root, b.state_root);
  EXPECT_EQ(a.head_origin, b.head_origin);
  // Non-trivial content.
  EXPECT_GT(a.blocks_with_txs, 0u);
  EXPECT_GT(a.blocks_with_withdrawals, 0u);
  EXPECT_GT(a.l1_records, 0u);
  // The head is the last closed window of the L1 chain: the window just below the sink's (the tail of 100
  // linear blocks fills it).
  EXPECT_EQ(a.head_origin.window + 1, final_daa / 10);
  EXPECT_GT(reorgs_, 0u);
  std::printf("runtime %.0f s\n", std::chrono::duration<double>(Clock::now() - t0).count());
}

}  // namespace
}  // namespace igra
