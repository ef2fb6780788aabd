// Built-in networks against the published Igra genesis files (../shared/igra) and Hardhat's dev accounts.
#include "igra/network.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "chain/genesis.hpp"
#include "core/hex.hpp"
#include "support/testing.hpp"

namespace igra::igra {
namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class PublishedNetwork : public ::testing::TestWithParam<const char*> {};

TEST_P(PublishedNetwork, ParamsTableIsByteExact) {
  auto p = builtin_network(GetParam());
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(render_network_params_md(*p),
            slurp(::igra::testing::shared_path(std::string("igra/") + GetParam() + ".network-params.md")));
}

TEST_P(PublishedNetwork, GenesisJsonIsByteExactAndHashesToThePublishedValue) {
  auto p = builtin_network(GetParam());
  ASSERT_TRUE(p.ok());
  const std::string rendered = render_genesis_json(*p);
  EXPECT_EQ(rendered, slurp(::igra::testing::shared_path(std::string("igra/") + GetParam() + ".genesis.json")));
  auto g = chain::parse_genesis(rendered);
  ASSERT_TRUE(g.ok()) << g.error().message;
  const auto expected = ::igra::testing::load_json(::igra::testing::shared_path("igra/expected.json"));
  EXPECT_EQ(core::to_hex(g->hash, true), expected["networks"][GetParam()]["genesis_block_hash"].get<std::string>());
  EXPECT_EQ(g->header.timestamp, p->genesis_timestamp());
}

TEST_P(PublishedNetwork, ParamsTableParsesBack) {
  auto p = builtin_network(GetParam());
  ASSERT_TRUE(p.ok());
  auto parsed = parse_network_params_md(
      slurp(::igra::testing::shared_path(std::string("igra/") + GetParam() + ".network-params.md")));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->chain_id, p->chain_id);
  EXPECT_EQ(parsed->txid_prefix, p->txid_prefix);
  EXPECT_EQ(parsed->launch_daa_score, p->launch_daa_score);
  EXPECT_EQ(parsed->ref_timestamp, p->ref_timestamp);
  EXPECT_EQ(parsed->ref_daa_score, p->ref_daa_score);
  EXPECT_EQ(parsed->min_fee_gwei, p->min_fee_gwei);
  EXPECT_EQ(parsed->entry_min_sompi, p->entry_min_sompi);
  EXPECT_EQ(parsed->lock_script, p->lock_script);
  EXPECT_EQ(render_network_params_md(*parsed), render_network_params_md(*p));
}

INSTANTIATE_TEST_SUITE_P(Igra, PublishedNetwork, ::testing::Values("mainnet", "galleon"));

TEST(Network, PrefixIsTheChainIdInHex) {
  // decisions.md: the txid prefix is always the chain id in big-endian hex.
  EXPECT_EQ(core::to_hex(builtin_network("mainnet")->txid_prefix), "97b1");
  EXPECT_EQ(core::to_hex(builtin_network("galleon")->txid_prefix), "97b4");
  EXPECT_EQ(core::to_hex(builtin_network("devnet")->txid_prefix), "97ae");
  EXPECT_EQ(builtin_network("devnet")->min_fee_gwei, 1u);
  EXPECT_EQ(builtin_network("devnet")->entry_min_sompi, 100'000'000u);
  EXPECT_FALSE(builtin_network("nonesuch").ok());
}

TEST(Network, WindowTimestampFollowsTheGenesisFormula) {
  auto p = *builtin_network("mainnet");
  // The first window at the launch DAA score is one second after genesis (genesis = launch window - 1).
  EXPECT_EQ(p.window_timestamp(p.launch_daa_score), p.genesis_timestamp() + 1);
  EXPECT_EQ(p.window_timestamp(p.launch_daa_score + 9), p.genesis_timestamp() + 1);
  EXPECT_EQ(p.window_timestamp(p.launch_daa_score + 10), p.genesis_timestamp() + 2);
  EXPECT_EQ(p.genesis_timestamp(), 1772021709u);  // igra-protocol.md 3.8
}

TEST(Network, MalformedParamsTablesAreRejected) {
  const std::string good = render_network_params_md(*builtin_network("galleon"));
  EXPECT_TRUE(parse_network_params_md(good).ok());
  auto replace = [&](std::string_view from, std::string_view to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  EXPECT_FALSE(parse_network_params_md(replace("| IGRA_CHAIN_ID | 38836 |\n", "")).ok());             // missing row
  EXPECT_FALSE(parse_network_params_md(replace("| 38836 |", "| 38x36 |")).ok());                     // not a number
  EXPECT_FALSE(parse_network_params_md(replace("| 97b4 |", "| 97b1 |")).ok());                       // prefix != chain id
  EXPECT_FALSE(parse_network_params_md(replace("| 2000 |", "| 2000 |\n| MIN_PROTOCOL_FEE_PER_GAS_GWEI | 1 |")).ok());
  EXPECT_FALSE(parse_network_params_md("").ok());
}

TEST(Network, DevAccountsAreHardhatsAccounts) {
  // Hardhat / Anvil default accounts for "test test ... junk" (m/44'/60'/0'/0/i), as their docs list them.
  const char* addresses[] = {
      "f39fd6e51aad88f6f4ce6ab8827279cfffb92266", "70997970c51812dc3a010c7d01b50e0d17dc79c8",
      "3c44cdddb6a900fa2b585dd299e03d12fa4293bc", "90f79bf6eb2c4f870365e785982e1f101e93b906",
      "15d34aaf54267db7d7c367839aaf71a00a2c6a65", "9965507d1a55bcc2695c58ba16fb37d819b0a4dc",
      "976ea74026e726554db657fa54763abd0c3a0aa9", "14dc79964da2c08b23698b3d3cc7ca32193d9955",
      "23618e81e3f5cdf7f54c3d65f7fbc0abf5b21e8f", "a0ee7a142d267c1f36714e4a8f75612f20a79720"};
  ASSERT_EQ(dev_accounts().size(), 10u);
  for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ(core::to_hex(dev_accounts()[i].address), addresses[i]) << i;
  EXPECT_EQ(core::to_hex(dev_accounts()[0].private_key),
            "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
}

TEST(Network, DevnetGenesisFundsTheDevAccounts) {
  auto p = *builtin_network("devnet");
  std::vector<std::pair<core::Address20, core::uint256>> funded;
  for (const auto& a : dev_accounts()) funded.emplace_back(a.address, core::uint256(12345));
  auto g = chain::parse_genesis(render_genesis_json(p, funded));
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(g->chain_id, core::uint256(38830));
  std::size_t found = 0;
  for (const auto& acc : g->alloc)
    for (const auto& a : dev_accounts())
      if (acc.address == a.address) {
        EXPECT_EQ(acc.balance, core::uint256(12345));
        ++found;
      }
  EXPECT_EQ(found, 10u);
}

}  // namespace
}  // namespace igra::igra
