// igra-statetest: runs Ethereum state-test fixtures (execution-spec-tests "state_test" format) against our
// EVM and state transition. For every (test, fork, post entry) it checks the post-state root, the logs hash
// and whether the transaction was expected to be invalid. Cases of forks other than Cancun and Prague are
// counted as skipped.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "chain/base_fee.hpp"
#include "chain/state_root.hpp"
#include "chain/state_transition.hpp"
#include "common/fixture_runner.hpp"
#include "chain/transaction.hpp"
#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "evm/evm.hpp"
#include "evm/state.hpp"

namespace {

using igra::core::Address20;
using igra::core::Bytes;
using igra::core::Hash32;
using igra::core::uint256;
using nlohmann::json;
namespace evm = igra::evm;
namespace chain = igra::chain;
namespace core = igra::core;

using igra::fixtures::bytes;
using igra::fixtures::CaseResult;
using igra::fixtures::fixed;
using igra::fixtures::fork_revision;
using igra::fixtures::hash_of;
using igra::fixtures::u256;
using igra::fixtures::u64;

chain::Transaction build_tx(const json& t, const json& indexes) {
  chain::Transaction tx;
  const std::size_t di = indexes.at("data").get<std::size_t>();
  const std::size_t gi = indexes.at("gas").get<std::size_t>();
  const std::size_t vi = indexes.at("value").get<std::size_t>();
  tx.nonce = u64(t.at("nonce"));
  tx.gas_limit = u64(t.at("gasLimit").at(gi));
  tx.value = u256(t.at("value").at(vi));
  tx.data = bytes(t.at("data").at(di));
  const std::string to = t.at("to").get<std::string>();
  if (!to.empty()) tx.to = fixed<20>(t.at("to"));
  if (t.contains("gasPrice")) tx.gas_price = u256(t.at("gasPrice"));
  if (t.contains("maxFeePerGas")) {
    tx.max_fee_per_gas = u256(t.at("maxFeePerGas"));
    tx.max_priority_fee_per_gas = u256(t.at("maxPriorityFeePerGas"));
  }
  if (t.contains("accessLists") && di < t.at("accessLists").size() && !t.at("accessLists").at(di).is_null()) {
    for (const auto& e : t.at("accessLists").at(di)) {
      chain::AccessListEntry entry;
      entry.address = fixed<20>(e.at("address"));
      for (const auto& k : e.at("storageKeys")) entry.storage_keys.push_back(hash_of(k));
      tx.access_list.push_back(std::move(entry));
    }
  }
  if (t.contains("authorizationList")) {
    tx.type = chain::TxType::kSetCode;
    for (const auto& a : t.at("authorizationList")) {
      chain::Authorization auth;
      auth.chain_id = u256(a.at("chainId"));
      auth.address = fixed<20>(a.at("address"));
      const uint256 n = u256(a.at("nonce"));
      auth.nonce = n.fits_uint64() ? n.low64() : UINT64_MAX;
      auth.y_parity = u256(a.contains("yParity") ? a.at("yParity") : a.at("v"));
      auth.r = u256(a.at("r"));
      auth.s = u256(a.at("s"));
      tx.authorization_list.push_back(auth);
    }
  } else if (t.contains("blobVersionedHashes")) {
    tx.type = chain::TxType::kBlob;
    tx.max_fee_per_blob_gas = u256(t.at("maxFeePerBlobGas"));
    for (const auto& h : t.at("blobVersionedHashes")) tx.blob_versioned_hashes.push_back(hash_of(h));
  } else if (t.contains("maxFeePerGas")) {
    tx.type = chain::TxType::kDynamicFee;
  } else if (t.contains("accessLists")) {
    tx.type = chain::TxType::kAccessList;
  }
  if (tx.type != chain::TxType::kLegacy) tx.chain_id = uint256(1);
  return tx;
}

// EIP-3155-style JSON lines on stderr (one line per instruction; memory contents omitted).
class JsonTracer final : public evm::Tracer {
 public:
  void on_instruction(std::size_t pc, std::uint8_t op, std::int64_t gas, int depth, const uint256* stack,
                      std::size_t stack_size, std::size_t memory_size) override {
    std::string line = "{\"pc\":" + std::to_string(pc) + ",\"op\":" + std::to_string(op) + ",\"gas\":\"" +
                       uint256(static_cast<std::uint64_t>(gas)).to_hex() + "\",\"memSize\":" +
                       std::to_string(memory_size) + ",\"stack\":[";
    for (std::size_t i = 0; i < stack_size; ++i) {
      if (i) line += ",";
      line += "\"" + stack[i].to_hex() + "\"";
    }
    line += "],\"depth\":" + std::to_string(depth + 1) + "}\n";
    std::fputs(line.c_str(), stderr);
  }
  void on_frame_end(int depth, evm::StatusCode status, std::int64_t gas_left) override {
    std::fprintf(stderr, "{\"depth\":%d,\"status\":\"%s\",\"gasLeft\":%lld}\n", depth + 1, evm::status_name(status),
                 static_cast<long long>(gas_left));
  }
};

Hash32 block_hash_of(std::uint64_t n) {
  // The convention of the state-test runners: keccak256 of the decimal block number.
  return core::keccak256(core::as_bytes(std::to_string(n)));
}

// The outcome of one (test, fork, post entry): post-state root, logs hash and, for an invalid
// transaction, the error of our state transition.
struct CaseOutcome {
  Hash32 root;
  Hash32 logs_hash;
  std::optional<std::string> error;  // invalid transaction: our message ("NAME: detail")
  evm::StatusCode status = evm::StatusCode::kSuccess;
  std::uint64_t gas_used = 0;
};

CaseOutcome execute_case(const json& t, const std::string& fork, evm::Revision rev, const json& post, bool trace,
                         const std::string& label) {
  const json& env = t.at("env");
  evm::InMemoryState pre = igra::fixtures::load_accounts(t.at("pre"));
  evm::BlockEnv block;
  block.number = u64(env.at("currentNumber"));
  block.timestamp = u64(env.at("currentTimestamp"));
  block.gas_limit = u64(env.at("currentGasLimit"));
  block.coinbase = fixed<20>(env.at("currentCoinbase"));
  if (env.contains("currentBaseFee")) block.base_fee = u256(env.at("currentBaseFee"));
  block.prevrandao = env.contains("currentRandom") ? u256(env.at("currentRandom")) : u256(env.at("currentDifficulty"));
  if (t.contains("config") && t.at("config").contains("chainid")) block.chain_id = u256(t.at("config").at("chainid"));
  std::uint64_t fraction = chain::blob_schedule(rev).update_fraction;
  if (t.contains("config") && t.at("config").contains("blobSchedule") && t.at("config").at("blobSchedule").contains(fork))
    fraction = u64(t.at("config").at("blobSchedule").at(fork).at("baseFeeUpdateFraction"));
  const std::uint64_t excess = env.contains("currentExcessBlobGas") ? u64(env.at("currentExcessBlobGas")) : 0;
  block.blob_base_fee = chain::blob_base_fee(excess, fraction);
  block.block_hash = block_hash_of;

  const chain::Transaction tx = build_tx(t.at("transaction"), post.at("indexes"));
  const Address20 sender = fixed<20>(t.at("transaction").at("sender"));

  evm::State state(pre);
  JsonTracer tracer;
  if (trace) std::fprintf(stderr, "# %s\n", label.c_str());
  auto res = chain::apply_transaction(state, block, rev, tx, sender, {}, trace ? &tracer : nullptr);
  CaseOutcome out;
  std::vector<evm::Log> logs;
  if (!res) {
    state.discard_transaction();
    out.error = res.error().message;
  } else {
    logs = res->logs;
    out.status = res->status;
    out.gas_used = res->gas_used;
  }
  evm::InMemoryState post_state = pre;
  state.commit_to(post_state);
  out.root = chain::state_root(post_state);
  out.logs_hash = chain::logs_hash(logs);
  return out;
}

// The EEST exception name for one of our transaction errors ("NAME: detail" -> "TransactionException.NAME").
std::string exception_name(const std::string& message) {
  const std::string name = message.substr(0, message.find(':'));
  const bool upper = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
  return upper ? "TransactionException." + name : "TransactionException.UNKNOWN: " + message;
}

std::optional<json> read_json(const std::filesystem::path& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return json::parse(ss.str());
  } catch (const std::exception& e) {
    *error = e.what();
    return std::nullopt;
  }
}

