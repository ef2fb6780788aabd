#pragma once
// Igra network parameters (decisions.md "Networks") and the built-in networks `mainnet`, `galleon` and
// `devnet`.
//
// A network is a geth-style genesis plus these parameters. The genesis of the built-in networks is rendered
// the way Igra's EL launcher renders it (IgraLabs/ethrex igra/genesis.template.json and
// network-params.template.md): the parameters table is hashed into extraData, the genesis timestamp is
// floor(launch/10) - floor(ref_daa/10) + ref_timestamp - 1, and the alloc holds the Igra predeploys (two of
// them carry network values). `render_network_params_md` and `render_genesis_json` reproduce the published
// files byte for byte (tests compare them with ../shared/igra).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "core/uint256.hpp"
#include "kaspa/address.hpp"
#include "kaspa/transaction.hpp"

namespace igra::igra {

inline constexpr std::uint64_t kL2GasLimit = 10'000'000'000ull;
inline constexpr std::size_t kMaxL2DataBytes = 24'800;
inline constexpr std::uint64_t kWindowDaaSpan = 10;  // one L2 block per floor(daa / 10)
// Fee recipient of every Igra block (the fee proxy predeploy).
inline constexpr core::Address20 kCoinbase = {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0f, 0xee}};

struct NetworkParams {
  std::string name;                 // "mainnet", "galleon", "devnet" or user-given
  std::uint64_t chain_id = 0;
  core::Bytes txid_prefix;          // the chain id in big-endian hex bytes (2 bytes for 0x97b1)
  std::string kaspa_network;        // "mainnet", "testnet-10", "simnet"
  std::uint64_t launch_daa_score = 0;
  std::uint64_t ref_timestamp = 0;  // L1_REFERENCE_TIMESTAMP (seconds)
  std::uint64_t ref_daa_score = 0;  // L1_REFERENCE_DAA_SCORE
  std::uint64_t min_fee_gwei = 0;   // MIN_PROTOCOL_FEE_PER_GAS_GWEI
  std::uint64_t entry_min_sompi = 0;
  kaspa::ScriptPublicKey lock_script;  // Entry output 0 must pay exactly this script
  std::optional<kaspa::ScriptPublicKey> post_fork_lock_script;
  std::optional<std::uint64_t> lock_script_fork_daa_score;
  std::optional<std::uint64_t> toccata_daa_score;  // from here on only v1 txs on the Igra lane count
  kaspa::SubnetworkId lane = kaspa::subnetwork_lane(0x97b10000);
  std::vector<std::uint8_t> allowed_tx_types = {0, 1, 2};
  core::Bytes extra_data;  // extraData of derived (non-genesis) blocks
  // Genesis-only values (the network-params table).
  std::string bitcoin_block_hash = std::string(64, '0');
  std::string ethereum_block_hash = "0x" + std::string(64, '0');
  std::string kaspa_block_hash = std::string(64, '0');
  core::Address20 one_time_address;  // configurator getter predeploy value
  // Where derivation starts on L1 when the network does not give a block: (optional) chain block hash at or
  // before the launch DAA score.
  std::optional<core::Hash32> l1_start_hash;

  std::uint64_t genesis_timestamp() const noexcept {
    return launch_daa_score / kWindowDaaSpan - ref_daa_score / kWindowDaaSpan + ref_timestamp - 1;
  }
  // L2 timestamp of the window that starts with an anchor of this DAA score.
  std::uint64_t window_timestamp(std::uint64_t anchor_daa) const noexcept {
    return anchor_daa / kWindowDaaSpan - ref_daa_score / kWindowDaaSpan + ref_timestamp;
  }
  // Lock script in force at a DAA score.
  const kaspa::ScriptPublicKey& lock_script_at(std::uint64_t daa) const noexcept {
    if (post_fork_lock_script && lock_script_fork_daa_score && daa >= *lock_script_fork_daa_score)
      return *post_fork_lock_script;
    return lock_script;
  }
  bool toccata_active(std::uint64_t daa) const noexcept { return toccata_daa_score && daa >= *toccata_daa_score; }
  // Kaspa address prefix of kaspa_network: mainnet, testnet-*, devnet; anything else is a simnet.
  kaspa::Prefix address_prefix() const noexcept {
    if (kaspa_network == "mainnet") return kaspa::Prefix::kMainnet;
    if (kaspa_network.rfind("testnet", 0) == 0) return kaspa::Prefix::kTestnet;
    if (kaspa_network == "devnet") return kaspa::Prefix::kDevnet;
    return kaspa::Prefix::kSimnet;
  }
};

// Built-in networks: "mainnet", "galleon", "devnet". Unknown name: kNotFound.
core::Result<NetworkParams> builtin_network(std::string_view name);

// network-params.md exactly as Igra's launcher renders it (its sha256 is the genesis extraData).
std::string render_network_params_md(const NetworkParams& p);
// Parses a rendered network-params.md table (the rows above); the other fields keep their defaults
// (name "custom"). Strict: every row present once, numbers decimal, hex where the template has hex.
core::Result<NetworkParams> parse_network_params_md(std::string_view text);

// A funded account of a development genesis.
struct DevAccount {
  core::Address20 address;
  core::Hash32 private_key;
};
// The ten accounts of the standard development mnemonic
// "test test test test test test test test test test test junk" (m/44'/60'/0'/0/i), as Hardhat and Anvil.
const std::vector<DevAccount>& dev_accounts();
inline constexpr std::string_view kDevMnemonic = "test test test test test test test test test test test junk";

// The genesis JSON of a network, rendered like Igra's launcher (geth format; chainId a JSON number, timestamp
// a decimal string). `funded` adds accounts with a balance (devnet: the dev accounts, 10,000 iKAS each).
std::string render_genesis_json(const NetworkParams& p, const std::vector<std::pair<core::Address20, core::uint256>>& funded = {});

}  // namespace igra::igra
