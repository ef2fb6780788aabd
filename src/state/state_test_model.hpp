#pragma once
// Test support (header-only, used by state_db_test.cpp and the benchmark/tools): a random block generator
// and an in-memory replay model of the state whose roots come from the one-shot builder
// (state::secure_mpt_root), independent of the incremental trie and of LMDB.
#include <map>
#include <random>
#include <vector>

#include "core/keccak.hpp"
#include "state/account.hpp"
#include "state/mpt.hpp"

namespace igra::state::testmodel {

struct ModelState {
  std::map<core::Address20, Account> accounts;  // storage_root unused here
  std::map<core::Address20, std::map<core::Hash32, core::uint256>> storage;
  std::map<core::Hash32, core::Bytes> code;

  // Mirrors StateDb::apply_block's documented semantics.
  void apply(const BlockChanges& ch) {
    std::map<core::Address20, const AccountChange*> last;
    std::map<core::Address20, bool> wipe;
    for (const auto& c : ch.accounts) {
      last[c.address] = &c;
      if (c.wipe_storage || !c.account) wipe[c.address] = true;
    }
    for (const auto& [a, w] : wipe)
      if (w) storage.erase(a);
    for (const auto& [a, c] : last) {
      if (c->account) {
        Account acc = *c->account;
        acc.storage_root = {};
        accounts[a] = acc;
      } else {
        accounts.erase(a);
        storage.erase(a);
      }
    }
    for (const auto& s : ch.storage) {
      if (s.value.is_zero())
        storage[s.address].erase(s.slot);
      else
        storage[s.address][s.slot] = s.value;
    }
    for (auto it = storage.begin(); it != storage.end();)
      it = it->second.empty() ? storage.erase(it) : std::next(it);
    for (const auto& c : ch.code) code[core::keccak256(c)] = c;
  }

  core::Hash32 storage_root(const core::Address20& a) const {
    auto it = storage.find(a);
    if (it == storage.end()) return kEmptyTrieRoot;
    std::vector<std::pair<core::Bytes, core::Bytes>> e;
    for (const auto& [slot, v] : it->second) e.emplace_back(core::Bytes(slot.begin(), slot.end()), encode_storage_value(v));
    return secure_mpt_root(std::move(e));
  }

  Account full_account(const core::Address20& a) const {
    Account acc = accounts.at(a);
    acc.storage_root = storage_root(a);
    return acc;
  }

  core::Hash32 root() const {
    std::vector<std::pair<core::Bytes, core::Bytes>> e;
    for (const auto& [a, acc] : accounts) e.emplace_back(core::Bytes(a.begin(), a.end()), encode_account(full_account(a)));
    return secure_mpt_root(std::move(e));
  }

  core::uint256 slot(const core::Address20& a, const core::Hash32& s) const {
    auto it = storage.find(a);
    if (it == storage.end()) return 0;
    auto jt = it->second.find(s);
    return jt == it->second.end() ? core::uint256{} : jt->second;
  }
};

inline core::Address20 pool_address(std::uint64_t i) {
  core::Address20 a;
  for (int k = 0; k < 8; ++k) a[12 + k] = static_cast<std::uint8_t>(i >> (56 - 8 * k));
  a[0] = 0xaa;
  return a;
}
inline core::Hash32 pool_slot(std::uint64_t i) {
  core::Hash32 s;
  for (int k = 0; k < 8; ++k) s[24 + k] = static_cast<std::uint8_t>(i >> (56 - 8 * k));
  return s;
}

// A random block over `addresses` accounts and `slots` slots each, with up to account_ops - 1 account changes
// and writes - 1 storage writes (all to one address when `one_contract`); does not depend on the current
// state (every address written gets an account update in the same block), so a block is a function of the
// seed.
inline BlockChanges random_block(std::uint64_t seed, std::uint64_t addresses = 40, std::uint64_t slots = 12,
                                 std::uint64_t account_ops_max = 6, std::uint64_t writes_max = 16,
                                 bool one_contract = false) {
  std::mt19937_64 rng(seed);
  BlockChanges ch;
  auto random_account = [&]() {
    Account a;
    a.nonce = rng() % 50;
    a.balance = core::uint256::from_limbs(rng(), rng() % 3 == 0 ? rng() : 0, 0, 0);
    if (rng() % 4 == 0) {
      core::Bytes code(1 + rng() % 60);
      for (auto& b : code) b = static_cast<std::uint8_t>(rng());
      a.code_hash = core::keccak256(code);
      ch.code.push_back(std::move(code));
    }
    return a;
  };
  const int account_ops = static_cast<int>(rng() % account_ops_max);
  for (int i = 0; i < account_ops; ++i) {
    AccountChange c;
    c.address = pool_address(rng() % addresses);
    const auto kind = rng() % 10;
    if (kind < 6) {
      c.account = random_account();
    } else if (kind < 8) {
      c.account.reset();  // self-destruct / deletion
    } else {
      c.account = random_account();
      c.wipe_storage = true;  // re-created in the same block
    }
    ch.accounts.push_back(c);
  }
  const int writes = static_cast<int>(rng() % writes_max);
  const std::uint64_t contract = rng() % addresses;
  std::map<core::Address20, bool> written;
  for (int i = 0; i < writes; ++i) {
    StorageChange s;
    s.address = pool_address(one_contract ? contract : rng() % addresses);
    s.slot = pool_slot(rng() % slots);
    s.value = rng() % 4 == 0 ? core::uint256{} : core::uint256(1 + rng() % 1000000);
    ch.storage.push_back(s);
    written[s.address] = true;
  }
  for (const auto& [a, w] : written) {
    AccountChange c;
    c.address = a;
    c.account = random_account();
    ch.accounts.push_back(c);
  }
  return ch;
}

}  // namespace igra::state::testmodel
