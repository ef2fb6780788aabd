#pragma once
// The state database schema: every LMDB table (named sub-database) of the node and the byte layout of its
// keys and values. This header is the single place that documents the on-disk format; lmdb_env.cpp opens
// exactly the tables listed in kAllTables, and the encoders below are the only code that builds keys.
//
// Conventions
//   u64be   8-byte big-endian unsigned integer. Block numbers are big-endian so that LMDB's byte-wise key
//           order is numeric order (range scans by block, "first change after block N" seeks).
//   addr    20-byte account address.            slot   32-byte storage key as the EVM sees it.
//   haddr   keccak256(addr) (32 bytes).          hslot  keccak256(slot) (32 bytes).
//   path    a trie node's nibble path from the root of its trie: the nibbles packed two per byte (high
//           nibble first, last byte zero-padded when the count is odd) followed by one byte holding the
//           nibble count (0..64). Distinct paths give distinct keys; the root is the single byte 0x00.
//   acct    an account encoded exactly as its state-trie leaf value:
//           RLP([nonce, balance, storageRoot, codeHash]). An empty value means "no account".
//   word    a storage value as its storage-trie leaf value: RLP(big-endian value without leading zeros).
//           An empty value means zero ("no slot").
//
// "State after block N" is the state produced by executing L2 blocks up to and including N. The first block
// written may have any number (normally 0, the genesis block); history starts there.
//
// Durability: one LMDB write transaction per L2 block (or per unwind); a block is reported as committed
// only after mdb_txn_commit returned, which (with the default sync settings) has fsync'ed it. Each block
// commits its changesets, its new flat values (PlainDiff), root and block rows. The flat tables and the trie
// rows are brought up to date every few blocks (Meta "flat_block" and "trie_block", written together) in key
// order; after a crash the writer rebuilds its in-memory state of the blocks since then from PlainDiff and the
// changesets, so nothing committed depends on memory.

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "core/bytes.hpp"

