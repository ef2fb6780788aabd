#pragma once
// Merkle-Patricia trie roots computed in one pass from a complete key/value set: sort the keys, then build
// each node bottom-up from the sorted range it covers. Used for transaction, receipt and withdrawal roots
// and for state/storage roots when the whole set is at hand. Node encoding lives in mpt_node.hpp.
#include <utility>
#include <vector>

#include "core/bytes.hpp"

namespace igra::state {

// keccak256(rlp("")): the root of a trie with no entries.
inline constexpr core::Hash32 kEmptyTrieRoot = {{0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45,
                                                 0xe6, 0x92, 0xc0, 0xf8, 0x6e, 0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c,
                                                 0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21}};

// Root of the trie holding `entries` under their raw keys. Any order; an empty value means the key is
// absent; for a key given more than once the last occurrence wins (so a later empty value deletes it).
core::Hash32 mpt_root(std::vector<std::pair<core::Bytes, core::Bytes>> entries);
// The same with every key replaced by keccak256(key) first ("secure" trie: state and storage tries).
core::Hash32 secure_mpt_root(std::vector<std::pair<core::Bytes, core::Bytes>> entries);
// Root of the trie mapping rlp(i) -> items[i] (transactions, receipts, withdrawals of a block).
core::Hash32 ordered_trie_root(const std::vector<core::Bytes>& items);

}  // namespace igra::state
