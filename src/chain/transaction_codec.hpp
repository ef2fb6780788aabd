#pragma once
// Ethereum transaction wire format: strict decoding, byte-exact encoding, signing hashes, transaction hashes
// and signer recovery for transaction types 0-4, plus EIP-7702 authority recovery.
//
// Forms:
//  - canonical ("network" / EIP-2718) form: a legacy transaction is its RLP list; a typed one is
//    type || rlp(fields). This is what eth_sendRawTransaction carries, what the transaction hash covers and
//    what the transactions trie stores. (The EIP-4844 pooled form with blob sidecars is not handled here.)
//  - block-body form: legacy as the same list, typed as an RLP string wrapping the canonical form.
//
// Decoding is strict: non-canonical RLP, wrong field counts, wrong lengths of addresses and hashes, and
// integers wider than their field (uint64 nonce / gas / auth nonce, uint8 authorization y_parity, uint256
// otherwise) are errors. Rules that are not about the encoding (EIP-2681 nonce < 2^64 - 1, fee caps,
// chain id, intrinsic gas) are validation, left to the caller; signature value rules (EIP-2 low s,
// v / y_parity) are checked by recover_sender.
#include <cstdint>

#include "chain/transaction.hpp"
#include "core/bytes.hpp"
#include "core/error.hpp"
#include "core/rlp.hpp"

namespace igra::chain {

// Decodes the canonical form (legacy RLP list, or type byte 0x01..0x04 followed by exactly one RLP list).
core::Result<Transaction> decode_transaction(core::ByteView encoded);
// Decodes one item of a block body's transaction list (a legacy list, or a string holding a typed tx).
core::Result<Transaction> decode_block_transaction(const core::RlpItem& item);

// Canonical form; decode_transaction(encode_transaction(tx)) == tx, and encode(decode(b)) == b.
core::Bytes encode_transaction(const Transaction& tx);
// Block-body form of one transaction (an RLP item ready to be spliced into the body's list).
core::Bytes encode_block_transaction(const Transaction& tx);

// keccak256 of the canonical form.
core::Hash32 transaction_hash(const Transaction& tx);
// The hash the sender signs: legacy rlp([nonce, gas_price, gas, to, value, data]) or, when EIP-155
// protected (tx.chain_id set), rlp([..., chain_id, 0, 0]); typed: keccak(type || rlp(fields without v, r, s)).
core::Hash32 signing_hash(const Transaction& tx);

// Signature values of a transaction: y parity and whether they pass EIP-2 (1 <= r < n, 1 <= s <= n/2)
// and the v rules (legacy v in {27, 28} or >= 35 with chain_id = (v - 35) / 2; typed v in {0, 1}).
core::Result<std::uint8_t> signature_y_parity(const Transaction& tx);

// Signs tx with `key` (RFC 6979, low s): sets v (legacy: 27 + y, or 35 + 2 * chain_id + y when tx.chain_id
// is set; typed: y), r and s.
core::Result<void> sign_transaction(Transaction& tx, const core::FixedBytes<32>& key);

// Recovers the sender address. Fails with kVerifyFailed on invalid signature values or a failed recovery.
core::Result<core::Address20> recover_sender(const Transaction& tx);

// The message an EIP-7702 authorization signs: keccak256(0x05 || rlp([chain_id, address, nonce])).
core::Hash32 authorization_signing_hash(const Authorization& auth);
// Recovers the authority (signer) of an authorization: y_parity must be 0 or 1, 1 <= r < n, 1 <= s <= n/2.
// (chain id and nonce checks belong to authorization processing.)
core::Result<core::Address20> recover_authority(const Authorization& auth);

}  // namespace igra::chain
