#pragma once
// Ethereum blocks as plain data and their consensus encodings: the header (London through Prague field
// sets, selected by which optional fields are present), EIP-4895 withdrawals, the body and the whole block,
// plus the roots a header commits to (transactions, withdrawals, receipts in receipt.hpp, EIP-7685 requests).
//
// Header RLP field order: parentHash, ommersHash, coinbase, stateRoot, transactionsRoot, receiptsRoot,
// logsBloom, difficulty, number, gasLimit, gasUsed, timestamp, extraData, mixHash, nonce (8 bytes),
// then, each present only when all before it are: baseFeePerGas (London), withdrawalsRoot (Shanghai),
// blobGasUsed, excessBlobGas, parentBeaconBlockRoot (Cancun), requestsHash (Prague). Block hash =
// keccak256(rlp(header)).
#include <cstdint>
#include <optional>
#include <vector>

#include "chain/receipt.hpp"
#include "chain/transaction.hpp"
#include "core/bytes.hpp"
#include "core/error.hpp"
#include "core/rlp.hpp"
#include "core/uint256.hpp"

namespace igra::chain {

// keccak256(rlp([])): the ommers hash of every post-merge block.
inline constexpr core::Hash32 kEmptyOmmersHash = {{0x1d, 0xcc, 0x4d, 0xe8, 0xde, 0xc7, 0x5d, 0x7a, 0xab, 0x85, 0xb5,
                                                   0x67, 0xb6, 0xcc, 0xd4, 0x1a, 0xd3, 0x12, 0x45, 0x1b, 0x94, 0x8a,
                                                   0x74, 0x13, 0xf0, 0xa1, 0x42, 0xfd, 0x40, 0xd4, 0x93, 0x47}};
// sha256(""): the EIP-7685 requests hash of a block without requests.
inline constexpr core::Hash32 kEmptyRequestsHash = {{0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4,
                                                     0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b,
                                                     0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55}};

struct BlockHeader {
  core::Hash32 parent_hash;
  core::Hash32 ommers_hash = kEmptyOmmersHash;
  core::Address20 coinbase;
  core::Hash32 state_root;
  core::Hash32 transactions_root;
  core::Hash32 receipts_root;
  Bloom logs_bloom;
  core::uint256 difficulty;
  std::uint64_t number = 0;
  std::uint64_t gas_limit = 0;
  std::uint64_t gas_used = 0;
  std::uint64_t timestamp = 0;
  core::Bytes extra_data;
  core::Hash32 mix_hash;  // prevRandao after the merge
  core::FixedBytes<8> nonce;
  std::optional<core::uint256> base_fee_per_gas;
  std::optional<core::Hash32> withdrawals_root;
  std::optional<std::uint64_t> blob_gas_used;
  std::optional<std::uint64_t> excess_blob_gas;
  std::optional<core::Hash32> parent_beacon_block_root;
  std::optional<core::Hash32> requests_hash;
  bool operator==(const BlockHeader&) const = default;
};

core::Bytes encode_header(const BlockHeader& h);
// Strict: canonical RLP, exact field widths, optional fields only in order (a later one without an earlier
// one is an error), nothing after the last field.
core::Result<BlockHeader> decode_header(core::ByteView rlp);
core::Result<BlockHeader> decode_header(const core::RlpItem& item);
core::Hash32 header_hash(const BlockHeader& h);

// EIP-4895 withdrawal: rlp([index, validatorIndex, address, amount]); amount in gwei.
struct Withdrawal {
  std::uint64_t index = 0;
  std::uint64_t validator_index = 0;
  core::Address20 address;
  std::uint64_t amount_gwei = 0;
  bool operator==(const Withdrawal&) const = default;
};
core::Bytes encode_withdrawal(const Withdrawal& w);
// Ordered trie of encode_withdrawal values (key rlp(index in list)).
core::Hash32 withdrawals_root(const std::vector<Withdrawal>& withdrawals);

// Block body: transactions in canonical (EIP-2718) form, ommers, and withdrawals (present from Shanghai).
struct BlockBody {
  std::vector<core::Bytes> transactions;
  std::vector<BlockHeader> ommers;
  std::optional<std::vector<Withdrawal>> withdrawals;
  bool operator==(const BlockBody&) const = default;
};
// rlp([transactions (block-body form), ommers, withdrawals?]).
core::Bytes encode_body(const BlockBody& b);
core::Result<BlockBody> decode_body(core::ByteView rlp);

struct Block {
  BlockHeader header;
  BlockBody body;
  bool operator==(const Block&) const = default;
};
// rlp([header, transactions, ommers, withdrawals?]) (the blockchain tests' "rlp").
core::Bytes encode_block(const Block& b);
core::Result<Block> decode_block(core::ByteView rlp);

// Ordered trie of the canonical transaction encodings.
core::Hash32 transactions_root(const std::vector<core::Bytes>& canonical_txs);
// EIP-7685: sha256(sha256(type_0 || data_0) || ...) over the requests whose data is non-empty.
struct Request {
  std::uint8_t type = 0;
  core::Bytes data;
};
core::Hash32 requests_hash(const std::vector<Request>& requests);

}  // namespace igra::chain
