#include "evm/state.hpp"

#include <utility>

#include "core/keccak.hpp"

namespace igra::evm {

namespace {
template <typename Entry, typename Kind>
Entry make_entry_impl(Kind kind, const Address20& addr, const uint256& key, const uint256& prev) {
  Entry e;
  e.kind = kind;
  e.addr = addr;
  e.key = key;
  e.prev = prev;
  return e;
}

const std::shared_ptr<const Bytes>& empty_code() {
  static const std::shared_ptr<const Bytes> kEmpty = std::make_shared<const Bytes>();
  return kEmpty;
}
}  // namespace

// ---------------------------------------------------------------------------------------------------------
// InMemoryState

std::optional<AccountInfo> InMemoryState::read_account(const Address20& addr) const {
  auto it = accounts_.find(addr);
  if (it == accounts_.end()) return std::nullopt;
  return AccountInfo{it->second.nonce, it->second.balance, it->second.code_hash, !it->second.storage.empty()};
}

uint256 InMemoryState::read_storage(const Address20& addr, const uint256& key) const {
  auto it = accounts_.find(addr);
  if (it == accounts_.end()) return {};
  auto s = it->second.storage.find(key);
  return s == it->second.storage.end() ? uint256() : s->second;
}

Bytes InMemoryState::read_code(const Hash32& code_hash) const {
  // Linear search is fine for tests; a persistent backend keys code by hash.
  for (const auto& [addr, acc] : accounts_)
    if (acc.code_hash == code_hash) return acc.code;
  return {};
}

void InMemoryState::set_account(const Address20& addr, std::uint64_t nonce, const uint256& balance, Bytes code,
                                std::unordered_map<uint256, uint256> storage) {
  Account a;
  a.nonce = nonce;
  a.balance = balance;
  a.code_hash = core::keccak256(code);
  a.code = std::move(code);
  for (auto& [k, v] : storage)
    if (!v.is_zero()) a.storage.emplace(k, v);
  accounts_[addr] = std::move(a);
}

// ---------------------------------------------------------------------------------------------------------
// State

State::Account& State::load(const Address20& addr) {
  auto it = accounts_.find(addr);
  if (it != accounts_.end()) return it->second;
  Account acc;
  if (auto info = reader_->read_account(addr)) {
    acc.exists = true;
    acc.pre_exists = true;
    acc.nonce = info->nonce;
    acc.balance = info->balance;
    acc.code_hash = info->code_hash;
    acc.pre_has_storage = info->has_storage;
  }
  return accounts_.emplace(addr, std::move(acc)).first->second;
}

State::Account& State::load_existing(const Address20& addr) {
  Account& acc = load(addr);
  if (!acc.exists) {
    JournalEntry e = make_entry_impl<JournalEntry>(JournalKind::kAccountCreated, addr, {}, {});
    journal_.push_back(std::move(e));
    acc.exists = true;
    acc.dirty = true;
  }
  return acc;
}

State::Slot& State::load_slot(const Address20& addr, Account& acc, const uint256& key) {
  auto it = acc.storage.find(key);
  if (it != acc.storage.end()) return it->second;
  uint256 v;
  if (!acc.deleted) v = reader_->read_storage(addr, key);
  return acc.storage.emplace(key, Slot{v, v, false}).first->second;
}

void State::mark_touched(const Address20& addr, Account& acc) {
  if (acc.touched) return;
  journal_.push_back(make_entry_impl<JournalEntry>(JournalKind::kTouched, addr, {}, {}));
  acc.touched = true;
  if (!acc.in_tx_list) {
    acc.in_tx_list = true;
    tx_accounts_.push_back(addr);
  }
}

bool State::exists(const Address20& addr) { return load(addr).exists; }

bool State::is_empty(const Address20& addr) {
  const Account& a = load(addr);
  return !a.exists || (a.nonce == 0 && a.balance.is_zero() && a.code_hash == kEmptyCodeHash);
}

std::uint64_t State::nonce(const Address20& addr) { return load(addr).nonce; }
const uint256& State::balance(const Address20& addr) { return load(addr).balance; }
const Hash32& State::code_hash(const Address20& addr) { return load(addr).code_hash; }

const Bytes& State::code(const Address20& addr) {
  Account& a = load(addr);
  if (!a.code) {
    if (a.code_hash == kEmptyCodeHash)
      a.code = empty_code();
    else
      a.code = std::make_shared<const Bytes>(reader_->read_code(a.code_hash));
  }
  return *a.code;
}

bool State::has_storage(const Address20& addr) {
  Account& a = load(addr);
  if (a.pre_has_storage && !a.deleted) return true;
  for (const auto& [k, s] : a.storage)
    if (!s.current.is_zero()) return true;
  return false;
}

void State::set_nonce(const Address20& addr, std::uint64_t nonce) {
  Account& a = load_existing(addr);
  JournalEntry e = make_entry_impl<JournalEntry>(JournalKind::kNonce, addr, {}, {});
  e.prev_u64 = a.nonce;
  journal_.push_back(std::move(e));
  a.nonce = nonce;
  a.dirty = true;
  mark_touched(addr, a);
}

void State::set_balance(const Address20& addr, const uint256& v) {
  Account& a = load_existing(addr);
  journal_.push_back(make_entry_impl<JournalEntry>(JournalKind::kBalance, addr, {}, a.balance));
  a.balance = v;
  a.dirty = true;
  mark_touched(addr, a);
}

void State::add_balance(const Address20& addr, const uint256& v) { set_balance(addr, balance(addr) + v); }
void State::sub_balance(const Address20& addr, const uint256& v) { set_balance(addr, balance(addr) - v); }

void State::set_code(const Address20& addr, Bytes code) {
  Account& a = load_existing(addr);
  this->code(addr);  // make sure prev_code is loaded
  JournalEntry e = make_entry_impl<JournalEntry>(JournalKind::kCode, addr, {}, {});
  e.prev_u64 = code_journal_.size();
  code_journal_.push_back(CodeJournalEntry{a.code, a.code_hash});
  journal_.push_back(std::move(e));
  a.code_hash = code.empty() ? kEmptyCodeHash : core::keccak256(code);
  a.code = code.empty() ? empty_code() : std::make_shared<const Bytes>(std::move(code));
  a.dirty = true;
  a.code_set = true;
  mark_touched(addr, a);
}

void State::touch(const Address20& addr) {
  Account& a = load(addr);
  mark_touched(addr, a);
}

void State::create_account(const Address20& addr) {
  Account& a = load_existing(addr);
  a.dirty = true;
  mark_touched(addr, a);
}

uint256 State::get_storage(const Address20& addr, const uint256& key) {
  Account& a = load(addr);
  return load_slot(addr, a, key).current;
}

uint256 State::get_original_storage(const Address20& addr, const uint256& key) {
  Account& a = load(addr);
  return load_slot(addr, a, key).original;
}

void State::set_storage(const Address20& addr, const uint256& key, const uint256& value) {
  Account& a = load(addr);
  Slot& s = load_slot(addr, a, key);
  journal_.push_back(make_entry_impl<JournalEntry>(JournalKind::kStorage, addr, key, s.current));
  s.current = value;
  s.written = true;
  a.dirty = true;
  if (!a.in_tx_list) {
    a.in_tx_list = true;
    tx_accounts_.push_back(addr);
  }
}

std::size_t State::TransientTable::hash(const Address20& addr, const uint256& key) noexcept {
  std::uint64_t h = AddressHash()(addr) ^ (key.limb(0) * 0x9e3779b97f4a7c15ull) ^ (key.limb(1) * 0xc2b2ae3d27d4eb4full) ^
                    (key.limb(2) * 0x165667b19e3779f9ull) ^ (key.limb(3) * 0x27d4eb2f165667c5ull);
  h ^= h >> 31;
  h *= 0xd6e8feb86659fd93ull;
  h ^= h >> 32;
  return static_cast<std::size_t>(h);
}

uint256* State::TransientTable::find(const Address20& addr, const uint256& key) noexcept {
  if (size_ == 0) return nullptr;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash(addr, key) & mask;; i = (i + 1) & mask) {
    Entry& e = slots_[i];
    if (!e.used) return nullptr;
    if (e.key == key && e.addr == addr) return &e.value;
  }
}