// --fill: executes every case of the file and writes our results into its post entries (hash, logs and
// expectException for invalid transactions), for a differential run against another client.
bool fill_file(const std::filesystem::path& path, bool trace) {
  std::string err;
  auto doc = read_json(path, &err);
  if (!doc) {
    std::fprintf(stderr, "%s: JSON parse error: %s\n", path.c_str(), err.c_str());
    return false;
  }
  bool ok = true;
  for (auto& [test_name, t] : doc->items()) {
    if (!t.contains("post") || !t.contains("env")) continue;
    for (auto& [fork, entries] : t.at("post").items()) {
      const auto rev = fork_revision(fork);
      if (!rev) continue;
      for (std::size_t idx = 0; idx < entries.size(); ++idx) {
        json& post = entries.at(idx);
        const std::string label = test_name + " [" + fork + " #" + std::to_string(idx) + "]";
        try {
          const CaseOutcome o = execute_case(t, fork, *rev, post, trace, label);
          post["hash"] = core::to_hex(o.root, true);
          post["logs"] = core::to_hex(o.logs_hash, true);
          if (o.error)
            post["expectException"] = exception_name(*o.error);
          else
            post.erase("expectException");
        } catch (const std::exception& e) {
          std::fprintf(stderr, "%s: fixture error: %s\n", label.c_str(), e.what());
          ok = false;
        }
      }
    }
  }
  std::ofstream outf(path, std::ios::binary | std::ios::trunc);
  outf << doc->dump(1);
  return ok && static_cast<bool>(outf);
}

