// igra-blocktest: runs Ethereum blockchain-test fixtures (execution-spec-tests "blockchain_test" format)
// through chain::execute_block. For every test of a Cancun or Prague network it builds the genesis state from
// "pre", checks the genesis header, then imports each block from its "rlp": decoding, header validation
// against its parent, execution with TxPolicy::kRejectBlock and the header's commitments (state, transactions,
// receipts and withdrawals roots, logs bloom, gas used, blob gas used, requests hash). A block with
// "expectException" must be rejected; at the end the block "lastblockhash" must have been imported and its
// state must equal "postState" (or "postStateHash"). Blocks may build on any earlier imported block.
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "chain/base_fee.hpp"
#include "chain/block.hpp"
#include "common/fixture_runner.hpp"
#include "chain/block_executor.hpp"
#include "chain/receipt.hpp"
#include "chain/state_root.hpp"
#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "evm/evm.hpp"
#include "evm/state.hpp"
#include "state/account.hpp"

namespace {

using igra::core::Address20;
using igra::core::Bytes;
using igra::core::Hash32;
using igra::core::uint256;
using nlohmann::json;
namespace evm = igra::evm;
namespace chain = igra::chain;
namespace core = igra::core;
namespace state = igra::state;

// Mainnet EIP-6110 deposit contract (the fixtures' networks use it).
constexpr char kDepositContract[] = "00000000219ab540356cbb839cbe05303d7705fa";

using igra::fixtures::bytes;
using igra::fixtures::CaseResult;
using igra::fixtures::fixed;
using igra::fixtures::fork_revision;
using igra::fixtures::hash_of;
using igra::fixtures::u256;
using igra::fixtures::u64;
std::string hex(const Hash32& h) { return core::to_hex(h, true); }

// Applies a block's changes to an in-memory state (the same contract as state::StateDb::apply_block).
void apply_changes(evm::InMemoryState& st, const state::BlockChanges& changes) {
  std::map<Hash32, const Bytes*> new_code;
  for (const auto& c : changes.code) new_code.emplace(core::keccak256(c), &c);
  for (const auto& ac : changes.accounts) {
    if (!ac.account) {
      st.accounts().erase(ac.address);
      continue;
    }
    auto& a = st.accounts()[ac.address];
    if (ac.wipe_storage) a.storage.clear();
    a.nonce = ac.account->nonce;
    a.balance = ac.account->balance;
    if (a.code_hash != ac.account->code_hash) {
      if (ac.account->code_hash == evm::kEmptyCodeHash)
        a.code.clear();
      else if (auto it = new_code.find(ac.account->code_hash); it != new_code.end())
        a.code = *it->second;
      else
        a.code = st.read_code(ac.account->code_hash);
      a.code_hash = ac.account->code_hash;
    }
  }
  for (const auto& sc : changes.storage) {
    auto it = st.accounts().find(sc.address);
    if (it == st.accounts().end()) continue;  // written then removed in the same block
    const uint256 key = uint256::load_be(sc.slot);
    if (sc.value.is_zero())
      it->second.storage.erase(key);
    else
      it->second.storage[key] = sc.value;
  }
}

// First difference between two states, for failure messages.
std::string state_diff(const evm::InMemoryState& ours, const evm::InMemoryState& expected) {
  for (const auto& [addr, e] : expected.accounts()) {
    auto it = ours.accounts().find(addr);
    const std::string a = core::to_hex(addr, true);
    if (it == ours.accounts().end()) return "missing account " + a;
    const auto& o = it->second;
    if (o.nonce != e.nonce) return a + " nonce " + std::to_string(o.nonce) + " != " + std::to_string(e.nonce);
    if (o.balance != e.balance) return a + " balance " + o.balance.to_hex() + " != " + e.balance.to_hex();
    if (o.code_hash != e.code_hash) return a + " code differs";
    for (const auto& [k, v] : e.storage) {
      auto s = o.storage.find(k);
      if (s == o.storage.end() || s->second != v)
        return a + " slot " + k.to_hex() + " = " + (s == o.storage.end() ? std::string("0") : s->second.to_hex()) +
               " != " + v.to_hex();
    }
    for (const auto& [k, v] : o.storage)
      if (!e.storage.count(k)) return a + " extra slot " + k.to_hex() + " = " + v.to_hex();
  }
  for (const auto& [addr, o] : ours.accounts())
    if (!expected.accounts().count(addr)) return "extra account " + core::to_hex(addr, true);
  return "states equal";
}

struct Node {
  chain::BlockHeader header;
  std::shared_ptr<const evm::InMemoryState> state;
};
using Chain = std::map<Hash32, Node>;

core::Error invalid(const std::string& name, const std::string& detail) { return core::make_error(name + ": " + detail); }

// Header rules of Cancun and Prague against the parent (execution-specs `validate_header`).
core::Result<core::Unit> validate_header(const chain::BlockHeader& h, const chain::BlockHeader& p, evm::Revision rev) {
  if (!h.base_fee_per_gas || !h.withdrawals_root || !h.blob_gas_used || !h.excess_blob_gas ||
      !h.parent_beacon_block_root)
    return invalid("INVALID_HEADER", "missing Cancun header field");
  if ((rev >= evm::Revision::kPrague) != h.requests_hash.has_value())
    return invalid("INVALID_HEADER", "requests hash presence does not match the fork");
  if (h.number != p.number + 1) return invalid("INVALID_BLOCK_NUMBER", "number is not parent + 1");
  if (h.timestamp <= p.timestamp) return invalid("INVALID_BLOCK_TIMESTAMP_OLDER_THAN_PARENT", "timestamp");
  if (h.gas_used > h.gas_limit) return invalid("GAS_USED_OVERFLOW", "gas used above gas limit");
  const std::uint64_t delta = p.gas_limit / 1024;
  if (h.gas_limit >= p.gas_limit + delta || h.gas_limit + delta <= p.gas_limit || h.gas_limit < 5000)
    return invalid("INVALID_GASLIMIT", "gas limit outside the parent's bounds");
  if (!p.base_fee_per_gas) return invalid("INVALID_BASEFEE_PER_GAS", "parent has no base fee");
  if (*h.base_fee_per_gas != chain::next_base_fee(p.gas_limit, p.gas_used, *p.base_fee_per_gas))
    return invalid("INVALID_BASEFEE_PER_GAS", "base fee");
  const std::uint64_t excess = chain::next_excess_blob_gas(p.excess_blob_gas.value_or(0), p.blob_gas_used.value_or(0),
                                                           chain::blob_schedule(rev));
  if (*h.excess_blob_gas != excess) return invalid("INCORRECT_EXCESS_BLOB_GAS", "excess blob gas");
  if (h.extra_data.size() > 32) return invalid("EXTRA_DATA_TOO_BIG", "extra data over 32 bytes");
  if (!h.difficulty.is_zero()) return invalid("IMPORT_IMPOSSIBLE_DIFFICULTY_OVER_PARIS", "difficulty");
  if (!h.nonce.is_zero()) return invalid("IMPORT_IMPOSSIBLE_NONCE_OVER_PARIS", "nonce");
  if (h.ommers_hash != chain::kEmptyOmmersHash) return invalid("IMPORT_IMPOSSIBLE_UNCLES_OVER_PARIS", "ommers hash");
  if (h.parent_hash != chain::header_hash(p)) return invalid("UNKNOWN_PARENT", "parent hash");
  return core::Unit{};
}

// Decodes, validates and executes one block on top of its parent in `chain`; returns its hash and node.
core::Result<std::pair<Hash32, Node>> import_block(const Chain& chain_map, const Bytes& rlp,
                                                   const chain::ChainConfig& cfg) {
  IGRA_TRY(chain::Block block, chain::decode_block(rlp));
  const chain::BlockHeader& h = block.header;
  const Hash32 hash = chain::header_hash(h);
  auto parent_it = chain_map.find(h.parent_hash);
  if (parent_it == chain_map.end()) return invalid("UNKNOWN_PARENT", "parent not imported");
  const Node& parent = parent_it->second;
  IGRA_TRY_VOID(validate_header(h, parent.header, cfg.revision));
  if (!block.body.ommers.empty()) return invalid("IMPORT_IMPOSSIBLE_UNCLES_OVER_PARIS", "ommers in body");
  if (!block.body.withdrawals) return invalid("INVALID_WITHDRAWALS", "body without withdrawals");

  chain::BlockInput input;
  input.header = h;
  input.transactions = block.body.transactions;
  input.withdrawals = *block.body.withdrawals;
  // BLOCKHASH: walk the ancestors of this block.
  auto block_hash = [&chain_map, &h](std::uint64_t n) -> Hash32 {
    Hash32 cur = h.parent_hash;
    for (;;) {
      auto it = chain_map.find(cur);
      if (it == chain_map.end()) return Hash32{};
      if (it->second.header.number == n) return cur;
      if (it->second.header.number < n) return Hash32{};
      cur = it->second.header.parent_hash;
    }
  };
  IGRA_TRY(chain::BlockResult r, chain::execute_block(*parent.state, cfg, input, block_hash, chain::TxPolicy::kRejectBlock));

  if (r.gas_used != h.gas_used)
    return invalid("INVALID_GAS_USED", "gas used " + std::to_string(r.gas_used) + " != header " + std::to_string(h.gas_used));
  if (r.blob_gas_used != *h.blob_gas_used)
    return invalid("INCORRECT_BLOB_GAS_USED",
                   "blob gas used " + std::to_string(r.blob_gas_used) + " != header " + std::to_string(*h.blob_gas_used));
  if (r.transactions_root != h.transactions_root) return invalid("INVALID_TRANSACTIONS_ROOT", hex(r.transactions_root));
  if (r.withdrawals_root != *h.withdrawals_root) return invalid("INVALID_WITHDRAWALS_ROOT", hex(r.withdrawals_root));
  if (r.receipts_root != h.receipts_root) return invalid("INVALID_RECEIPTS_ROOT", hex(r.receipts_root));
  if (r.logs_bloom != h.logs_bloom) return invalid("INVALID_LOG_BLOOM", "logs bloom");
  if (h.requests_hash && r.requests_hash != *h.requests_hash) return invalid("INVALID_REQUESTS", hex(r.requests_hash));

  auto post = std::make_shared<evm::InMemoryState>(*parent.state);
  apply_changes(*post, r.changes);
  const Hash32 root = chain::state_root(*post);
  if (root != h.state_root) return invalid("INVALID_STATE_ROOT", hex(root) + " != header " + hex(h.state_root));
  return std::make_pair(hash, Node{h, std::move(post)});
}

std::string run_case(const json& t, evm::Revision rev, bool verbose) {
  chain::ChainConfig cfg;
  cfg.revision = rev;
  if (t.contains("config") && t.at("config").contains("chainid")) cfg.chain_id = u256(t.at("config").at("chainid"));
  cfg.requests = rev >= evm::Revision::kPrague;
  cfg.deposit_contract = fixed<20>(json(kDepositContract));

  // Genesis.
  auto genesis_state = std::make_shared<evm::InMemoryState>(igra::fixtures::load_accounts(t.at("pre")));
  auto genesis = chain::decode_block(bytes(t.at("genesisRLP")));
  if (!genesis) return "genesisRLP does not decode: " + genesis.error().message;
  const Hash32 genesis_hash = chain::header_hash(genesis->header);
  if (genesis_hash != hash_of(t.at("genesisBlockHeader").at("hash")))
    return "genesis hash " + hex(genesis_hash) + " != genesisBlockHeader.hash";
  const Hash32 genesis_root = chain::state_root(*genesis_state);
  if (genesis_root != genesis->header.state_root) return "genesis state root " + hex(genesis_root) + " != header";
  Chain chain_map;
  chain_map.emplace(genesis_hash, Node{genesis->header, genesis_state});

  std::size_t index = 0;
  for (const auto& b : t.at("blocks")) {
    const std::string label = "block " + std::to_string(index++);
    const bool expect_exc = b.contains("expectException");
    Bytes rlp;
    try {
      rlp = bytes(b.at("rlp"));
    } catch (const std::exception&) {
      if (expect_exc) continue;
      return label + ": undecodable rlp hex";
    }
    auto r = import_block(chain_map, rlp, cfg);
    if (!r) {
      if (expect_exc) {
        if (verbose) std::printf("  %s rejected as expected (%s): %s\n", label.c_str(),
                                 b.at("expectException").get<std::string>().c_str(), r.error().message.c_str());
        continue;
      }
      return label + " rejected: " + r.error().message;
    }
    if (expect_exc) return label + ": expected exception " + b.at("expectException").get<std::string>() + " but it was valid";
    chain_map.insert_or_assign(r->first, std::move(r->second));
  }

  const Hash32 last = hash_of(t.at("lastblockhash"));
  auto it = chain_map.find(last);
  if (it == chain_map.end()) return "lastblockhash " + hex(last) + " was not imported";
  const Hash32 root = chain::state_root(*it->second.state);
  if (t.contains("postState") && !t.at("postState").is_null()) {
    const evm::InMemoryState expected = igra::fixtures::load_accounts(t.at("postState"));
    const Hash32 expected_root = chain::state_root(expected);
    if (root != expected_root) return "post state differs: " + state_diff(*it->second.state, expected);
  } else if (t.contains("postStateHash")) {
    if (root != hash_of(t.at("postStateHash"))) return "post state root " + hex(root) + " != postStateHash";
  }
  return {};
}

void run_file(const std::filesystem::path& path, const std::optional<std::string>& fork_filter, bool verbose,
              std::vector<CaseResult>& out) {
  const auto doc = igra::fixtures::read_fixture(path, fork_filter, out);
  if (!doc) return;
  for (const auto& [test_name, t] : doc->items()) {
    if (!t.is_object() || !t.contains("blocks") || !t.contains("network")) continue;
    const std::string network = t.at("network").get<std::string>();
    if (fork_filter && network != *fork_filter) continue;
    CaseResult cr;
    cr.name = path.filename().string() + " :: " + test_name + " [" + network + "]";
    const auto rev = fork_revision(network);
    if (!rev) {
      cr.skipped = true;
      out.push_back(std::move(cr));
      continue;
    }
    try {
      if (verbose) std::printf("RUN %s\n", cr.name.c_str());
      cr.reason = run_case(t, *rev, verbose);
      cr.passed = cr.reason.empty();
    } catch (const std::exception& e) {
      cr.reason = std::string("fixture error: ") + e.what();
    }
    out.push_back(std::move(cr));
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Runs Ethereum blockchain-test fixtures (execution-spec-tests) against igra's block executor"};
  std::string fork;
  std::vector<std::string> paths;
  unsigned jobs = 1;
  bool verbose = false;
  app.add_option("--fork", fork,
                 "Run only tests whose network is this fork (Cancun or Prague); default: both. Tests of other "
                 "networks are counted as skipped");
  app.add_option("-j,--jobs", jobs, "Worker threads (files are distributed over them)")->check(CLI::Range(1u, 256u));
  app.add_flag("-v,--verbose", verbose, "Print every case and the reason of each expected rejection");
  app.add_option("paths", paths, "Fixture files or folders (searched recursively for .json)")->required();
  CLI11_PARSE(app, argc, argv);

  const auto files = igra::fixtures::collect_json_files(paths);
  const std::optional<std::string> fork_filter = fork.empty() ? std::nullopt : std::optional<std::string>(fork);

  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::vector<CaseResult>> results;
  igra::fixtures::run_files(
      files.size(), jobs,
      [&](std::size_t i, std::vector<CaseResult>& out) { run_file(files[i], fork_filter, verbose, out); }, results);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return igra::fixtures::report(results, verbose, "networks", secs);
}
