#include "chain/state_root.hpp"

#include "core/keccak.hpp"
#include "core/rlp.hpp"
#include "state/mpt.hpp"

namespace igra::chain {

core::Hash32 storage_root(const evm::InMemoryState::Account& account) {
  if (account.storage.empty()) return state::kEmptyTrieRoot;
  std::vector<std::pair<core::Bytes, core::Bytes>> entries;
  entries.reserve(account.storage.size());
  for (const auto& [key, value] : account.storage) {
    if (value.is_zero()) continue;
    const auto k = key.to_be32();
    entries.emplace_back(core::Bytes(k.begin(), k.end()), core::rlp_encode_uint(value));
  }
  return state::secure_mpt_root(std::move(entries));
}

core::Hash32 state_root(const evm::InMemoryState& state) {
  std::vector<std::pair<core::Bytes, core::Bytes>> entries;
  entries.reserve(state.accounts().size());
  for (const auto& [addr, acc] : state.accounts()) {
    core::RlpEncoder e;
    auto l = e.begin_list();
    e.add_uint(acc.nonce);
    e.add_uint(acc.balance);
    e.add_bytes(storage_root(acc));
    e.add_bytes(acc.code_hash);
    e.end_list(l);
    entries.emplace_back(core::Bytes(addr.begin(), addr.end()), std::move(e).finish());
  }
  return state::secure_mpt_root(std::move(entries));
}

core::Hash32 logs_hash(const std::vector<evm::Log>& logs) {
  core::RlpEncoder e;
  auto outer = e.begin_list();
  for (const auto& log : logs) {
    auto l = e.begin_list();
    e.add_bytes(log.address);
    auto t = e.begin_list();
    for (const auto& topic : log.topics) e.add_bytes(topic);
    e.end_list(t);
    e.add_bytes(log.data);
    e.end_list(l);
  }
  e.end_list(outer);
  return core::keccak256(std::move(e).finish());
}

}  // namespace igra::chain
