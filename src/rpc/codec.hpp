#pragma once
// Ethereum JSON-RPC value encodings (execution-apis): quantities ("0x"-prefixed hex without leading zeros),
// data ("0x"-prefixed even-length hex), addresses, hashes, and the JSON shapes of headers, blocks,
// transactions, receipts and logs. Parsers throw RpcError(-32602, "invalid argument N: ...").
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chain/block.hpp"
#include "chain/receipt.hpp"
#include "chain/transaction.hpp"
#include "core/bytes.hpp"
#include "core/uint256.hpp"
#include "rpc/json_rpc.hpp"

namespace igra::rpc {

std::string qty(std::uint64_t v);
std::string qty(const core::uint256& v);
std::string hex_data(core::ByteView b);
template <std::size_t N>
std::string hex_data(const core::FixedBytes<N>& b) {
  return hex_data(b.view());
}

// `arg` is the parameter position used in error messages.
std::uint64_t parse_u64(const json& v, int arg);
core::uint256 parse_u256(const json& v, int arg);
core::Address20 parse_address(const json& v, int arg);
core::Hash32 parse_hash(const json& v, int arg);
core::Bytes parse_data(const json& v, int arg, std::size_t max_bytes = 1u << 20);
// A storage slot: up to 32 bytes of hex, left-padded (eth_getStorageAt / eth_getProof keys).
core::Hash32 parse_slot(const json& v, int arg);
bool parse_bool(const json& v, int arg);
[[noreturn]] void invalid_arg(int arg, const std::string& what);
// The i-th positional parameter, or null when absent (or when params is not an array).
const json& param_at(const json& params, std::size_t i);

// Where a transaction sits (absent for pending ones).
struct TxPlace {
  core::Hash32 block_hash;
  std::uint64_t block_number = 0;
  std::uint64_t block_timestamp = 0;
  std::uint64_t index = 0;
  core::uint256 base_fee;
};

json header_json(const chain::BlockHeader& h, const core::Hash32& hash);
// Effective gas price of a transaction in a block with this base fee.
core::uint256 effective_gas_price(const chain::Transaction& tx, const core::uint256& base_fee);
json transaction_json(const chain::Transaction& tx, const core::Hash32& hash, const core::Address20& from,
                      const std::optional<TxPlace>& place);
json withdrawal_json(const chain::Withdrawal& w);

struct LogPlace {
  core::Hash32 block_hash;
  std::uint64_t block_number = 0;
  std::uint64_t block_timestamp = 0;
  core::Hash32 tx_hash;
  std::uint64_t tx_index = 0;
  std::uint64_t log_index = 0;  // position in the block
};
json log_json(const chain::Log& log, const LogPlace& place, bool removed = false);

// Size in bytes of rlp([header, txs, ommers, withdrawals?]) from the stored header and body RLPs.
std::uint64_t block_rlp_size(core::ByteView header_rlp, core::ByteView body_rlp);

// The message for revert data, as geth prints it: "execution reverted" plus ": <reason>" when the data is
// an ABI Error(string) or Panic(uint256).
std::string revert_message(core::ByteView output);

}  // namespace igra::rpc
