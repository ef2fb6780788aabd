// evm_bench: times our EVM on the ipsilon/evm-benchmarks workloads (../shared/fixtures/evm-benchmarks.tar.xz,
// state-test shaped: a pre-state, one call per data entry) and on any other workload file of that shape (the
// ERC-20 transfer loop made by bench/evm/make_erc20_workload.js). Each case runs as a whole transaction
// (chain::apply_transaction: intrinsic gas, warm/cold accounting, the call, refunds) on a fresh journal over
// the same pre-state, repeated until --min-seconds have passed; the median time is reported.
// bench/evm/compare.py runs this, revm (pyrevm) and geth's `evm` on the same inputs and prints the ratios.
//
// Usage: evm_bench [--min-seconds S] [--json] [--filter SUBSTRING] [FILE...]
//   (no FILE: every workload of the evm-benchmarks fixture, unpacked into <build>/bench/evm-benchmarks)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chain/state_transition.hpp"
#include "chain/transaction.hpp"
#include "core/hex.hpp"
#include "evm/evm.hpp"
#include "evm/state.hpp"

namespace {

namespace fs = std::filesystem;
namespace evm = igra::evm;
namespace chain = igra::chain;
namespace core = igra::core;
using nlohmann::json;

bool parse_u256(const json& j, core::uint256& out) {
  auto r = core::uint256::from_string(j.get<std::string>());
  if (!r) return false;
  out = *r;
  return true;
}
bool parse_bytes(const json& j, core::Bytes& out) {
  std::string s = j.get<std::string>();
  if (s.rfind("0x", 0) == 0) s = s.substr(2);
  auto r = core::from_hex(s);
  if (!r) return false;
  out = std::move(*r);
  return true;
}
template <std::size_t N>
bool parse_fixed(const json& j, core::FixedBytes<N>& out) {
  core::Bytes b;
  if (!parse_bytes(j, b) || b.size() > N) return false;
  out = core::FixedBytes<N>{};
  std::copy(b.begin(), b.end(), out.begin() + static_cast<std::ptrdiff_t>(N - b.size()));
  return true;
}

struct Case {
  std::string name;
  evm::InMemoryState pre;
  evm::BlockEnv block;
  chain::Transaction tx;
  core::Address20 sender;
};

bool load_cases(const fs::path& file, const std::string& filter, std::vector<Case>& out) {
  std::ifstream in(file);
  json doc = json::parse(in, nullptr, false);
  if (doc.is_discarded()) {
    std::fprintf(stderr, "evm_bench: %s: not JSON\n", file.c_str());
    return false;
  }
  for (auto& [test_name, t] : doc.items()) {
    const auto& tj = t["transaction"];
    for (std::size_t d = 0; d < tj["data"].size(); ++d) {
      Case c;
      c.name = test_name + (tj["data"].size() > 1 ? "/" + std::to_string(d) : "");
      if (!filter.empty() && c.name.find(filter) == std::string::npos) continue;
      for (auto& [addr, a] : t["pre"].items()) {
        core::Address20 ad;
        core::uint256 bal, nonce;
        core::Bytes code;
        std::unordered_map<core::uint256, core::uint256> storage;
        if (!parse_fixed(json(addr), ad) || !parse_u256(a["balance"], bal) || !parse_u256(a["nonce"], nonce) ||
            !parse_bytes(a["code"], code))
          return false;
        for (auto& [k, v] : a["storage"].items()) {
          core::uint256 kk, vv;
          if (!parse_u256(json(k), kk) || !parse_u256(v, vv)) return false;
          if (!vv.is_zero()) storage[kk] = vv;
        }
        c.pre.set_account(ad, nonce.low64(), bal, std::move(code), std::move(storage));
      }
      const auto& env = t["env"];
      core::uint256 v;
      if (!parse_u256(env["currentNumber"], v)) return false;
      c.block.number = v.low64();
      if (!parse_u256(env["currentTimestamp"], v)) return false;
      c.block.timestamp = v.low64();
      if (!parse_u256(env["currentGasLimit"], v)) return false;
      c.block.gas_limit = v.low64();
      if (!parse_fixed(env["currentCoinbase"], c.block.coinbase)) return false;
      if (env.contains("currentBaseFee") && !parse_u256(env["currentBaseFee"], c.block.base_fee)) return false;
      if (env.contains("currentRandom") && !parse_u256(env["currentRandom"], c.block.prevrandao)) return false;
      c.block.blob_base_fee = core::uint256(1);
      c.tx.type = chain::TxType::kLegacy;
      if (!parse_u256(tj["nonce"], v)) return false;
      c.tx.nonce = v.low64();
      if (!parse_u256(tj["gasPrice"], c.tx.gas_price)) return false;
      if (!parse_u256(tj["gasLimit"][0], v)) return false;
      c.tx.gas_limit = v.low64();
      core::Address20 to;
      if (!parse_fixed(tj["to"], to)) return false;
      c.tx.to = to;
      if (!parse_u256(tj["value"][0], c.tx.value)) return false;
      if (!parse_bytes(tj["data"][d], c.tx.data)) return false;
      if (!parse_fixed(tj["sender"], c.sender)) return false;
      out.push_back(std::move(c));
    }
  }
  return true;
}

fs::path default_dir() {
  const fs::path dir = fs::path(IGRA_BINARY_DIR) / "bench" / "evm-benchmarks";
  if (!fs::exists(dir / "benchmarks")) {
    fs::create_directories(dir);
    const std::string cmd = "tar -xJf '" + std::string(IGRA_SHARED_DIR) +
                            "/fixtures/evm-benchmarks.tar.xz' -C '" + dir.string() + "'";
    if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "evm_bench: cannot unpack: %s\n", cmd.c_str());
  }
  return dir / "benchmarks";
}

}  // namespace