uint256& State::TransientTable::get_or_insert(const Address20& addr, const uint256& key) {
  if ((size_ + 1) * 2 > slots_.size()) grow();
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash(addr, key) & mask;; i = (i + 1) & mask) {
    Entry& e = slots_[i];
    if (!e.used) {
      e.used = true;
      e.addr = addr;
      e.key = key;
      e.value = 0;
      ++size_;
      return e.value;
    }
    if (e.key == key && e.addr == addr) return e.value;
  }
}

void State::TransientTable::grow() {
  std::vector<Entry> old = std::move(slots_);
  slots_.assign(old.empty() ? 64 : old.size() * 2, Entry{});
  size_ = 0;
  for (const Entry& e : old)
    if (e.used) get_or_insert(e.addr, e.key) = e.value;
}

void State::TransientTable::clear() noexcept {
  if (size_ == 0) return;
  // Large tables are dropped rather than wiped so one heavy transaction does not slow down the next ones.
  if (slots_.size() > 4096)
    std::vector<Entry>().swap(slots_);
  else
    for (Entry& e : slots_) e.used = false;
  size_ = 0;
}

uint256 State::get_transient(const Address20& addr, const uint256& key) {
  const uint256* v = transient_.find(addr, key);
  return v ? *v : uint256();
}

