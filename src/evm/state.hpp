#pragma once
// Journaled host state of the EVM: accounts, storage (original and current values), transient storage,
// EIP-2929 access sets, logs, the refund counter and the per-transaction sets of EIP-6780 (created,
// self-destructed) and EIP-161 (touched).
//
// The pre-state is read lazily through StateReader so a persistent backend can plug in later. Every mutation
// is recorded in a journal; snapshot() returns the journal length and revert(s) undoes entries back to it.
// Transaction-scoped data (access sets, transient storage, refund, logs, created/destructed/touched sets) is
// cleared by finalize_transaction(), which also applies EIP-6780 deletions and EIP-161 clearing and turns the
// current storage values into the original values of the next transaction.
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/bytes.hpp"
#include "core/uint256.hpp"

namespace igra::evm {

using core::Address20;
using core::Bytes;
using core::ByteView;
using core::Hash32;
using core::uint256;

// keccak256 of the empty string.
inline constexpr Hash32 kEmptyCodeHash = {{0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d,
                                           0xb2, 0xdc, 0xc7, 0x03, 0xc0, 0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82,
                                           0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70}};

// Hash of an address over all 20 bytes (std::hash<FixedBytes> reads only the first 8, which are zero for
// the many small test and system addresses, degrading maps to linear chains).
struct AddressHash {
  std::size_t operator()(const Address20& a) const noexcept {
    std::uint64_t x, y;
    std::uint32_t z;
    std::memcpy(&x, a.data(), 8);
    std::memcpy(&y, a.data() + 8, 8);
    std::memcpy(&z, a.data() + 16, 4);
    std::uint64_t h = x ^ (y * 0x9e3779b97f4a7c15ull) ^ (static_cast<std::uint64_t>(z) * 0xc2b2ae3d27d4eb4full);
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ull;
    h ^= h >> 29;
    return static_cast<std::size_t>(h);
  }
};

struct AccountInfo {
  std::uint64_t nonce = 0;
  uint256 balance;
  Hash32 code_hash = kEmptyCodeHash;
  // Whether the account has any non-zero storage slot (needed for the EIP-7610 create collision rule
  // without enumerating storage).
  bool has_storage = false;
};

// Read-only access to the state before the block (or before the current batch of transactions).
class StateReader {
 public:
  virtual ~StateReader() = default;
  virtual std::optional<AccountInfo> read_account(const Address20& addr) const = 0;
  virtual uint256 read_storage(const Address20& addr, const uint256& key) const = 0;
  virtual Bytes read_code(const Hash32& code_hash) const = 0;
};

// A complete in-memory world state; also the target the State's changes are committed into.
class InMemoryState final : public StateReader {
 public:
  struct Account {
    std::uint64_t nonce = 0;
    uint256 balance;
    Bytes code;
    Hash32 code_hash = kEmptyCodeHash;
    std::unordered_map<uint256, uint256> storage;  // non-zero values only
  };

  std::optional<AccountInfo> read_account(const Address20& addr) const override;
  uint256 read_storage(const Address20& addr, const uint256& key) const override;
  Bytes read_code(const Hash32& code_hash) const override;

  // Sets (creates or replaces) an account; the code hash is computed.
  void set_account(const Address20& addr, std::uint64_t nonce, const uint256& balance, Bytes code,
                   std::unordered_map<uint256, uint256> storage);
  const std::unordered_map<Address20, Account, AddressHash>& accounts() const noexcept { return accounts_; }
  std::unordered_map<Address20, Account, AddressHash>& accounts() noexcept { return accounts_; }

 private:
  std::unordered_map<Address20, Account, AddressHash> accounts_;
};

// One account changed since a State was constructed (State::changes()): what the chain layer turns into a
// state::AccountChange plus storage and code writes.
struct AccountDelta {
  Address20 address;
  bool exists = false;        // false: the account is removed (it existed before the block)
  bool wipe_storage = false;  // the account was deleted during the block: its pre-state storage is gone
  std::uint64_t nonce = 0;
  uint256 balance;
  Hash32 code_hash = kEmptyCodeHash;
  // The code when it was set during the block (contract creation, EIP-7702 delegation) and is not empty.
  std::shared_ptr<const Bytes> new_code;
  // Slots written during the block, with their value after the block (zero removes). A slot written back to
  // its pre-block value may appear.
  std::vector<std::pair<uint256, uint256>> storage;
};

struct Log {
  Address20 address;
  std::vector<Hash32> topics;
  Bytes data;
};

class State {
 public:
  explicit State(const StateReader& reader) : reader_(&reader) {}
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  // ---- accounts ----
  // Exists in the state trie (possibly empty).
  bool exists(const Address20& addr);
  // EIP-161 empty: nonce 0, balance 0, no code. Non-existent accounts are empty too.
  bool is_empty(const Address20& addr);
  std::uint64_t nonce(const Address20& addr);
  const uint256& balance(const Address20& addr);
  const Hash32& code_hash(const Address20& addr);
  const Bytes& code(const Address20& addr);
  bool has_storage(const Address20& addr);  // any non-zero current or pre-state slot

