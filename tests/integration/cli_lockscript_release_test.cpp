// igra-cli `lockscript build|release create|sign|combine` against a Kaspa simnet over real gRPC (issue 9,
// "Lock-script release"): coins locked under a 3-of-5 Schnorr multisig with a CHECKLOCKTIMEVERIFY time lock can
// not be released with two signatures, nor before the lock time (the simnet's validator refuses the transaction
// as not final), nor with a transaction lock time below the script's (the script engine's CLTV check fails); with
// three of the five signatures after the lock time the simnet accepts the release and the destination receives
// the locked amount minus the fee. The igra-cli binary runs as a real process.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "core/hex.hpp"
#include "crypto/key_file.hpp"
#include "kaspa/rpc/client.hpp"
#include "kaspa/script_builder.hpp"
#include "kaspa/script_class.hpp"
#include "simnet/rpc_server.hpp"
#include "simnet/rpc_test_support.hpp"
#include "simnet/simnet_node.hpp"
#include "simnet/tx_test_support.hpp"

namespace igra {
namespace {

namespace fs = std::filesystem;

std::string address_of(const simnet::testing::Wallet& w) {
  return kaspa::extract_script_public_key_address(w.spk, kaspa::Prefix::kSimnet).value().to_string();
}

struct CliRun {
  int exit = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

class LockscriptRelease : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("igra-cli-release-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (client_) client_->shutdown();
    if (server_) server_->stop();
    fs::remove_all(dir_);
  }

  CliRun cli(const std::vector<std::string>& args) {
    std::string cmd = std::string(IGRA_CLI_BINARY);
    for (const auto& a : args) cmd += " '" + a + "'";
    const fs::path out = dir_ / "out.txt", err = dir_ / "err.txt";
    cmd += " > '" + out.string() + "' 2> '" + err.string() + "'";
    const int rc = std::system(cmd.c_str());
    CliRun r;
    r.exit = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
  }

  std::int64_t past_median_time() { return client_->get_block_dag_info().value().past_median_time; }

  fs::path dir_;
  std::unique_ptr<simnet::SimnetNode> node_;
  std::unique_ptr<simnet::RpcServer> server_;
  std::unique_ptr<kaspa::rpc::Client> client_;
};

TEST_F(LockscriptRelease, ThreeOfFiveAfterTheLockTimeOnly) {
  const auto miner = simnet::testing::wallet(1);
  const auto dest = simnet::testing::wallet(2);
  simnet::SimnetNodeConfig cfg;
  cfg.simnet.clock_mode = simnet::ClockMode::kFast;
  cfg.simnet.seed = 9;
  cfg.simnet.consensus.coinbase_maturity = 5;
  cfg.simnet.miners.push_back(simnet::MinerConfig{miner.spk, {}, 1.0});
  node_ = std::make_unique<simnet::SimnetNode>(cfg);
  simnet::testing::serve_and_connect(*node_, server_, client_);
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_TRUE(node_->mine_blocks(20).ok());

  // 1. The lock script: 3 of 5 signers, spendable 5 minutes of simnet time from now.
  std::vector<simnet::testing::Wallet> signers;
  std::vector<std::string> build_args = {"lockscript", "build", "-m", "3", "--prefix", "kaspasim"};
  for (int i = 0; i < 5; ++i) {
    signers.push_back(simnet::testing::wallet(static_cast<std::uint8_t>(30 + i)));
    build_args.push_back("-k");
    build_args.push_back(core::to_hex(signers.back().pub));
  }
  const std::uint64_t unlock = static_cast<std::uint64_t>(past_median_time()) + 300'000;
  build_args.push_back("--unlock-time");
  build_args.push_back(std::to_string(unlock));
  const CliRun built = cli(build_args);
  ASSERT_EQ(built.exit, 0) << built.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(built.out, m, std::regex("redeem_script: +([0-9a-f]+)")));
  const std::string redeem_hex = m[1];
  ASSERT_TRUE(std::regex_search(built.out, m, std::regex("address: +(kaspasim:[0-9a-z]+)")));
  const std::string lock_address = m[1];
  // `address` is the same command.
  build_args[1] = "address";
  EXPECT_EQ(cli(build_args).out, built.out);
  const core::Bytes redeem = core::from_hex(redeem_hex).value();
  EXPECT_EQ(kaspa::p2sh_script(redeem), kaspa::pay_to_address_script(kaspa::decode_address(lock_address).value()).value());

