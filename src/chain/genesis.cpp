#include "chain/genesis.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "chain/state_root.hpp"
#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "state/mpt.hpp"

namespace igra::chain {

namespace {

using core::Bytes;
using core::make_error;
using core::Result;
using core::uint256;
using nlohmann::json;

// geth's params.InitialBaseFee: the genesis base fee of a London chain whose file gives none.
constexpr std::uint64_t kDefaultGenesisBaseFee = 1'000'000'000;

Result<uint256> quantity(const json& j, const std::string& what) {
  if (j.is_number_unsigned()) return uint256(j.get<std::uint64_t>());
  if (j.is_number_integer()) return make_error("genesis " + what + ": negative number");
  if (j.is_number_float())
    return make_error(core::ErrorCode::kOutOfRange,
                      "genesis " + what + ": not an integer or above 2^64-1 (give big values as strings)");
  if (!j.is_string()) return make_error("genesis " + what + ": expected a number or a string, got " + j.type_name());
  const std::string& s = j.get_ref<const std::string&>();
  auto v = uint256::from_string(s);
  if (!v) return std::move(v).error().context("genesis " + what + " \"" + s.substr(0, 80) + "\"");
  return v;
}

Result<std::uint64_t> quantity64(const json& j, const std::string& what) {
  IGRA_TRY(uint256 v, quantity(j, what));
  if (!v.fits_uint64()) return make_error(core::ErrorCode::kOutOfRange, "genesis " + what + ": above 2^64-1");
  return v.low64();
}

Result<Bytes> hex_bytes(const json& j, const std::string& what) {
  if (!j.is_string()) return make_error("genesis " + what + ": expected a hex string, got " + j.type_name());
  auto b = core::from_hex(j.get_ref<const std::string&>());
  if (!b) return std::move(b).error().context("genesis " + what);
  return b;
}

template <std::size_t N>
Result<core::FixedBytes<N>> hex_fixed(const json& j, const std::string& what) {
  if (!j.is_string()) return make_error("genesis " + what + ": expected a hex string, got " + j.type_name());
  auto b = core::fixed_from_hex<N>(j.get_ref<const std::string&>());
  if (!b) return std::move(b).error().context("genesis " + what);
  return b;
}

// A storage key or value: hex of at most 32 bytes, left-padded (geth's storageJSON).
Result<core::Hash32> hex_word(const json& j, const std::string& what) {
  IGRA_TRY(Bytes b, hex_bytes(j, what));
  if (b.size() > 32)
    return make_error(core::ErrorCode::kOutOfRange, "genesis " + what + ": more than 32 bytes");
  core::Hash32 out;
  std::copy(b.begin(), b.end(), out.begin() + static_cast<std::ptrdiff_t>(32 - b.size()));
  return out;
}

const json* find(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

Result<std::optional<std::uint64_t>> optional_u64(const json& obj, const char* key, const std::string& where) {
  const json* j = find(obj, key);
  if (!j) return std::optional<std::uint64_t>{};
  IGRA_TRY(std::uint64_t v, quantity64(*j, where + key));
  return std::optional<std::uint64_t>(v);
}

Result<ForkSchedule> parse_forks(const json& config) {
  ForkSchedule f;
  const std::string w = "config.";
  IGRA_TRY(f.homestead_block, optional_u64(config, "homesteadBlock", w));
  IGRA_TRY(f.eip150_block, optional_u64(config, "eip150Block", w));
  IGRA_TRY(f.eip155_block, optional_u64(config, "eip155Block", w));
  IGRA_TRY(f.eip158_block, optional_u64(config, "eip158Block", w));
  IGRA_TRY(f.byzantium_block, optional_u64(config, "byzantiumBlock", w));
  IGRA_TRY(f.constantinople_block, optional_u64(config, "constantinopleBlock", w));
  IGRA_TRY(f.petersburg_block, optional_u64(config, "petersburgBlock", w));
  IGRA_TRY(f.istanbul_block, optional_u64(config, "istanbulBlock", w));
  IGRA_TRY(f.berlin_block, optional_u64(config, "berlinBlock", w));
  IGRA_TRY(f.london_block, optional_u64(config, "londonBlock", w));
  IGRA_TRY(f.merge_fork_block, optional_u64(config, "mergeNetsplitBlock", w));
  if (!f.merge_fork_block) {
    IGRA_TRY(f.merge_fork_block, optional_u64(config, "mergeForkBlock", w));
  }
  if (const json* ttd = find(config, "terminalTotalDifficulty")) {
    IGRA_TRY(uint256 v, quantity(*ttd, "config.terminalTotalDifficulty"));
    f.terminal_total_difficulty = v;
  }
  IGRA_TRY(f.shanghai_time, optional_u64(config, "shanghaiTime", w));
  IGRA_TRY(f.cancun_time, optional_u64(config, "cancunTime", w));
  IGRA_TRY(f.prague_time, optional_u64(config, "pragueTime", w));
  IGRA_TRY(f.osaka_time, optional_u64(config, "osakaTime", w));
  return f;
}

Result<GenesisAccount> parse_account(const std::string& key, const json& a) {
  const std::string what = "alloc[" + key.substr(0, 64) + "]";
  GenesisAccount acc;
  IGRA_TRY(acc.address, hex_fixed<20>(json(key), what + " address"));
  if (!a.is_object()) return make_error("genesis " + what + ": expected an object, got " + a.type_name());
  const json* balance = find(a, "balance");
  if (!balance) return make_error("genesis " + what + ": missing balance");
  IGRA_TRY(acc.balance, quantity(*balance, what + ".balance"));
  if (const json* n = find(a, "nonce")) {
    IGRA_TRY(acc.nonce, quantity64(*n, what + ".nonce"));
  }
  if (const json* c = find(a, "code")) {
    IGRA_TRY(acc.code, hex_bytes(*c, what + ".code"));
  }
  if (const json* s = find(a, "storage")) {
    if (!s->is_object())
      return make_error("genesis " + what + ".storage: expected an object, got " + std::string(s->type_name()));
    for (const auto& [k, v] : s->items()) {
      IGRA_TRY(core::Hash32 slot, hex_word(json(k), what + ".storage key " + k.substr(0, 80)));
      IGRA_TRY(core::Hash32 value, hex_word(v, what + ".storage[" + k.substr(0, 80) + "]"));
      acc.storage.emplace_back(slot, uint256::load_be(value));
    }
    std::sort(acc.storage.begin(), acc.storage.end(),
              [](const auto& x, const auto& y) { return x.first < y.first; });
    for (std::size_t i = 1; i < acc.storage.size(); ++i)
      if (acc.storage[i].first == acc.storage[i - 1].first)
        return make_error("genesis " + what + ".storage: slot " + core::to_hex(acc.storage[i].first, true) +
                          " given twice");
    std::erase_if(acc.storage, [](const auto& e) { return e.second.is_zero(); });
  }
  return acc;
}

}  // namespace

core::Result<Genesis> parse_genesis(std::string_view json_text) {
  const json doc = json::parse(json_text.begin(), json_text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return make_error("genesis: not valid JSON");
  if (!doc.is_object()) return make_error("genesis: expected a JSON object at the top level");

  Genesis g;
  // config
  const json* config = find(doc, "config");
  if (!config) return make_error("genesis: missing config");
  if (!config->is_object()) return make_error("genesis config: expected an object");
  const json* chain_id = find(*config, "chainId");
  if (!chain_id) return make_error("genesis: missing config.chainId");
  IGRA_TRY(g.chain_id, quantity(*chain_id, "config.chainId"));
  IGRA_TRY(g.forks, parse_forks(*config));
  if (const json* dc = find(*config, "depositContractAddress")) {
    IGRA_TRY(core::Address20 a, hex_fixed<20>(*dc, "config.depositContractAddress"));
    g.deposit_contract = a;
  }

  // header fields
  BlockHeader& h = g.header;
  const json* gas_limit = find(doc, "gasLimit");
  if (!gas_limit) return make_error("genesis: missing gasLimit");
  IGRA_TRY(h.gas_limit, quantity64(*gas_limit, "gasLimit"));
  const json* difficulty = find(doc, "difficulty");
  if (!difficulty) return make_error("genesis: missing difficulty");
  IGRA_TRY(h.difficulty, quantity(*difficulty, "difficulty"));
  if (const json* j = find(doc, "nonce")) {
    IGRA_TRY(std::uint64_t nonce, quantity64(*j, "nonce"));
    Bytes be;
    core::put_be(be, nonce);
    h.nonce = core::FixedBytes<8>::from_view(be);
  }
  if (const json* j = find(doc, "timestamp")) {
    IGRA_TRY(h.timestamp, quantity64(*j, "timestamp"));
  }
  if (const json* j = find(doc, "number")) {
    IGRA_TRY(h.number, quantity64(*j, "number"));
  }
  if (const json* j = find(doc, "gasUsed")) {
    IGRA_TRY(h.gas_used, quantity64(*j, "gasUsed"));
  }
  if (const json* j = find(doc, "extraData")) {
    IGRA_TRY(h.extra_data, hex_bytes(*j, "extraData"));
  }
  if (const json* j = find(doc, "mixHash")) {
    IGRA_TRY(h.mix_hash, hex_fixed<32>(*j, "mixHash"));
  }
  if (const json* j = find(doc, "coinbase")) {
    IGRA_TRY(h.coinbase, hex_fixed<20>(*j, "coinbase"));
  }
  if (const json* j = find(doc, "parentHash")) {
    IGRA_TRY(h.parent_hash, hex_fixed<32>(*j, "parentHash"));
  }

  // alloc
  const json* alloc = find(doc, "alloc");
  if (!alloc) return make_error("genesis: missing alloc");
  if (!alloc->is_object()) return make_error("genesis alloc: expected an object, got " + std::string(alloc->type_name()));
  for (const auto& [key, value] : alloc->items()) {
    IGRA_TRY(GenesisAccount acc, parse_account(key, value));
    g.alloc.push_back(std::move(acc));
  }
  std::sort(g.alloc.begin(), g.alloc.end(), [](const auto& x, const auto& y) { return x.address < y.address; });
  for (std::size_t i = 1; i < g.alloc.size(); ++i)
    if (g.alloc[i].address == g.alloc[i - 1].address)
      return make_error("genesis alloc: address " + core::to_hex(g.alloc[i].address, true) +
                        " given twice (keys differing only in case)");

  // Fork-dependent header fields at the genesis block.
  const ForkSchedule& f = g.forks;
  const bool london = f.is_london(h.number), shanghai = f.is_shanghai(h.timestamp),
             cancun = f.is_cancun(h.timestamp), prague = f.is_prague(h.timestamp);
  if ((shanghai && !london) || (cancun && !shanghai) || (prague && !cancun))
    return make_error("genesis config: forks active at genesis out of order (London, Shanghai, Cancun, Prague)");
  const json* base_fee = find(doc, "baseFeePerGas");
  if (london) {
    if (base_fee) {
      IGRA_TRY(uint256 v, quantity(*base_fee, "baseFeePerGas"));
      h.base_fee_per_gas = v;
    } else {
      h.base_fee_per_gas = uint256(kDefaultGenesisBaseFee);
    }
  }
  if (shanghai) h.withdrawals_root = state::kEmptyTrieRoot;
  if (cancun) {
    std::uint64_t blob_gas_used = 0, excess_blob_gas = 0;
    if (const json* j = find(doc, "blobGasUsed")) {
      IGRA_TRY(blob_gas_used, quantity64(*j, "blobGasUsed"));
    }
    if (const json* j = find(doc, "excessBlobGas")) {
      IGRA_TRY(excess_blob_gas, quantity64(*j, "excessBlobGas"));
    }
    h.blob_gas_used = blob_gas_used;
    h.excess_blob_gas = excess_blob_gas;
    h.parent_beacon_block_root = core::Hash32{};
  }
  if (prague) h.requests_hash = kEmptyRequestsHash;

  h.transactions_root = state::kEmptyTrieRoot;
  h.receipts_root = state::kEmptyTrieRoot;
  h.state_root = state_root(genesis_state(g));
  g.hash = header_hash(h);
  return g;
}

core::Result<Genesis> load_genesis(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(core::ErrorCode::kIo, "genesis: cannot open " + path.string());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return make_error(core::ErrorCode::kIo, "genesis: cannot read " + path.string());
  auto g = parse_genesis(text);
  if (!g) return std::move(g).error().context(path.string());
  return g;
}

evm::InMemoryState genesis_state(const Genesis& g) {
  evm::InMemoryState s;
  for (const GenesisAccount& a : g.alloc) {
    std::unordered_map<uint256, uint256> storage;
    for (const auto& [slot, value] : a.storage) storage[uint256::load_be(slot)] = value;
    s.set_account(a.address, a.nonce, a.balance, a.code, std::move(storage));
  }
  return s;
}

state::BlockChanges genesis_changes(const Genesis& g) {
  state::BlockChanges c;
  for (const GenesisAccount& a : g.alloc) {
    state::Account acc;
    acc.nonce = a.nonce;
    acc.balance = a.balance;
    if (!a.code.empty()) {
      acc.code_hash = core::keccak256(a.code);
      c.code.push_back(a.code);
    }
    c.accounts.push_back(state::AccountChange{a.address, acc, false});
    for (const auto& [slot, value] : a.storage) c.storage.push_back(state::StorageChange{a.address, slot, value});
  }
  return c;
}

}  // namespace igra::chain
