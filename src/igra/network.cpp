#include "igra/network.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <map>
#include <mutex>

#include "core/hex.hpp"
#include "crypto/bip32.hpp"
#include "crypto/secp256k1.hpp"
#include "crypto/sha256.hpp"
#include "kaspa/lock_script.hpp"

namespace igra::igra {
namespace {

// Predeploy bytecode of Igra's genesis template (IgraLabs/ethrex igra/genesis.template.json); semantics in
// ../shared/spec/igra-protocol.md section 5.
constexpr std::string_view kMarkerAddress = "0x000000000000000097b100000000000000000000";
constexpr std::string_view kMarkerCode =
    "0x005d05b25e85b55d9205ea5b45d15b05e05b55d9205d15bc5b55d95ea5b85d0205d75b75d35b05ea5bc5b85d0205d55b05ea5b75e25b0"
    "5d15bc5b55d3205ea5bc5b05d95b85e75b85d0205dc5b05d05b45d25bc5b05e85b85da5b0205d55b05dc5b85d0205ea5b05e95c15b75d55b"
    "c5b45d9205d75d55b95d15b75ea205d35bc5b45d95df205d35b45e75b05d85d55b95dc205d15bc5b05d15b55d95ea5b85da5b0205d05b25e"
    "85b55d9205d95b45e45bc5b55dc205d35bc5b05e05b85e45b55dc205de5b45e05bc5b55d95d45bc3a";
constexpr std::string_view kHistoryAddress = "0x0000F90827F1C53a10cb7A02335B175320002935";
constexpr std::string_view kHistoryCode =
    "0x3373fffffffffffffffffffffffffffffffffffffffe14604657602036036042575f35600143038111604257611fff81430311604257"
    "611fff9006545f5260205ff35b5f5ffd5b5f35611fff60014303065500";
constexpr std::string_view kBeaconAddress = "0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02";
constexpr std::string_view kBeaconCode =
    "0x3373fffffffffffffffffffffffffffffffffffffffe14607d57602036146024575f5ffd5b5f358015607957611fff8106908154146"
    "03b575f5ffd5b611fff0180545f523373fe38d0727b928e19be51673ac0691ca22c05b1b3146063575060205ff35b611fff018054602052"
    "611fff015460405260605ff35b5f5ffd5b611fff4206428155611fff015f358155611fff01448155611fff0143905500";
constexpr std::string_view kCreate2Address = "0x4e59b44847b379578588920ca78fbf26c0b4956c";
constexpr std::string_view kCreate2Code =
    "0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578"
    "182fd5b8082525050506014600cf3";
constexpr std::string_view kReaderAddress = "0xFe38D0727B928E19bE51673Ac0691Ca22C05B1B3";
constexpr std::string_view kReaderCode =
    "0x365f5f375f5f365f73000f3df6d732807ef1319fb7b8bb8522d0beac025afa3d5f5f3e15602a573d5ff35b3d5ffd";
constexpr std::string_view kConfiguratorAddress = "0x9063d52b68D8883c882a5d4C34B0e4d58bA4b356";
constexpr std::string_view kTsReferenceAddress = "0x9A232AcF6dD107483D3466494b8E0CD39da1828D";
constexpr std::string_view kFeeProxyAddress = "0x0000000000000000000000000000000000000FEE";
constexpr std::string_view kFeeProxyCode =
    "0x365f80375f807f360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc548136915af43d5f803e156038573d5f"
    "f35b3d5ffd";
constexpr std::string_view kFeeProxyImplSlot = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";
constexpr std::string_view kFeeProxyImpl = "0x00000000000000000000000045acf4f486c100ab6cbda96dd3161c2eeffd8b2a";
constexpr std::string_view kGenesisParentHash = "0x9bfe29c04b8c5985426fce5df01219b09da10a16204f3314155d9355cdb7467f";

core::Bytes from_hex(std::string_view h) { return core::from_hex(h).value(); }

core::Address20 address(std::string_view h) {
  core::Address20 a;
  const auto b = from_hex(h);
  std::copy(b.begin(), b.end(), a.begin());
  return a;
}

std::string u64be_hex(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

core::Bytes prefix_of(std::uint64_t chain_id) {
  core::Bytes out;
  for (int shift = 56; shift >= 0; shift -= 8) {
    const auto b = static_cast<std::uint8_t>(chain_id >> shift);
    if (out.empty() && b == 0) continue;
    out.push_back(b);
  }
  return out;
}

NetworkParams mainnet() {
  NetworkParams p;
  p.name = "mainnet";
  p.chain_id = 38833;
  p.txid_prefix = prefix_of(p.chain_id);
  p.kaspa_network = "mainnet";
  p.launch_daa_score = 366'020'000;
  p.ref_timestamp = 1'771'977'542;
  p.ref_daa_score = 365'578'320;
  p.min_fee_gwei = 1000;
  p.entry_min_sompi = 1'000'000'000;
  p.lock_script = {0, from_hex("aa205933185b78c71f0833770ca4aa6b62423af00d0efc2832025a23999543f220f787")};
  p.toccata_daa_score = 474'165'565;
  p.bitcoin_block_hash = "00000000000000000000e01836a937f766ff05c1b58225735fbcafc878c1affa";
  p.ethereum_block_hash = "0xb8962b302fdff29f505a9e42b022141209c1ee1c71d5047a94a75ad2a03c17dc";
  p.kaspa_block_hash = "c260382c6ab3d63180633b6d4da8511db4d355a1144eaa82bb44216c3cfbfc32";
  p.one_time_address = address("0x98343326Bd4B60203b82F1fc0Ff8Df054E119e81");
  return p;
}

NetworkParams galleon() {
  NetworkParams p;
  p.name = "galleon";
  p.chain_id = 38836;
  p.txid_prefix = prefix_of(p.chain_id);
  p.kaspa_network = "testnet-10";
  p.launch_daa_score = 368'045'400;
  p.ref_timestamp = 1'768'475'045;
  p.ref_daa_score = 361'004'030;
  p.min_fee_gwei = 2000;
  p.entry_min_sompi = 100'000'000;
  p.lock_script = {0, from_hex("203705fd429b0ab82518dc8b0bef2756c87d797d08bc16f2a25b9b3d4365ad1529ac")};
  p.toccata_daa_score = 467'579'632;
  p.one_time_address = address("0xB480D5B1D88F1DFA46C8aA1a7993fD085a252c39");
  return p;
}

NetworkParams devnet() {
  NetworkParams p;
  p.name = "devnet";
  p.chain_id = 38830;
  p.txid_prefix = prefix_of(p.chain_id);
  p.kaspa_network = "simnet";
  p.launch_daa_score = 0;
  p.ref_timestamp = 1'767'225'600;  // 2026-01-01T00:00:00Z
  p.ref_daa_score = 0;
  p.min_fee_gwei = 1;
  p.entry_min_sompi = 100'000'000;
  // The devnet bridge lock script: the Igra lock-script form (P2SH of a 3-of-5 Schnorr multisig with
  // CLTV) over the x-only keys of dev accounts 5..9, unlocking at the reference time.
  kaspa::EntryLockPolicy policy;
  for (std::size_t i = 5; i < 10; ++i) {
    crypto::SecretKey sk;
    std::copy(dev_accounts()[i].private_key.begin(), dev_accounts()[i].private_key.end(), sk.begin());
    policy.keys.push_back(crypto::schnorr_public_key(sk).value());
  }
  policy.unlock_time_ms = p.ref_timestamp * 1000;
  p.lock_script = kaspa::entry_lock_script_public_key(policy).value();
  p.one_time_address = address("0x0000000000000000000000000000000000000000");
  return p;
}

}  // namespace

core::Result<NetworkParams> builtin_network(std::string_view name) {
  if (name == "mainnet") return mainnet();
  if (name == "galleon") return galleon();
  if (name == "devnet") return devnet();
  return core::Error{core::ErrorCode::kNotFound,
                     "unknown network '" + std::string(name) + "' (built-in: mainnet, galleon, devnet)"};
}

std::string render_network_params_md(const NetworkParams& p) {
  std::string s =
      "<!-- WARNING: The exact formatting of this file (including whitespace and column\n"
      "     alignment) is part of the IGRA genesis hash. Do NOT modify the format after\n"
      "     network launch \xe2\x80\x94 only parameter values change via env var substitution. -->\n"
      "# IGRA Network Parameters\n"
      "\n"
      "| Parameter | Value |\n"
      "|---|---|\n";
  auto row = [&](std::string_view k, const std::string& v) { s += "| " + std::string(k) + " | " + v + " |\n"; };
  row("BITCOIN_BLOCK_HASH", p.bitcoin_block_hash);
  row("ETHEREUM_BLOCK_HASH", p.ethereum_block_hash);
  row("KASPA_BLOCK_HASH", p.kaspa_block_hash);
  row("IGRA_CHAIN_ID", std::to_string(p.chain_id));
  row("IGRA_LAUNCH_DAA_SCORE", std::to_string(p.launch_daa_score));
  row("TX_ID_PREFIX", core::to_hex(p.txid_prefix));
  row("L1_REFERENCE_TIMESTAMP", std::to_string(p.ref_timestamp));
  row("L1_REFERENCE_DAA_SCORE", std::to_string(p.ref_daa_score));
  row("MIN_PROTOCOL_FEE_PER_GAS_GWEI", std::to_string(p.min_fee_gwei));
  row("IGRA_ENTRY_MIN_AMOUNT", std::to_string(p.entry_min_sompi));
  row("IGRA_LOCK_SCRIPT_PUBKEY", core::to_hex(p.lock_script.script));
  return s;
}

core::Result<NetworkParams> parse_network_params_md(std::string_view text) {
  std::map<std::string, std::string, std::less<>> rows;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.size() < 2 || line.front() != '|' || line.back() != '|') continue;
    const auto mid = line.find(" | ");
    if (mid == std::string_view::npos || line.substr(0, 2) != "| " || line.substr(line.size() - 2) != " |") continue;
    std::string key(line.substr(2, mid - 2));
    std::string value(line.substr(mid + 3, line.size() - 2 - (mid + 3)));
    if (key == "Parameter") continue;
    if (!rows.emplace(key, value).second)
      return core::Error{core::ErrorCode::kInvalidArgument, "network params: duplicate row " + key};
  }
  auto get = [&](std::string_view k) -> core::Result<std::string> {
    auto it = rows.find(k);
    if (it == rows.end())
      return core::Error{core::ErrorCode::kInvalidArgument, "network params: missing row " + std::string(k)};
    return it->second;
  };
  auto num = [&](std::string_view k) -> core::Result<std::uint64_t> {
    IGRA_TRY(auto v, get(k));
    std::uint64_t out = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc() || end != v.data() + v.size() || v.empty())
      return core::Error{core::ErrorCode::kInvalidArgument, "network params: " + std::string(k) + " is not a decimal number"};
    return out;
  };
  NetworkParams p;
  p.name = "custom";
  IGRA_TRY(p.bitcoin_block_hash, get("BITCOIN_BLOCK_HASH"));
  IGRA_TRY(p.ethereum_block_hash, get("ETHEREUM_BLOCK_HASH"));
  IGRA_TRY(p.kaspa_block_hash, get("KASPA_BLOCK_HASH"));
  IGRA_TRY(p.chain_id, num("IGRA_CHAIN_ID"));
  IGRA_TRY(p.launch_daa_score, num("IGRA_LAUNCH_DAA_SCORE"));
  IGRA_TRY(auto prefix_hex, get("TX_ID_PREFIX"));
  IGRA_TRY(p.txid_prefix, core::from_hex(prefix_hex));
  if (p.txid_prefix != prefix_of(p.chain_id))
    return core::Error{core::ErrorCode::kInvalidArgument,
                       "network params: TX_ID_PREFIX " + prefix_hex + " is not the chain id in hex"};
  IGRA_TRY(p.ref_timestamp, num("L1_REFERENCE_TIMESTAMP"));
  IGRA_TRY(p.ref_daa_score, num("L1_REFERENCE_DAA_SCORE"));
  IGRA_TRY(p.min_fee_gwei, num("MIN_PROTOCOL_FEE_PER_GAS_GWEI"));
  IGRA_TRY(p.entry_min_sompi, num("IGRA_ENTRY_MIN_AMOUNT"));
  IGRA_TRY(auto script_hex, get("IGRA_LOCK_SCRIPT_PUBKEY"));
  IGRA_TRY(p.lock_script.script, core::from_hex(script_hex));
  if (p.lock_script.script.empty())
    return core::Error{core::ErrorCode::kInvalidArgument, "network params: empty IGRA_LOCK_SCRIPT_PUBKEY"};
  return p;
}

