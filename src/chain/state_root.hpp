#pragma once
// World-state root: a secure trie of accounts rlp([nonce, balance, storageRoot, codeHash]) whose storage
// roots are secure tries of rlp(value) under the 32-byte slot keys.
#include <vector>

#include "core/bytes.hpp"
#include "evm/state.hpp"

namespace igra::chain {

core::Hash32 storage_root(const evm::InMemoryState::Account& account);
core::Hash32 state_root(const evm::InMemoryState& state);
// keccak256(rlp(logs)), each log rlp([address, [topics...], data]) (the state tests' "logs" hash).
core::Hash32 logs_hash(const std::vector<evm::Log>& logs);

}  // namespace igra::chain
