#pragma once
// Shared by the Ethereum fixture runners (igra-statetest, igra-blocktest): JSON field readers that throw
// std::runtime_error on malformed fixtures, the fork names we run, the "pre"/"alloc" account map, the list of
// fixture files, a worker pool whose threads have a stack deep enough for 1024 nested calls, and the report
// (one FAIL line per failing case, `N passed, M failed` last).
#include <pthread.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/bytes.hpp"
#include "core/hex.hpp"
#include "core/uint256.hpp"
#include "evm/evm.hpp"
#include "evm/state.hpp"

namespace igra::fixtures {

using nlohmann::json;

inline std::optional<evm::Revision> fork_revision(const std::string& name) {
  if (name == "Cancun") return evm::Revision::kCancun;
  if (name == "Prague") return evm::Revision::kPrague;
  return std::nullopt;
}

inline core::uint256 u256(const json& j) {
  auto r = core::uint256::from_string(j.get<std::string>());
  if (!r) throw std::runtime_error("bad number " + j.get<std::string>());
  return *r;
}
inline std::uint64_t u64(const json& j) {
  const core::uint256 v = u256(j);
  if (!v.fits_uint64()) throw std::runtime_error("number does not fit 64 bits");
  return v.low64();
}
inline core::Bytes bytes(const json& j) {
  std::string s = j.get<std::string>();
  if (s.rfind("0x", 0) == 0 || s.rfind("0X", 0) == 0) s = s.substr(2);
  if (s.size() % 2) s = "0" + s;
  auto r = core::from_hex(s);
  if (!r) throw std::runtime_error("bad hex");
  return *r;
}
template <std::size_t N>
core::FixedBytes<N> fixed(const json& j) {
  const core::Bytes b = bytes(j);
  if (b.size() != N) throw std::runtime_error("bad fixed-size hex");
  return core::FixedBytes<N>::from_view(b);
}
inline core::Hash32 hash_of(const json& j) { return fixed<32>(j); }

// An account map ({address: {nonce, balance, code, storage}}) as an in-memory state.
inline evm::InMemoryState load_accounts(const json& accounts) {
  evm::InMemoryState st;
  for (const auto& [addr, acc] : accounts.items()) {
    std::unordered_map<core::uint256, core::uint256> storage;
    for (const auto& [k, v] : acc.at("storage").items()) storage[*core::uint256::from_string(k)] = u256(v);
    st.set_account(fixed<20>(json(addr)), u64(acc.at("nonce")), u256(acc.at("balance")), bytes(acc.at("code")),
                   std::move(storage));
  }
  return st;
}

struct CaseResult {
  std::string name;
  bool passed = false;
  bool skipped = false;
  std::string reason;
};

// Every .json under the given files and folders (recursively), sorted.
inline std::vector<std::filesystem::path> collect_json_files(const std::vector<std::string>& paths) {
  std::vector<std::filesystem::path> files;
  for (const auto& p : paths) {
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(p))
        if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
    } else {
      files.emplace_back(p);
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The fixture document of a file, or nullopt when the file cannot contain `fork_filter` (cheap text check
// before parsing) or does not parse (recorded as a failing case).
inline std::optional<json> read_fixture(const std::filesystem::path& path, const std::optional<std::string>& fork_filter,
                                        std::vector<CaseResult>& out) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  if (fork_filter && text.find("\"" + *fork_filter + "\"") == std::string::npos) return std::nullopt;
  try {
    return json::parse(text);
  } catch (const std::exception& e) {
    out.push_back({path.string(), false, false, std::string("JSON parse error: ") + e.what()});
    return std::nullopt;
  }
}

// Interpreter recursion reaches call depth 1024 (one C++ frame chain per call): workers run on threads with
// this much stack (reserved address space; only the touched pages are committed).
inline constexpr std::size_t kWorkerStack = 512ull << 20;

// Runs fn on a new thread with a kWorkerStack stack and waits for it.
inline void run_on_big_stack(std::function<void()> fn) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kWorkerStack);
  pthread_t th;
  auto* heap_fn = new std::function<void()>(std::move(fn));
  const int rc = pthread_create(
      &th, &attr,
      [](void* p) -> void* {
        std::unique_ptr<std::function<void()>> f(static_cast<std::function<void()>*>(p));
        (*f)();
        return nullptr;
      },
      heap_fn);
  pthread_attr_destroy(&attr);
  if (rc != 0) {  // could not reserve the stack: run here
    std::unique_ptr<std::function<void()>> f(heap_fn);
    (*f)();
    return;
  }
  pthread_join(th, nullptr);
}

// Runs run_file(i, results[i]) for every file index on `jobs` big-stack workers. Returns the seconds each
// file took.
inline std::vector<double> run_files(std::size_t count, unsigned jobs,
                                     const std::function<void(std::size_t, std::vector<CaseResult>&)>& run_file,
                                     std::vector<std::vector<CaseResult>>& results) {
  results.assign(count, {});
  std::vector<double> secs(count);
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < count;) {
      const auto start = std::chrono::steady_clock::now();
      run_file(i, results[i]);
      secs[i] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned k = 0; k < jobs; ++k) pool.emplace_back([&] { run_on_big_stack(worker); });
  for (auto& th : pool) th.join();
  return secs;
}

// Prints one FAIL line per failing case (PASS lines too when verbose), the skipped count and the summary
// line; returns the exit code.
inline int report(const std::vector<std::vector<CaseResult>>& results, bool verbose, const char* skipped_what,
                  double secs) {
  std::size_t passed = 0, failed = 0, skipped = 0;
  for (const auto& file_results : results) {
    for (const auto& r : file_results) {
      if (r.skipped) {
        ++skipped;
        continue;
      }
      if (r.passed) {
        ++passed;
        if (verbose) std::cout << "PASS " << r.name << "\n";
      } else {
        ++failed;
        std::cout << "FAIL " << r.name << ": " << r.reason << "\n";
      }
    }
  }
  std::cout.flush();
  std::printf("%zu skipped (%s other than Cancun and Prague), %.1f s\n", skipped, skipped_what, secs);
  std::printf("%zu passed, %zu failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace igra::fixtures