void State::set_transient(const Address20& addr, const uint256& key, const uint256& value) {
  uint256& slot = transient_.get_or_insert(addr, key);
  journal_.push_back(make_entry_impl<JournalEntry>(JournalKind::kTransient, addr, key, slot));
  slot = value;
}

bool State::warm_address(const Address20& addr) {
  Account& a = load(addr);
  if (a.warm) return true;
  journal_.push_back(make_entry_impl<JournalEntry>(JournalKind::kWarmAddress, addr, {}, {}));
  a.warm = true;
  if (!a.in_tx_list) {
    a.in_tx_list = true;
    tx_accounts_.push_back(addr);
  }
  return false;
}

bool State::is_warm_address(const Address20& addr) { return load(addr).warm; }

bool State::warm_slot(const Address20& addr, const uint256& key) {
  Account& a = load(addr);
  Slot& s = load_slot(addr, a, key);
  if (s.warm) return true;
  journal_.push_back(make_entry_impl<JournalEntry>(JournalKind::kWarmSlot, addr, key, {}));
  s.warm = true;
  if (!a.in_tx_list) {
    a.in_tx_list = true;
    tx_accounts_.push_back(addr);
  }
  return false;
}

void State::add_refund(std::int64_t delta) {
  JournalEntry e = make_entry_impl<JournalEntry>(JournalKind::kRefund, {}, {}, {});
  e.prev_u64 = static_cast<std::uint64_t>(refund_);
  journal_.push_back(std::move(e));
  refund_ += delta;
}

void State::add_log(Log log) {
  journal_.push_back(make_entry_impl<JournalEntry>(JournalKind::kLog, {}, {}, {}));
  logs_.push_back(std::move(log));
}

bool State::created_in_tx(const Address20& addr) { return load(addr).created; }

void State::mark_created(const Address20& addr) {
  Account& a = load(addr);
  if (a.created) return;
  journal_.push_back(make_entry_impl<JournalEntry>(JournalKind::kCreated, addr, {}, {}));
  a.created = true;
  if (!a.in_tx_list) {
    a.in_tx_list = true;
    tx_accounts_.push_back(addr);
  }
}

void State::mark_destructed(const Address20& addr) {
  Account& a = load(addr);
  if (a.destructed) return;
  journal_.push_back(make_entry_impl<JournalEntry>(JournalKind::kDestructed, addr, {}, {}));
  a.destructed = true;
  if (!a.in_tx_list) {
    a.in_tx_list = true;
    tx_accounts_.push_back(addr);
  }
}

void State::revert(std::size_t snap) {
  while (journal_.size() > snap) {
    JournalEntry& e = journal_.back();
    switch (e.kind) {
      case JournalKind::kNonce: accounts_.find(e.addr)->second.nonce = e.prev_u64; break;
      case JournalKind::kBalance: accounts_.find(e.addr)->second.balance = e.prev; break;
      case JournalKind::kCode: {
        Account& a = accounts_.find(e.addr)->second;
        CodeJournalEntry& c = code_journal_[e.prev_u64];
        a.code = std::move(c.code);
        a.code_hash = c.hash;
        code_journal_.resize(e.prev_u64);
        break;
      }
      case JournalKind::kStorage: accounts_.find(e.addr)->second.storage.find(e.key)->second.current = e.prev; break;
      case JournalKind::kTransient: transient_.get_or_insert(e.addr, e.key) = e.prev; break;
      case JournalKind::kWarmAddress: accounts_.find(e.addr)->second.warm = false; break;
      case JournalKind::kWarmSlot: accounts_.find(e.addr)->second.storage.find(e.key)->second.warm = false; break;
      case JournalKind::kRefund: refund_ = static_cast<std::int64_t>(e.prev_u64); break;
      case JournalKind::kLog: logs_.pop_back(); break;
      case JournalKind::kCreated: accounts_.find(e.addr)->second.created = false; break;
      case JournalKind::kDestructed: accounts_.find(e.addr)->second.destructed = false; break;
      case JournalKind::kTouched: accounts_.find(e.addr)->second.touched = false; break;
      case JournalKind::kAccountCreated: accounts_.find(e.addr)->second.exists = false; break;
      case JournalKind::kCreateAccount: break;
    }
    journal_.pop_back();
  }
}

