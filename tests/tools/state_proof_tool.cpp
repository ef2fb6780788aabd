// Exposes the state database to the oracle test tests/oracle/test_state_proofs.py (JSON lines on stdin and
// stdout, one response per request). One database (in a fresh temporary directory) lives for the process.
//
//   {"op":"apply","accounts":[{"address":"0x..","nonce":1,"balance":"0x..","code":"0x..","delete":false,
//     "wipe":false}],"storage":[{"address":"0x..","slot":"0x..(32 bytes)","value":"0x.."}]}
//       -> {"block":N,"root":"0x.."}
//   {"op":"unwind","block":N}                       -> {"head":N}
//   {"op":"proof","address":"0x..","slots":["0x.."],"block":N}
//       -> {"root","exists","nonce","balance","codeHash","storageHash","accountProof":[..],
//           "storageProof":[{"key","value","proof":[..]}]}
// Errors: {"error":"..."}.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "state/state_db.hpp"

using namespace igra;
using nlohmann::json;

namespace {

template <std::size_t N>
core::FixedBytes<N> fixed(const json& j) {
  const core::Bytes b = core::hex_or_die(j.get<std::string>());
  core::FixedBytes<N> out;
  // Left-pad shorter values (slots given as small numbers).
  const std::size_t n = std::min(N, b.size());
  std::copy(b.end() - static_cast<std::ptrdiff_t>(n), b.end(), out.begin() + static_cast<std::ptrdiff_t>(N - n));
  return out;
}

core::uint256 quantity(const json& j) {
  if (j.is_number_unsigned()) return core::uint256(j.get<std::uint64_t>());
  // Quantities as JSON-RPC writes them: 0x-prefixed hex of any length ("0x" or "0x0" is zero).
  const std::string s = j.get<std::string>();
  if (s == "0x") return core::uint256{};
  auto v = core::uint256::from_hex(s);
  return v.ok() ? *v : core::uint256{};
}

std::string hex(core::ByteView b) { return core::to_hex(b, true); }

json handle(state::StateDb& db, const json& req) {
  const std::string op = req.at("op").get<std::string>();
  if (op == "apply") {
    state::BlockChanges ch;
    for (const auto& a : req.value("accounts", json::array())) {
      state::AccountChange c;
      c.address = fixed<20>(a.at("address"));
      c.wipe_storage = a.value("wipe", false);
      if (!a.value("delete", false)) {
        state::Account acc;
        acc.nonce = a.value("nonce", std::uint64_t{0});
        acc.balance = quantity(a.value("balance", json("0x")));
        if (a.contains("code") && !a.at("code").is_null()) {
          core::Bytes code = core::hex_or_die(a.at("code").get<std::string>());
          acc.code_hash = core::keccak256(code);
          ch.code.push_back(std::move(code));
        }
        c.account = acc;
      }
      ch.accounts.push_back(c);
    }
    for (const auto& s : req.value("storage", json::array()))
      ch.storage.push_back({fixed<20>(s.at("address")), fixed<32>(s.at("slot")), quantity(s.at("value"))});
    state::BlockData d;
    d.number = db.head() ? *db.head() + 1 : 0;
    auto root = db.apply_block(d, ch);
    if (!root.ok()) return {{"error", root.error().message}};
    return {{"block", d.number}, {"root", hex(*root)}};
  }
  if (op == "unwind") {
    auto r = db.unwind_to(req.at("block").get<std::uint64_t>());
    if (!r.ok()) return {{"error", r.error().message}};
    return {{"head", *db.head()}};
  }
  if (op == "proof") {
    auto v = db.view();
    if (!v.ok()) return {{"error", v.error().message}};
    std::vector<core::Hash32> slots;
    for (const auto& s : req.value("slots", json::array())) slots.push_back(fixed<32>(s));
    auto p = v->proof(fixed<20>(req.at("address")), slots, req.at("block").get<std::uint64_t>());
    if (!p.ok()) return {{"error", p.error().message}};
    json out;
    out["root"] = hex(p->state_root);
    out["exists"] = p->account.has_value();
    out["nonce"] = p->account ? p->account->nonce : 0;
    out["balance"] = hex(p->account ? p->account->balance.to_be_trimmed() : core::Bytes{});
    out["codeHash"] = hex(p->account ? p->account->code_hash : state::kEmptyCodeHash);
    out["storageHash"] = hex(p->storage_root);
    out["accountProof"] = json::array();
    for (const auto& n : p->account_proof) out["accountProof"].push_back(hex(n));
    out["storageProof"] = json::array();
    for (const auto& sp : p->storage) {
      json s;
      s["key"] = hex(sp.slot);
      s["value"] = hex(sp.value.to_be_trimmed());
      s["proof"] = json::array();
      for (const auto& n : sp.proof) s["proof"].push_back(hex(n));
      out["storageProof"].push_back(s);
    }
    return out;
  }
  return {{"error", "unknown op " + op}};
}

}  // namespace

int main() {
  const auto dir = std::filesystem::temp_directory_path() / ("igra-state-proof-tool-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  state::EnvOptions o;
  o.path = dir.string();
  o.sync = false;
  o.initial_map_size = 64ull << 20;
  int status = 0;
  {
    auto db = state::StateDb::open(o);
    if (!db.ok()) {
      std::cerr << db.error().message << "\n";
      return 1;
    }
    std::string line;
    while (std::getline(std::cin, line)) {
      if (line.empty()) continue;
      json resp;
      try {
        resp = handle(**db, json::parse(line));
      } catch (const std::exception& e) {  // malformed request (test input), not product code
        resp = {{"error", std::string("bad request: ") + e.what()}};
      }
      if (resp.contains("error")) status = 1;
      std::cout << resp.dump() << "\n";
    }
    std::cout.flush();
  }
  std::filesystem::remove_all(dir);
  return status;
}
