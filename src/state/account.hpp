#pragma once
// Plain state types of the state layer and their trie-leaf encodings. The state layer knows nothing of the
// EVM: the chain layer turns its journaled state into a BlockChanges and hands it to StateDb::apply_block.
#include <optional>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "core/uint256.hpp"

namespace igra::state {

// keccak256 of empty code.
inline constexpr core::Hash32 kEmptyCodeHash = {{0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d,
                                                 0xb2, 0xdc, 0xc7, 0x03, 0xc0, 0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82,
                                                 0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70}};

struct Account {
  std::uint64_t nonce = 0;
  core::uint256 balance;
  core::Hash32 code_hash = kEmptyCodeHash;
  // Maintained by the state layer: apply_block ignores the value given in BlockChanges and stores the root
  // of the account's storage trie after the block.
  core::Hash32 storage_root;  // zero here means "not set"; encode_account writes kEmptyTrieRoot for it

  friend bool operator==(const Account&, const Account&) = default;
};

// RLP([nonce, balance, storageRoot, codeHash]): the state-trie leaf value and the PlainAccount row.
core::Bytes encode_account(const Account& a);
core::Result<Account> decode_account(core::ByteView rlp);

// A storage value as the storage-trie leaf value: RLP of the minimal big-endian bytes; empty for zero.
core::Bytes encode_storage_value(const core::uint256& v);
core::Result<core::uint256> decode_storage_value(core::ByteView rlp);

// One account's change in a block.
struct AccountChange {
  core::Address20 address;
  // The account after the block; nullopt deletes it (self-destruct, EIP-161 removal of an empty account).
  // A deletion also removes all of its storage.
  std::optional<Account> account;
  // Remove all storage slots that existed before the block, before this block's storage writes to the
  // address are applied (contract re-created at the same address after a self-destruct in the same block).
  bool wipe_storage = false;
};

struct StorageChange {
  core::Address20 address;
  core::Hash32 slot;
  core::uint256 value;  // zero removes the slot
};

// Everything a block changed in the state, as the chain layer computes it after executing the block.
// Order does not matter except that for repeated entries (same address, same slot) the last one wins.
// Storage writes require the address to exist after the block (given here or already in the state).
struct BlockChanges {
  std::vector<AccountChange> accounts;
  std::vector<StorageChange> storage;
  std::vector<core::Bytes> code;  // new contract code, stored under keccak256(code)
};

}  // namespace igra::state