namespace igra::state::tables {

// ---------------------------------------------------------------------------------------------------------
// Current (flat) state
// ---------------------------------------------------------------------------------------------------------

// PlainAccount: the account of each address after block Meta "flat_block" (F); PlainDiff holds the changes of
// the blocks after F (at most StateDbTuning::trie_flush_interval of them).
//   key   addr (20)
//   value acct (non-empty; deleted accounts are removed)
// storageRoot inside acct is maintained by the state layer (the input's storage_root is ignored).
inline constexpr std::string_view kPlainAccount = "PlainAccount";

// PlainStorage: the non-zero storage slots after block F (as PlainAccount).
//   key   addr (20) ++ slot (32)
//   value word (non-empty; zero slots are removed)
// All slots of one account are adjacent, so a self-destruct is one prefix range scan.
inline constexpr std::string_view kPlainStorage = "PlainStorage";

// PlainDiff: the flat-state changes of each block after F, as the values they leave. A block writes these
// rows (appended in key order: a few contiguous pages) instead of rewriting a page of PlainAccount /
// PlainStorage per changed key; every few blocks the writer moves the merged changes into the plain tables in
// key order (each page rewritten once per batch, not once per block), sets F to that block and deletes the
// rows, in one transaction. The value of a key after block N >= F: its entry in the newest block of F+1..N
// that has one, else the plain table.
//   key   u64be(N) ++ 0x00 ++ addr (20)               value acct after block N (empty: deleted)
//   key   u64be(N) ++ 0x01 ++ addr (20)               value empty: block N wiped the account's storage; its
//                                                      slots without an entry of block N are zero after N
//   key   u64be(N) ++ 0x01 ++ addr (20) ++ slot (32)   value word after block N (empty: zero)
inline constexpr std::string_view kPlainDiff = "PlainDiff";
inline constexpr std::uint8_t kDiffAccount = 0x00;
inline constexpr std::uint8_t kDiffStorage = 0x01;

// Code: contract bytecode by hash. Content-addressed and never removed by an unwind (harmless: an entry
// that no account refers to is never read).
//   key   keccak256(code) (32)
//   value code bytes
inline constexpr std::string_view kCode = "Code";

// ---------------------------------------------------------------------------------------------------------
// History: changesets (value before a block) and indices (which blocks changed a key)
// ---------------------------------------------------------------------------------------------------------

// AccountChangeSet: for every account that block N changed, its value before block N.
//   key   u64be(N) ++ addr (20)
//   value acct before block N (empty: the account did not exist)
inline constexpr std::string_view kAccountChangeSet = "AccountChangeSet";

// StorageChangeSet: for every slot that block N changed (including slots wiped by a self-destruct or an
// account deletion), its value before block N.
//   key   u64be(N) ++ addr (20) ++ slot (32)
//   value word before block N (empty: zero)
inline constexpr std::string_view kStorageChangeSet = "StorageChangeSet";

// Deferred indices. AccountHistory, StorageHistory, TxLookup, LogAddressIndex and LogTopicIndex hold the
// entries of the blocks below Meta "index_from" (F). They are written in batches, every
// StateDbTuning::index_flush_interval blocks, in sorted key order (random inserts block by block dirty a page
// per key and dominated the commit); the blocks F..head are described by their AccountChangeSet,
// StorageChangeSet and BlockIndexKeys rows, which readers consult directly (at most the interval's number of
// point reads). Everything in a batch is derived from rows committed with the blocks themselves, so a crash
// between batches loses nothing. An absent "index_from" means every stored block is indexed.

// AccountHistory: index of the blocks that changed an account.
//   key   addr (20) ++ u64be(N)
//   value empty
// Value after block N = AccountChangeSet[B ++ addr] for the first block B > N that changed the account (from
// this index below F, else from the changesets of F..head), else the current value (PlainDiff, PlainAccount).
inline constexpr std::string_view kAccountHistory = "AccountHistory";

// StorageHistory: index of the blocks that changed a slot.
//   key   addr (20) ++ slot (32) ++ u64be(N)
//   value empty
// Read rule as for AccountHistory, with StorageChangeSet / PlainStorage.
inline constexpr std::string_view kStorageHistory = "StorageHistory";

// ---------------------------------------------------------------------------------------------------------
// Merkle-Patricia tries (incremental state root)
// ---------------------------------------------------------------------------------------------------------

// AccountTrie: every node (branch, extension and leaf) of the state trie after block Meta.trie_block (the
// head, or up to StateDbTuning::trie_flush_interval blocks before it), by path. Keys of the
// state trie are keccak256(addr), values acct. Nodes are stored whether or not their parent inlines them
// (a node shorter than 32 bytes is embedded in its parent's RLP but still has its own row), so an update
// loads exactly the nodes on the touched paths with one point read each.
//   key   path
//   value the node's RLP (mpt_node.hpp encoding)
inline constexpr std::string_view kAccountTrie = "AccountTrie";

// StorageTrie: every node of every account's storage trie, keys keccak256(slot), values word.
//   key   haddr (32) ++ path
//   value the node's RLP
// An account's nodes share the haddr prefix: wiping a storage trie is one range delete.
inline constexpr std::string_view kStorageTrie = "StorageTrie";

// ---------------------------------------------------------------------------------------------------------
// Blocks
// ---------------------------------------------------------------------------------------------------------

// StateRoot: the state root after block N (what the block header commits to), written by apply_block.
//   key   u64be(N)
//   value root (32)
inline constexpr std::string_view kStateRoot = "StateRoot";

// CanonicalHash: the L2 block hash at height N.
//   key   u64be(N)
//   value hash (32)
inline constexpr std::string_view kCanonicalHash = "CanonicalHash";

// BlockNumber: the height of a canonical block, by hash (eth_getBlockByHash, EIP-1898 block hashes).
//   key   hash (32)
//   value u64be(N)
inline constexpr std::string_view kBlockNumber = "BlockNumber";

// Header: RLP of the L2 block header at height N.
//   key   u64be(N)
//   value header RLP
inline constexpr std::string_view kHeader = "Header";

// Body: RLP of the block body (transactions, withdrawals) at height N.
//   key   u64be(N)
//   value body RLP
inline constexpr std::string_view kBody = "Body";

// Receipt: the receipts of block N, one row per transaction.
//   key   u64be(N) ++ u32be(tx index)
//   value receipt (typed-receipt encoding as in the receipts trie)
inline constexpr std::string_view kReceipt = "Receipt";

// TxLookup: where a transaction is.
//   key   tx hash (32)
//   value u64be(N) ++ u32be(tx index)
inline constexpr std::string_view kTxLookup = "TxLookup";

// LogAddressIndex / LogTopicIndex: which blocks contain logs from an address / with a topic in any
// position (eth_getLogs narrows its block range with these before reading receipts).
//   key   addr (20) ++ u64be(N)          /   topic (32) ++ u64be(N)
//   value empty
inline constexpr std::string_view kLogAddressIndex = "LogAddressIndex";
inline constexpr std::string_view kLogTopicIndex = "LogTopicIndex";

// ---------------------------------------------------------------------------------------------------------
// Igra
// ---------------------------------------------------------------------------------------------------------

// L1Origin: the Kaspa anchor of L2 block N (what an L1 reorg check compares), opaque to this layer.
//   key   u64be(N)
//   value encoding owned by the igra layer (e.g. Kaspa block hash ++ blue score ++ window bounds)
inline constexpr std::string_view kL1Origin = "L1Origin";

// DroppedTx: why a transaction included in a window was not executed (admission rule, invalid nonce, ...).
//   key   u64be(N) ++ tx hash (32)
//   value reason (UTF-8 text, or a code defined by the igra layer)
inline constexpr std::string_view kDroppedTx = "DroppedTx";

// Meta: single-row values. Written in the same transaction as the block they describe.
//   key   "head"              value u64be(N) of the newest applied block (absent: empty database)
//   key   "derivation_cursor" value the derivation pipeline's resume point after the head block
//                             (opaque; its previous value is kept per block in CursorHistory)
//   key   "schema"            value u32be(kSchemaVersion)
//   key   "index_from"        value u64be(F): the deferred indices (above) hold the blocks below F
//   key   "flat_block"        value u64be(F): PlainAccount and PlainStorage hold the state after block F <= head,
//                             PlainDiff the changes of F+1..head (absent: F = head). Equal to trie_block.
//   key   "trie_block"        value u64be(T): AccountTrie and StorageTrie hold the tries of the state after
//                             block T <= head. The writer keeps the tries of blocks T+1..head in memory and
//                             recomputes them from the changesets of those blocks after a restart; readers
//                             build the trie of any block N from the rows of T and the changesets between.
inline constexpr std::string_view kMeta = "Meta";
inline constexpr std::string_view kMetaHead = "head";
inline constexpr std::string_view kMetaCursor = "derivation_cursor";
inline constexpr std::string_view kMetaSchema = "schema";
inline constexpr std::string_view kMetaTrieBlock = "trie_block";
inline constexpr std::string_view kMetaIndexFrom = "index_from";
inline constexpr std::string_view kMetaFlatBlock = "flat_block";

// BlockIndexKeys: what block N adds to TxLookup and the log indices: the source of the deferred index batch,
// what readers scan for blocks F..head, and what an unwind removes.
//   key   u64be(N)
//   value RLP([[tx hash...], [log address...], [log topic...]])
inline constexpr std::string_view kBlockIndexKeys = "BlockIndexKeys";

// CursorHistory: the derivation cursor as it was after block N, so an unwind to N restores it.
//   key   u64be(N)
//   value cursor bytes
inline constexpr std::string_view kCursorHistory = "CursorHistory";

// 3 added PlainDiff and Meta "flat_block"; a version-2 database (no such rows: F = head) is upgraded on open.
inline constexpr std::uint32_t kSchemaVersion = 3;

inline constexpr std::array<std::string_view, 24> kAllTables = {
    kPlainAccount, kPlainStorage,  kCode,          kAccountChangeSet, kStorageChangeSet, kAccountHistory,
    kStorageHistory, kAccountTrie, kStorageTrie,   kStateRoot,        kCanonicalHash,    kHeader,
    kBody,         kReceipt,       kTxLookup,      kLogAddressIndex,  kLogTopicIndex,    kL1Origin,
    kDroppedTx,    kMeta,          kCursorHistory, kBlockIndexKeys,   kBlockNumber,
    kPlainDiff};

// ---------------------------------------------------------------------------------------------------------
// Key encoders
// ---------------------------------------------------------------------------------------------------------

inline core::Bytes block_key(std::uint64_t n) {
  core::Bytes k;
  k.reserve(8);
  core::put_be(k, n);
  return k;
}
inline core::Bytes concat(std::initializer_list<core::ByteView> parts) {
  core::Bytes k;
  std::size_t n = 0;
  for (auto p : parts) n += p.size();
  k.reserve(n + 8);
  for (auto p : parts) core::append(k, p);
  return k;
}
inline core::Bytes with_block(core::Bytes prefix, std::uint64_t n) {
  core::put_be(prefix, n);
  return prefix;
}
// PlainDiff keys.
inline core::Bytes diff_key(std::uint64_t n, std::uint8_t kind, core::ByteView addr, core::ByteView slot = {}) {
  core::Bytes k;
  k.reserve(8 + 1 + addr.size() + slot.size());
  core::put_be(k, n);
  k.push_back(kind);
  core::append(k, addr);
  core::append(k, slot);
  return k;
}
// Trie node path key (see "path" above); nibbles are 0..15, one per element.
inline core::Bytes path_key(const std::uint8_t* nibbles, std::size_t count, core::ByteView prefix = {}) {
  core::Bytes k(prefix.begin(), prefix.end());
  k.reserve(prefix.size() + count / 2 + 2);
  for (std::size_t i = 0; i < count; i += 2) {
    const std::uint8_t hi = nibbles[i];
    const std::uint8_t lo = i + 1 < count ? nibbles[i + 1] : 0;
    k.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  k.push_back(static_cast<std::uint8_t>(count));
  return k;
}

}  // namespace igra::state::tables
