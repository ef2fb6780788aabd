#pragma once
// Genesis files in geth's JSON format (Igra's launcher renders its genesis this way): the chain config's
// chain id and fork schedule, the header fields, and the alloc; the genesis header is built with the field
// set of the forks active at genesis and the state root of the alloc.
//
// Quantities (chainId, fork blocks/times, nonce, timestamp, gasLimit, gasUsed, number, difficulty,
// baseFeePerGas, excessBlobGas, blobGasUsed, alloc balance/nonce) may be JSON integers, "0x" hex strings or
// decimal strings (Igra writes chainId as a number and timestamp as a decimal string); a JSON number that is
// negative, fractional or above 2^64 - 1 is an error (give big values as strings). Byte strings (extraData,
// code) and hashes/addresses are hex with an optional "0x". Storage keys and values are hex of at most 32
// bytes, left-padded (as geth); zero values are dropped. Unknown keys are ignored, as geth does.
//
// Required: config (an object with chainId), alloc (an object; each account needs balance), gasLimit,
// difficulty. Defaults as geth: absent fields are zero; baseFeePerGas 1 gwei when London is active at
// genesis and the file gives none; blobGasUsed and excessBlobGas 0 from Cancun; parentBeaconBlockRoot zero
// from Cancun; requestsHash sha256("") from Prague; withdrawalsRoot the empty trie root from Shanghai.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "chain/block.hpp"
#include "core/bytes.hpp"
#include "core/error.hpp"
#include "core/uint256.hpp"
#include "evm/state.hpp"
#include "state/account.hpp"

namespace igra::chain {

// The fork schedule of a chain config: block-numbered forks up to London, timestamp forks from Shanghai.
// nullopt = not scheduled.
struct ForkSchedule {
  std::optional<std::uint64_t> homestead_block;
  std::optional<std::uint64_t> eip150_block;
  std::optional<std::uint64_t> eip155_block;
  std::optional<std::uint64_t> eip158_block;
  std::optional<std::uint64_t> byzantium_block;
  std::optional<std::uint64_t> constantinople_block;
  std::optional<std::uint64_t> petersburg_block;
  std::optional<std::uint64_t> istanbul_block;
  std::optional<std::uint64_t> berlin_block;
  std::optional<std::uint64_t> london_block;
  std::optional<std::uint64_t> merge_fork_block;  // "mergeNetsplitBlock" or "mergeForkBlock"
  std::optional<core::uint256> terminal_total_difficulty;
  std::optional<std::uint64_t> shanghai_time;
  std::optional<std::uint64_t> cancun_time;
  std::optional<std::uint64_t> prague_time;
  std::optional<std::uint64_t> osaka_time;
  bool operator==(const ForkSchedule&) const = default;

  bool is_london(std::uint64_t number) const { return london_block && number >= *london_block; }
  bool is_shanghai(std::uint64_t time) const { return shanghai_time && time >= *shanghai_time; }
  bool is_cancun(std::uint64_t time) const { return cancun_time && time >= *cancun_time; }
  bool is_prague(std::uint64_t time) const { return prague_time && time >= *prague_time; }
  bool is_osaka(std::uint64_t time) const { return osaka_time && time >= *osaka_time; }
};

struct GenesisAccount {
  core::Address20 address;
  std::uint64_t nonce = 0;
  core::uint256 balance;
  core::Bytes code;
  std::vector<std::pair<core::Hash32, core::uint256>> storage;  // sorted by slot, non-zero values only
  bool operator==(const GenesisAccount&) const = default;
};

struct Genesis {
  core::uint256 chain_id;
  ForkSchedule forks;
  std::optional<core::Address20> deposit_contract;  // config.depositContractAddress, when given
  std::vector<GenesisAccount> alloc;                // sorted by address, no duplicates
  BlockHeader header;                               // state root of `alloc`, empty tx/receipt/withdrawal roots
  core::Hash32 hash;                                // header_hash(header)
};

// Parses a genesis JSON document and builds its header (state root included).
core::Result<Genesis> parse_genesis(std::string_view json_text);
// Reads and parses a genesis file (kIo when it cannot be read).
core::Result<Genesis> load_genesis(const std::filesystem::path& path);

// The alloc as an in-memory EVM state (for state roots and execution on top of genesis).
evm::InMemoryState genesis_state(const Genesis& g);
// The alloc as the changes of block 0, for state::StateDb (accounts, their storage and their code).
state::BlockChanges genesis_changes(const Genesis& g);

}  // namespace igra::chain