  // 2. Lock half a coinbase there (a matured coinbase of the miner).
  auto coins = client_->get_utxos_by_addresses({address_of(miner)});
  ASSERT_TRUE(coins.ok());
  const auto daa = client_->get_server_info().value().virtual_daa_score;
  std::optional<kaspa::rpc::UtxosByAddressesEntry> coin;
  for (const auto& c : *coins)
    if (c.utxo_entry.block_daa_score + 10 <= daa) coin = c;
  ASSERT_TRUE(coin.has_value());
  const std::uint64_t locked = coin->utxo_entry.amount / 2;
  const auto lock_tx = simnet::testing::signed_tx(miner, {{coin->outpoint, coin->utxo_entry}},
                                                  {{locked, kaspa::p2sh_script(redeem)},
                                                   {coin->utxo_entry.amount - locked - 100'000, miner.spk}});
  auto locked_id = client_->submit_transaction(lock_tx);
  ASSERT_TRUE(locked_id.ok()) << locked_id.error().message;
  ASSERT_TRUE(node_->mine_blocks(3).ok());

  // 3. The release, signed by the signers' key files (0600).
  const std::string to = address_of(dest);
  const std::string kaspad = server_->address();
  const std::uint64_t fee = 20'000;
  CliRun created = cli({"lockscript", "release", "create", "--redeem-script", redeem_hex, "--kaspad", kaspad, "--to", to,
                     "--prefix", "kaspasim", "--fee", std::to_string(fee), "-o", (dir_ / "r0.json").string()});
  ASSERT_EQ(created.exit, 0) << created.err;
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < signers.size(); ++i) {
    keys.push_back((dir_ / ("signer" + std::to_string(i) + ".key")).string());
    ASSERT_TRUE(crypto::write_secret_key_file(keys.back(), signers[i].key).ok());
  }
  auto sign = [&](const std::string& in, std::size_t signer, const std::string& out) {
    CliRun r = cli({"lockscript", "release", "sign", "--in", (dir_ / in).string(), "--key", keys[signer], "-o",
                 (dir_ / out).string()});
    EXPECT_EQ(r.exit, 0) << r.err;
  };
  sign("r0.json", 0, "r1.json");
  sign("r1.json", 3, "r2.json");
  // Two signatures are not enough.
  CliRun two = cli({"lockscript", "release", "combine", "--in", (dir_ / "r2.json").string()});
  EXPECT_NE(two.exit, 0);
  EXPECT_NE(two.err.find("input 0"), std::string::npos) << two.err;
  sign("r2.json", 4, "r3.json");
  // A key file readable by others is refused.
  const std::string loose = (dir_ / "loose.key").string();
  ASSERT_TRUE(crypto::write_secret_key_file(loose, signers[1].key).ok());
  fs::permissions(loose, fs::perms::group_read | fs::perms::others_read, fs::perm_options::add);
  CliRun refused = cli({"lockscript", "release", "sign", "--in", (dir_ / "r3.json").string(), "--key", loose});
  EXPECT_NE(refused.exit, 0);
  EXPECT_NE(refused.err.find("chmod 600"), std::string::npos) << refused.err;

  // Three signatures before the lock time: the script engine agrees, the simnet refuses (not final).
  CliRun early = cli({"lockscript", "release", "combine", "--in", (dir_ / "r3.json").string(), "--submit", "--kaspad", kaspad});
  EXPECT_NE(early.exit, 0);
  EXPECT_NE(early.err.find("rejected"), std::string::npos) << early.err;
  EXPECT_NE(early.err.find("final"), std::string::npos) << early.err;

  // A transaction lock time below the script's: CHECKLOCKTIMEVERIFY fails in the script engine.
  CliRun low = cli({"lockscript", "release", "create", "--redeem-script", redeem_hex, "--kaspad", kaspad, "--to", to,
                 "--prefix", "kaspasim", "--lock-time", std::to_string(unlock - 1000), "-o", (dir_ / "l0.json").string()});
  ASSERT_EQ(low.exit, 0) << low.err;
  sign("l0.json", 0, "l1.json");
  sign("l1.json", 1, "l2.json");
  sign("l2.json", 2, "l3.json");
  CliRun cltv = cli({"lockscript", "release", "combine", "--in", (dir_ / "l3.json").string()});
  EXPECT_NE(cltv.exit, 0);
  EXPECT_NE(cltv.err.find("script verification"), std::string::npos) << cltv.err;

  // After the lock time: accepted, and the destination receives the coins.
  for (int i = 0; i < 2000 && past_median_time() <= static_cast<std::int64_t>(unlock); ++i)
    ASSERT_TRUE(node_->mine_blocks(10).ok());
  ASSERT_GT(past_median_time(), static_cast<std::int64_t>(unlock));
  CliRun late = cli({"lockscript", "release", "combine", "--in", (dir_ / "r3.json").string(), "--submit", "--kaspad", kaspad});
  ASSERT_EQ(late.exit, 0) << late.err;
  ASSERT_TRUE(node_->mine_blocks(3).ok());
  auto got = client_->get_utxos_by_addresses({to});
  ASSERT_TRUE(got.ok());
  std::uint64_t received = 0;
  for (const auto& u : *got) received += u.utxo_entry.amount;
  EXPECT_EQ(received, locked - fee);
  EXPECT_TRUE(client_->get_utxos_by_addresses({lock_address}).value().empty());
}

}  // namespace
}  // namespace igra