const std::vector<DevAccount>& dev_accounts() {
  static const std::vector<DevAccount> accounts = [] {
    std::vector<DevAccount> out;
    const auto seed = crypto::bip39_seed(kDevMnemonic);
    for (int i = 0; i < 10; ++i) {
      auto key = crypto::bip32_derive(seed, "m/44'/60'/0'/0/" + std::to_string(i)).value();
      DevAccount a;
      std::copy(key.key.begin(), key.key.end(), a.private_key.begin());
      a.address = crypto::public_key_to_address(crypto::public_key_from_secret(key.key).value());
      out.push_back(a);
    }
    return out;
  }();
  return accounts;
}

std::string render_genesis_json(const NetworkParams& p,
                                const std::vector<std::pair<core::Address20, core::uint256>>& funded) {
  using json = nlohmann::ordered_json;
  json alloc = json::object();
  auto put = [&](std::string_view addr, std::string code) {
    alloc[std::string(addr)] = json{{"balance", "0x0"}, {"code", std::move(code)}};
  };
  put(kMarkerAddress, std::string(kMarkerCode));
  put(kHistoryAddress, std::string(kHistoryCode));
  put(kBeaconAddress, std::string(kBeaconCode));
  put(kCreate2Address, std::string(kCreate2Code));
  put(kReaderAddress, std::string(kReaderCode));
  put(kConfiguratorAddress, "0x73" + core::to_hex(p.one_time_address) + "5f5260205ff3");
  put(kTsReferenceAddress,
      "0x67" + u64be_hex(p.ref_daa_score) + "5f5267" + u64be_hex(p.ref_timestamp) + "60205260405ff3");
  put(kFeeProxyAddress, std::string(kFeeProxyCode));
  alloc[std::string(kFeeProxyAddress)]["storage"] = json{{std::string(kFeeProxyImplSlot), std::string(kFeeProxyImpl)}};
  for (const auto& [addr, balance] : funded)
    alloc["0x" + core::to_hex(addr)] = json{{"balance", balance.to_hex()}};

  json config = {
      {"berlinBlock", 0}, {"byzantiumBlock", 0}, {"cancunTime", 0}, {"chainId", p.chain_id},
      {"constantinopleBlock", 0}, {"eip150Block", 0}, {"eip155Block", 0}, {"eip158Block", 0},
      {"ethash", json::object()}, {"homesteadBlock", 0}, {"istanbulBlock", 0}, {"londonBlock", 0},
      {"mergeForkBlock", 0}, {"parisTime", 0}, {"petersburgBlock", 0}, {"shanghaiTime", 0},
      {"terminalTotalDifficulty", 0}, {"terminalTotalDifficultyPassed", true}, {"pragueTime", 0},
      {"depositContractAddress", "0x0000000000000000000000000000000000000000"}};
  const std::string md = render_network_params_md(p);
  json g = {{"alloc", alloc},
            {"coinbase", "0x0000000000000000000000000000000000000FEE"},
            {"config", config},
            {"baseFeePerGas", "0x1"},
            {"difficulty", "0x0"},
            {"extraData", "0x" + core::to_hex(crypto::sha256(core::ByteView(
                                     reinterpret_cast<const std::uint8_t*>(md.data()), md.size())))},
            {"gasLimit", "0x2540be400"},
            {"gasUsed", "0x0"},
            {"mixHash", "0x" + std::string(64, '0')},
            {"nonce", "0x0"},
            {"number", "0x0"},
            {"parentHash", std::string(kGenesisParentHash)},
            {"timestamp", std::to_string(p.genesis_timestamp())}};
  return g.dump(2) + "\n";
}

}  // namespace igra::igra