int main(int argc, char** argv) {
  double min_seconds = 1.0;
  bool as_json = false;
  std::string filter;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--min-seconds" && i + 1 < argc) min_seconds = std::atof(argv[++i]);
    else if (a == "--json") as_json = true;
    else if (a == "--filter" && i + 1 < argc) filter = argv[++i];
    else if (a == "-h" || a == "--help") {
      std::printf("usage: evm_bench [--min-seconds S] [--json] [--filter SUBSTRING] [FILE...]\n");
      return 0;
    } else files.emplace_back(a);
  }
  if (files.empty()) {
    for (const auto& e : fs::recursive_directory_iterator(default_dir()))
      if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
  }
  std::vector<Case> cases;
  for (const auto& f : files)
    if (!load_cases(f, filter, cases)) {
      std::fprintf(stderr, "evm_bench: cannot load %s\n", f.c_str());
      return 1;
    }

  if (!as_json) std::printf("| workload | status | gas used | median ms | Mgas/s | runs |\n|---|---|---|---|---|---|\n");
  for (auto& c : cases) {
    std::vector<double> times;
    std::uint64_t gas_used = 0;
    std::string status;
    double total = 0;
    while (times.size() < 3 || total < min_seconds) {
      evm::State state(c.pre);
      const auto t0 = std::chrono::steady_clock::now();
      auto r = chain::apply_transaction(state, c.block, evm::Revision::kPrague, c.tx, c.sender);
      const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (!r) {
        status = "invalid: " + r.error().message;
        break;
      }
      gas_used = r->gas_used;
      status = evm::status_name(r->status);
      times.push_back(dt);
      total += dt;
      if (times.size() >= 100000) break;
    }
    if (times.empty()) {
      if (as_json) std::printf("{\"name\":\"%s\",\"error\":\"%s\"}\n", c.name.c_str(), status.c_str());
      else std::printf("| %s | %s | - | - | - | 0 |\n", c.name.c_str(), status.c_str());
      continue;
    }
    std::sort(times.begin(), times.end());
    const double med = times[times.size() / 2];
    if (as_json)
      std::printf("{\"name\":\"%s\",\"status\":\"%s\",\"gas_used\":%llu,\"median_s\":%.9f,\"runs\":%zu}\n",
                  c.name.c_str(), status.c_str(), static_cast<unsigned long long>(gas_used), med, times.size());
    else
      std::printf("| %s | %s | %llu | %.3f | %.1f | %zu |\n", c.name.c_str(), status.c_str(),
                  static_cast<unsigned long long>(gas_used), med * 1e3, static_cast<double>(gas_used) / med / 1e6,
                  times.size());
    std::fflush(stdout);
  }
  return 0;
}