void run_file(const std::filesystem::path& path, const std::optional<std::string>& fork_filter, bool trace,
              std::vector<CaseResult>& out) {
  const auto doc = igra::fixtures::read_fixture(path, fork_filter, out);
  if (!doc) return;
  for (const auto& [test_name, t] : doc->items()) {
    if (!t.contains("post") || !t.contains("env")) continue;
    for (const auto& [fork, entries] : t.at("post").items()) {
      if (fork_filter && fork != *fork_filter) continue;
      const auto rev = fork_revision(fork);
      for (std::size_t idx = 0; idx < entries.size(); ++idx) {
        CaseResult cr;
        cr.name = path.filename().string() + " :: " + test_name + " [" + fork + " #" + std::to_string(idx) + "]";
        if (!rev) {
          cr.skipped = true;
          out.push_back(std::move(cr));
          continue;
        }
        try {
          const json& post = entries.at(idx);
          const CaseOutcome o = execute_case(t, fork, *rev, post, trace, cr.name);
          const bool expect_exc = post.contains("expectException");
          std::string reason;
          if (expect_exc && !o.error)
            reason = "expected exception " + post.at("expectException").get<std::string>() + " but tx was valid (status " +
                     evm::status_name(o.status) + ")";
          else if (!expect_exc && o.error)
            reason = "unexpected invalid tx: " + *o.error;
          else if (o.root != hash_of(post.at("hash")))
            reason = "state root " + core::to_hex(o.root, true) + " != expected " + post.at("hash").get<std::string>() +
                     (!o.error ? std::string(" (status ") + evm::status_name(o.status) + ", gas used " +
                                     std::to_string(o.gas_used) + ")"
                               : std::string(" (invalid tx: ") + *o.error + ")");
          else if (post.contains("logs") && o.logs_hash != hash_of(post.at("logs")))
            reason = "logs hash mismatch";
          cr.passed = reason.empty();
          cr.reason = std::move(reason);
        } catch (const std::exception& e) {
          cr.passed = false;
          cr.reason = std::string("fixture error: ") + e.what();
        }
        out.push_back(std::move(cr));
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Runs Ethereum state-test fixtures against the igra EVM"};
  std::string fork;
  std::vector<std::string> paths;
  unsigned jobs = 1;
  bool trace = false;
  bool verbose = false;
  bool fill = false;
  app.add_option("--fork", fork, "Run only this fork (Cancun, Prague); default: every fork in the files");
  app.add_option("-j,--jobs", jobs, "Worker threads")->check(CLI::Range(1u, 256u));
  app.add_flag("--trace", trace, "EIP-3155-style per-instruction trace on stderr (use with one file and -j1)");
  app.add_flag("-v,--verbose", verbose, "Print every case");
  app.add_flag("--fill", fill,
               "Write our post-state root, logs hash and exception (invalid tx) into each post entry of the "
               "given files, in place (differential testing); exit 1 on a fixture error");
  app.add_option("paths", paths, "Fixture files or folders (searched recursively)")->required();
  CLI11_PARSE(app, argc, argv);

  const auto files = igra::fixtures::collect_json_files(paths);
  const std::optional<std::string> fork_filter = fork.empty() ? std::nullopt : std::optional<std::string>(fork);
  if (fill) {
    bool ok = true;
    for (const auto& f : files) ok = fill_file(f, trace) && ok;
    return ok ? 0 : 1;
  }

  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::vector<CaseResult>> results;
  const std::vector<double> file_secs = igra::fixtures::run_files(
      files.size(), jobs,
      [&](std::size_t i, std::vector<CaseResult>& out) { run_file(files[i], fork_filter, trace, out); }, results);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  if (verbose) {
    std::vector<std::size_t> order(files.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return file_secs[a] > file_secs[b]; });
    for (std::size_t k = 0; k < std::min<std::size_t>(10, order.size()); ++k)
      std::printf("slow: %.3f s %s\n", file_secs[order[k]], files[order[k]].c_str());
  }
  return igra::fixtures::report(results, verbose, "forks", secs);
}