  // Mutations create the account if needed (and mark it touched).
  void set_nonce(const Address20& addr, std::uint64_t nonce);
  void add_balance(const Address20& addr, const uint256& v);
  void sub_balance(const Address20& addr, const uint256& v);  // caller checked v <= balance
  void set_balance(const Address20& addr, const uint256& v);
  void set_code(const Address20& addr, Bytes code);
  // Marks touched without changing anything (EIP-161 clearing candidate); creates nothing.
  void touch(const Address20& addr);
  // Creates the account as a new contract: keeps the balance, resets nonce/code/storage (only used after the
  // collision check, so storage is known to be empty).
  void create_account(const Address20& addr);

  // ---- storage ----
  uint256 get_storage(const Address20& addr, const uint256& key);
  uint256 get_original_storage(const Address20& addr, const uint256& key);
  void set_storage(const Address20& addr, const uint256& key, const uint256& value);
  uint256 get_transient(const Address20& addr, const uint256& key);
  void set_transient(const Address20& addr, const uint256& key, const uint256& value);

  // ---- EIP-2929 access sets: return whether the item was already warm, then warm it ----
  bool warm_address(const Address20& addr);
  bool warm_slot(const Address20& addr, const uint256& key);
  bool is_warm_address(const Address20& addr);

  // ---- refund, logs, EIP-6780 ----
  void add_refund(std::int64_t delta);
  std::int64_t refund() const noexcept { return refund_; }
  void add_log(Log log);
  const std::vector<Log>& logs() const noexcept { return logs_; }
  bool created_in_tx(const Address20& addr);
  void mark_created(const Address20& addr);
  void mark_destructed(const Address20& addr);

  // ---- journal ----
  std::size_t snapshot() const noexcept { return journal_.size(); }
  void revert(std::size_t snapshot);

  // End of transaction: deletes self-destructed and touched-empty accounts, commits storage originals,
  // clears all transaction-scoped data and the journal.
  void finalize_transaction();
  // Drops all transaction-scoped data and mutations back to the last finalize (an invalid transaction).
  void discard_transaction();

  // Writes every account changed since construction into `out` (deleted accounts are erased there).
  void commit_to(InMemoryState& out) const;
  // Every account changed since construction (call after finalize_transaction). Accounts that neither existed
  // before nor exist now are left out. Order is unspecified.
  std::vector<AccountDelta> changes() const;
  // Every address this State has read or written and, per address, the storage keys it has loaded
  // (eth_createAccessList). Order is unspecified.
  std::vector<std::pair<Address20, std::vector<uint256>>> loaded_keys() const;

 private:
  struct Slot {
    uint256 original;
    uint256 current;
    bool warm = false;
    bool written = false;  // set_storage was called since construction (for changes())
  };
  struct Account {
    bool exists = false;
    bool pre_exists = false;       // existed in the pre-state (for changes())
    bool code_set = false;         // set_code was called since construction (for changes())
    bool deleted = false;          // deleted during this block: pre-state storage must not be read
    bool pre_has_storage = false;  // pre-state had storage (and the account was not deleted since)
    std::uint64_t nonce = 0;
    uint256 balance;
    Hash32 code_hash = kEmptyCodeHash;
    std::shared_ptr<const Bytes> code;  // loaded lazily
    std::unordered_map<uint256, Slot> storage;
    // Transaction-scoped flags.
    bool warm = false;
    bool created = false;
    bool destructed = false;
    bool touched = false;
    bool dirty = false;  // changed since construction (for commit_to)
    bool in_tx_list = false;
  };

  enum class JournalKind : std::uint8_t {
    kNonce, kBalance, kCode, kStorage, kTransient, kWarmAddress, kWarmSlot, kRefund, kLog, kCreated,
    kDestructed, kTouched, kAccountCreated, kCreateAccount
  };
  struct JournalEntry {
    JournalKind kind = JournalKind::kNonce;
    Address20 addr;
    uint256 key;
    uint256 prev;                       // balance, storage value, transient value
    std::uint64_t prev_u64 = 0;         // nonce, refund, index into code_journal_
  };
  struct CodeJournalEntry {
    std::shared_ptr<const Bytes> code;
    Hash32 hash;
  };
  std::vector<CodeJournalEntry> code_journal_;

  Account& load(const Address20& addr);
  Account& load_existing(const Address20& addr);  // creates (journaled) if absent
  Slot& load_slot(const Address20& addr, Account& acc, const uint256& key);
  void mark_touched(const Address20& addr, Account& acc);

  const StateReader* reader_;
  std::unordered_map<Address20, Account, AddressHash> accounts_;
  // Transient storage (EIP-1153): an open-addressing table keyed by (address, slot). Transactions can touch
  // hundreds of thousands of slots, so node-based maps are too slow here.
  class TransientTable {
   public:
    uint256* find(const Address20& addr, const uint256& key) noexcept;
    uint256& get_or_insert(const Address20& addr, const uint256& key);
    void clear() noexcept;

   private:
    struct Entry {
      Address20 addr;
      bool used = false;
      uint256 key;
      uint256 value;
    };
    static std::size_t hash(const Address20& addr, const uint256& key) noexcept;
    void grow();
    std::vector<Entry> slots_;
    std::size_t size_ = 0;
  };
  TransientTable transient_;
  std::vector<JournalEntry> journal_;
  std::vector<Log> logs_;
  std::int64_t refund_ = 0;
  // Addresses with transaction-scoped flags set (to reset them cheaply).
  std::vector<Address20> tx_accounts_;
};

}  // namespace igra::evm