void State::finalize_transaction() {
  // Slots warmed or written in this transaction are exactly those with a kWarmSlot / kStorage journal entry
  // left after the reverts (a revert undoes both), so only they need resetting: walking every loaded slot
  // of a busy contract after each transaction would make a block quadratic in its storage footprint.
  for (const JournalEntry& e : journal_) {
    if (e.kind != JournalKind::kStorage && e.kind != JournalKind::kWarmSlot) continue;
    auto acc = accounts_.find(e.addr);
    if (acc == accounts_.end()) continue;
    auto slot = acc->second.storage.find(e.key);
    if (slot == acc->second.storage.end()) continue;
    slot->second.warm = false;
    slot->second.original = slot->second.current;
  }
  for (const Address20& addr : tx_accounts_) {
    Account& a = accounts_.find(addr)->second;
    const bool empty = a.nonce == 0 && a.balance.is_zero() && a.code_hash == kEmptyCodeHash;
    if (a.exists && (a.destructed || (a.touched && empty))) {
      a.exists = false;
      a.deleted = true;
      a.pre_has_storage = false;
      a.nonce = 0;
      a.balance = 0;
      a.code_hash = kEmptyCodeHash;
      a.code = empty_code();
      a.storage.clear();
      a.dirty = true;
    }
    a.warm = a.created = a.destructed = a.touched = a.in_tx_list = false;
  }
  tx_accounts_.clear();
  transient_.clear();
  journal_.clear();
  code_journal_.clear();
  logs_.clear();
  refund_ = 0;
}

void State::discard_transaction() {
  revert(0);
  code_journal_.clear();
  for (const Address20& addr : tx_accounts_) {
    Account& a = accounts_.find(addr)->second;
    a.warm = a.created = a.destructed = a.touched = a.in_tx_list = false;  // slot warmth: undone by revert(0)
  }
  tx_accounts_.clear();
  transient_.clear();
  logs_.clear();
  refund_ = 0;
}

void State::commit_to(InMemoryState& out) const {
  for (const auto& [addr, a] : accounts_) {
    if (!a.dirty) continue;
    if (!a.exists) {
      out.accounts().erase(addr);
      continue;
    }
    auto& o = out.accounts()[addr];
    if (a.deleted) o.storage.clear();
    o.nonce = a.nonce;
    o.balance = a.balance;
    if (o.code_hash != a.code_hash) {
      o.code = a.code ? *a.code : reader_->read_code(a.code_hash);
      o.code_hash = a.code_hash;
    }
    for (const auto& [k, s] : a.storage) {
      if (s.current.is_zero())
        o.storage.erase(k);
      else
        o.storage[k] = s.current;
    }
  }
}

std::vector<AccountDelta> State::changes() const {
  std::vector<AccountDelta> out;
  for (const auto& [addr, a] : accounts_) {
    if (!a.dirty) continue;
    if (!a.exists && !a.pre_exists) continue;  // created and removed within the block, or never created
    AccountDelta d;
    d.address = addr;
    d.exists = a.exists;
    d.wipe_storage = a.deleted;
    if (a.exists) {
      d.nonce = a.nonce;
      d.balance = a.balance;
      d.code_hash = a.code_hash;
      if (a.code_set && a.code && !a.code->empty()) d.new_code = a.code;
      for (const auto& [k, s] : a.storage)
        if (s.written) d.storage.emplace_back(k, s.current);
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace igra::evm

namespace igra::evm {
std::vector<std::pair<Address20, std::vector<uint256>>> State::loaded_keys() const {
  std::vector<std::pair<Address20, std::vector<uint256>>> out;
  out.reserve(accounts_.size());
  for (const auto& [addr, acc] : accounts_) {
    std::vector<uint256> keys;
    keys.reserve(acc.storage.size());
    for (const auto& [k, slot] : acc.storage) keys.push_back(k);
    out.emplace_back(addr, std::move(keys));
  }
  return out;
}
}  // namespace igra::evm
