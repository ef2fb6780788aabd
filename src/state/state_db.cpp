#include "state/state_db.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>

#include "core/keccak.hpp"
#include "core/rlp.hpp"
#include "state/incremental_trie.hpp"
#include "state/mpt.hpp"
#include "state/tables.hpp"

namespace igra::state {

using core::Bytes;
using core::ByteView;
using core::Hash32;
using core::Address20;
namespace t = tables;

namespace {

// Trie rows of one trie in an LMDB table, under a key prefix (the hashed address for storage tries).
class LmdbNodeStore final : public NodeStore {
 public:
  LmdbNodeStore(Txn& txn, std::string_view table, ByteView prefix) : txn_(txn), table_(table), prefix_(prefix.begin(), prefix.end()) {}
  core::Result<std::optional<Bytes>> load(ByteView path) override {
    key_.assign(prefix_.begin(), prefix_.end());
    core::append(key_, path);
    IGRA_TRY(auto v, txn_.get(table_, key_));
    if (!v) return std::optional<Bytes>();
    return std::optional<Bytes>(Bytes(v->begin(), v->end()));
  }

 private:
  Txn& txn_;
  std::string_view table_;
  Bytes prefix_;
  Bytes key_;
};

core::Result<void> write_trie(Txn& txn, std::string_view table, ByteView prefix, const TrieWrites& w) {
  if (w.wipe) IGRA_TRY_VOID(txn.erase_prefix(table, prefix));
  Bytes key;
  for (const auto& d : w.deletes) {
    key.assign(prefix.begin(), prefix.end());
    core::append(key, d);
    IGRA_TRY(bool existed, txn.erase(table, key));
    (void)existed;
  }
  for (const auto& [path, node] : w.puts) {
    key.assign(prefix.begin(), prefix.end());
    core::append(key, path);
    IGRA_TRY_VOID(txn.put(table, key, node));
  }
  return {};
}

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}
// Adds the time of its scope to a counter.
struct ScopedTimer {
  double& acc;
  Clock::time_point t0 = Clock::now();
  explicit ScopedTimer(double& a) : acc(a) {}
  ~ScopedTimer() { acc += ms_since(t0); }
};

bool has_prefix(ByteView key, ByteView prefix) {
  return key.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), key.begin());
}

core::Result<std::optional<std::uint64_t>> read_head(Txn& txn) {
  IGRA_TRY(auto v, txn.get(t::kMeta, core::as_bytes(t::kMetaHead)));
  if (!v) return std::optional<std::uint64_t>();
  if (v->size() != 8) return core::make_error(core::ErrorCode::kInternal, "state db: corrupt head row");
  return std::optional<std::uint64_t>(core::load_be<std::uint64_t>(v->data()));
}

Bytes copy(std::optional<ByteView> v) { return v ? Bytes(v->begin(), v->end()) : Bytes{}; }

Bytes u64be_u32be(std::uint64_t a, std::uint32_t b) {
  Bytes k;
  core::put_be(k, a);
  core::put_be(k, b);
  return k;
}

// Deletes every row whose key starts with prefix (block-keyed multi-row tables).
core::Result<void> erase_rows(Txn& txn, std::string_view table, ByteView prefix) {
  IGRA_TRY(auto n, txn.erase_prefix(table, prefix));
  (void)n;
  return {};
}

// The read transaction of a thread started by trie_spawn (tl_helper set; nullptr if it could not be opened).
thread_local bool tl_helper = false;
thread_local Txn* tl_helper_txn = nullptr;

// IncrementalTrie::put_batch's second thread: a read transaction of its own for the trie loads.
IncrementalTrie::Spawn trie_spawn(Env& env) {
  return [&env](std::function<void()> work) {
    return std::thread([&env, work = std::move(work)] {
      auto txn = env.begin_read();
      tl_helper = true;
      tl_helper_txn = txn.ok() ? &*txn : nullptr;
      work();
      tl_helper_txn = nullptr;
      tl_helper = false;
    });
  };
}

}  // namespace

// The flat-state changes of the blocks after Meta "flat_block", merged (tables.hpp PlainDiff): what the
// plain tables lack. The writer's copy of its committed PlainDiff rows.
struct FlatOverlay {
  struct Entry {
    std::optional<Bytes> account;             // acct after the newest change (empty: deleted); unset: unchanged
    bool wiped = false;                       // storage wiped: the plain table's slots are all zero
    std::unordered_map<Hash32, Bytes> slots;  // word after the newest change (empty: zero)
  };
  std::unordered_map<Address20, Entry> entries;
};

namespace {

core::Result<std::optional<std::uint64_t>> read_meta_block(Txn& txn, std::string_view key) {
  IGRA_TRY(auto v, txn.get(t::kMeta, core::as_bytes(key)));
  if (!v) return std::optional<std::uint64_t>();
  if (v->size() != 8) return core::make_error(core::ErrorCode::kInternal, "state db: malformed Meta " + std::string(key));
  return std::optional<std::uint64_t>(core::load_be<std::uint64_t>(v->data()));
}

// The account after the head (writer: overlay, else PlainAccount).
core::Result<Bytes> flat_account(Txn& txn, const FlatOverlay& flat, const Address20& addr) {
  if (auto it = flat.entries.find(addr); it != flat.entries.end() && it->second.account) return *it->second.account;
  IGRA_TRY(auto v, txn.get(t::kPlainAccount, addr.view()));
  return copy(v);
}

// A slot after the head (writer: overlay, else PlainStorage).
core::Result<Bytes> flat_storage(Txn& txn, const FlatOverlay& flat, const Address20& addr, const Hash32& slot) {
  if (auto it = flat.entries.find(addr); it != flat.entries.end()) {
    if (auto s = it->second.slots.find(slot); s != it->second.slots.end()) return s->second;
    if (it->second.wiped) return Bytes{};
  }
  IGRA_TRY(auto v, txn.get(t::kPlainStorage, t::concat({addr.view(), slot.view()})));
  return copy(v);
}

// Every non-zero slot of an account after the head, in slot order.
core::Result<std::map<Hash32, Bytes>> flat_live_slots(Txn& txn, const FlatOverlay& flat, const Address20& addr) {
  std::map<Hash32, Bytes> out;
  auto it = flat.entries.find(addr);
  if (it == flat.entries.end() || !it->second.wiped) {
    IGRA_TRY(auto c, txn.cursor(t::kPlainStorage));
    IGRA_TRY(auto e, c.seek(addr.view()));
    while (e && has_prefix(e->first, addr.view())) {
      out.emplace(Hash32::from_view(e->first.subspan(20, 32)), copy(e->second));
      IGRA_TRY(e, c.next());
    }
  }
  if (it != flat.entries.end())
    for (const auto& [slot, word] : it->second.slots) {
      if (word.empty()) out.erase(slot);
      else out[slot] = word;
    }
  return out;
}

// Rebuilds the overlay from the committed PlainDiff rows (in key order: block by block, a block's wipe
// marker before its slots).
core::Result<void> load_flat(Txn& txn, FlatOverlay& flat) {
  flat.entries.clear();
  IGRA_TRY(auto c, txn.cursor(t::kPlainDiff));
  IGRA_TRY(auto e, c.first());
  while (e) {
    const ByteView k = e->first;
    const bool account = k.size() == 29 && k[8] == t::kDiffAccount;
    const bool wipe = k.size() == 29 && k[8] == t::kDiffStorage;
    const bool slot = k.size() == 61 && k[8] == t::kDiffStorage;
    if (!account && !wipe && !slot) return core::make_error(core::ErrorCode::kInternal, "state db: malformed PlainDiff row");
    auto& entry = flat.entries[Address20::from_view(k.subspan(9, 20))];
    if (account) {
      entry.account = copy(e->second);
    } else if (wipe) {
      entry.wiped = true;
      entry.slots.clear();
    } else {
      entry.slots[Hash32::from_view(k.subspan(29, 32))] = copy(e->second);
    }
    IGRA_TRY(e, c.next());
  }
  return {};
}

// Moves the overlay into PlainAccount / PlainStorage in key order, deletes the PlainDiff rows and records
// flat_block = block.
core::Result<void> flush_flat(Txn& txn, FlatOverlay& flat, std::uint64_t block) {
  std::vector<std::pair<const Address20, FlatOverlay::Entry>*> order;
  order.reserve(flat.entries.size());
  for (auto& e : flat.entries) order.push_back(&e);
  std::sort(order.begin(), order.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  IGRA_TRY(auto storage, txn.cursor(t::kPlainStorage));
  IGRA_TRY(auto accounts, txn.cursor(t::kPlainAccount));
  std::vector<std::pair<const Hash32, Bytes>*> slots;
  Bytes key;
  for (auto* e : order) {
    const Address20& addr = e->first;
    FlatOverlay::Entry& fe = e->second;
    if (fe.wiped) {
      IGRA_TRY(auto n, txn.erase_prefix(t::kPlainStorage, addr.view()));
      (void)n;
    }
    slots.clear();
    for (auto& s : fe.slots) slots.push_back(&s);
    std::sort(slots.begin(), slots.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
    for (auto* s : slots) {
      key = t::concat({addr.view(), s->first.view()});
      IGRA_TRY(auto found, storage.find(key));
      if (s->second.empty()) {
        if (found) IGRA_TRY_VOID(storage.erase());
      } else if (found) {
        IGRA_TRY_VOID(storage.put_current(key, s->second));
      } else {
        IGRA_TRY_VOID(storage.put(key, s->second));
      }
    }
    if (fe.account) {
      IGRA_TRY(auto found, accounts.find(addr.view()));
      if (fe.account->empty()) {
        if (found) IGRA_TRY_VOID(accounts.erase());
      } else if (found) {
        IGRA_TRY_VOID(accounts.put_current(addr.view(), *fe.account));
      } else {
        IGRA_TRY_VOID(accounts.put(addr.view(), *fe.account));
      }
    }
  }
  IGRA_TRY_VOID(txn.clear(t::kPlainDiff));
  IGRA_TRY_VOID(txn.put(t::kMeta, core::as_bytes(t::kMetaFlatBlock), t::block_key(block)));
  flat.entries.clear();
  return {};
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// StateDb: writer
// ---------------------------------------------------------------------------------------------------------

// The writer's tries, kept across blocks: the rows of block trie_block plus, in memory, the edits of the
// blocks after it. Loads go through whichever write transaction is current.
struct StateDb::TrieCache {
  class Store final : public NodeStore {
   public:
    Store(TrieCache& cache, std::string_view table, ByteView prefix)
        : cache_(cache), table_(table), prefix_(prefix.begin(), prefix.end()) {}
    core::Result<std::optional<Bytes>> load(ByteView path) override {
      // On a put_batch helper thread: that thread's read transaction (the write transaction belongs to the
      // writer's thread). It sees the same trie rows: they are only written by a flush, after the edits.
      Txn* txn = tl_helper ? tl_helper_txn : cache_.txn;
      if (txn == nullptr)
        return core::make_error(core::ErrorCode::kInternal, "state db: trie load outside a transaction");
      Bytes key(prefix_.begin(), prefix_.end());
      core::append(key, path);
      cache_.loads.fetch_add(1, std::memory_order_relaxed);
      IGRA_TRY(auto v, txn->get(table_, key));
      if (!v) return std::optional<Bytes>();
      return std::optional<Bytes>(Bytes(v->begin(), v->end()));
    }
    bool trusted() const noexcept override { return true; }  // this writer's own rows

   private:
    TrieCache& cache_;
    std::string_view table_;
    Bytes prefix_;
  };
  struct StorageTrie {
    std::unique_ptr<Store> store;
    std::unique_ptr<IncrementalTrie> trie;
    std::size_t edits = 0;  // slots written since the last flush
  };
  // A flush keeps the storage tries that saw at least this many writes since the previous one (the busy
  // contracts of token traffic, written again in the next blocks) and drops the others.
  static constexpr std::size_t kKeepStorageEdits = 64;

  TrieCache() : account_store(*this, t::kAccountTrie, {}), account(&account_store) {}

  IncrementalTrie& storage(const Hash32& haddr, std::size_t edits = 0) {
    auto& e = storages[haddr];
    e.edits += edits;
    if (!e.trie) {
      e.store = std::make_unique<Store>(*this, t::kStorageTrie, haddr.view());
      e.trie = std::make_unique<IncrementalTrie>(e.store.get());
    }
    return *e.trie;
  }

  // Writes every pending row (plain tables, then trie rows) into txn and records flat_block = trie_block =
  // block.
  core::Result<std::size_t> flush(Txn& tx, std::uint64_t block) {
    IGRA_TRY_VOID(flush_flat(tx, flat, block));
    std::size_t rows = 0;
    for (auto& [haddr, e] : storages) {
      IGRA_TRY(auto w, e.trie->take_writes());
      rows += w.puts.size();
      IGRA_TRY_VOID(write_trie(tx, t::kStorageTrie, haddr.view(), w));
    }
    IGRA_TRY(auto aw, account.take_writes());
    rows += aw.puts.size();
    IGRA_TRY_VOID(write_trie(tx, t::kAccountTrie, {}, aw));
    IGRA_TRY_VOID(tx.put(t::kMeta, core::as_bytes(t::kMetaTrieBlock), t::block_key(block)));
    return rows;
  }

  Txn* txn = nullptr;
  FlatOverlay flat;  // the flat changes of blocks flat_block+1..head (= trie_block+1..head)
  Store account_store;
  IncrementalTrie account;
  std::unordered_map<Hash32, StorageTrie> storages;  // by keccak256(address)
  std::optional<std::uint64_t> trie_block;  // rows in the database are the tries after this block
  std::size_t edited_keys = 0;              // since the last flush
  std::size_t cached_keys = 0;              // edits seen by the nodes kept in `account` (memory bound)
  std::atomic<std::size_t> loads{0};        // rows loaded (both threads), for ApplyTimings
};

namespace {
// Sets the cache's current transaction for a scope. Holds the owner, not the cache: the scope may replace
// the cache (after a flush) before it ends.
struct BindTxn {
  std::unique_ptr<StateDb::TrieCache>& owner;
  BindTxn(std::unique_ptr<StateDb::TrieCache>& o, Txn& t) : owner(o) { owner->txn = &t; }
  ~BindTxn() {
    if (owner) owner->txn = nullptr;
  }
};

core::Result<std::optional<std::uint64_t>> read_trie_block(Txn& txn) {
  IGRA_TRY(auto v, txn.get(t::kMeta, core::as_bytes(t::kMetaTrieBlock)));
  if (!v) return std::optional<std::uint64_t>();
  if (v->size() != 8) return core::make_error(core::ErrorCode::kInternal, "state db: corrupt trie_block row");
  return std::optional<std::uint64_t>(core::load_be<std::uint64_t>(v->data()));
}

// Meta "index_from" (tables.hpp, deferred indices). Absent: every stored block is indexed.
core::Result<std::uint64_t> read_index_from(Txn& txn, std::optional<std::uint64_t> head) {
  IGRA_TRY(auto v, txn.get(t::kMeta, core::as_bytes(t::kMetaIndexFrom)));
  if (!v) return head ? *head + 1 : 0;
  if (v->size() != 8) return core::make_error(core::ErrorCode::kInternal, "state db: corrupt index_from row");
  return core::load_be<std::uint64_t>(v->data());
}

// A BlockIndexKeys row: views into its bytes.
struct BlockIndexEntries {
  std::vector<ByteView> txs, addresses, topics;
};
core::Result<BlockIndexEntries> parse_block_index(ByteView raw) {
  BlockIndexEntries out;
  IGRA_TRY(auto outer, core::RlpReader::of_encoded_list(raw));
  for (auto* list : {&out.txs, &out.addresses, &out.topics}) {
    IGRA_TRY(auto items, outer.read_list());
    while (!items.empty()) {
      IGRA_TRY(auto item, items.read_bytes());
      list->push_back(item);
    }
  }
  return out;
}

// Byte-wise key order (LMDB's default comparator).
bool bytes_less(const Bytes& a, const Bytes& b) noexcept {
  const std::size_t n = std::min(a.size(), b.size());
  const int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  return c < 0 || (c == 0 && a.size() < b.size());
}

// Writes the deferred index entries (tables.hpp) of blocks [from, to], each table in key order.
core::Result<void> write_indices(Txn& txn, std::uint64_t from, std::uint64_t to) {
  std::vector<Bytes> accounts, slots, addresses, topics;
  std::vector<std::pair<Bytes, Bytes>> txs;
  {
    IGRA_TRY(auto c, txn.cursor(t::kAccountChangeSet));
    IGRA_TRY(auto e, c.seek(t::block_key(from)));
    while (e && core::load_be<std::uint64_t>(e->first.data()) <= to) {
      accounts.push_back(t::with_block(Bytes(e->first.begin() + 8, e->first.end()), core::load_be<std::uint64_t>(e->first.data())));
      IGRA_TRY(e, c.next());
    }
  }
  {
    IGRA_TRY(auto c, txn.cursor(t::kStorageChangeSet));
    IGRA_TRY(auto e, c.seek(t::block_key(from)));
    while (e && core::load_be<std::uint64_t>(e->first.data()) <= to) {
      slots.push_back(t::with_block(Bytes(e->first.begin() + 8, e->first.end()), core::load_be<std::uint64_t>(e->first.data())));
      IGRA_TRY(e, c.next());
    }
  }
  {
    IGRA_TRY(auto c, txn.cursor(t::kBlockIndexKeys));
    IGRA_TRY(auto e, c.seek(t::block_key(from)));
    while (e && core::load_be<std::uint64_t>(e->first.data()) <= to) {
      const std::uint64_t b = core::load_be<std::uint64_t>(e->first.data());
      IGRA_TRY(auto idx, parse_block_index(e->second));
      for (std::size_t i = 0; i < idx.txs.size(); ++i)
        txs.emplace_back(Bytes(idx.txs[i].begin(), idx.txs[i].end()), u64be_u32be(b, static_cast<std::uint32_t>(i)));
      for (auto a : idx.addresses) addresses.push_back(t::with_block(Bytes(a.begin(), a.end()), b));
      for (auto h : idx.topics) topics.push_back(t::with_block(Bytes(h.begin(), h.end()), b));
      IGRA_TRY(e, c.next());
    }
  }
  const auto put_sorted = [&](std::string_view table, std::vector<Bytes>& keys) -> core::Result<void> {
    std::sort(keys.begin(), keys.end(), bytes_less);
    for (const auto& k : keys) IGRA_TRY_VOID(txn.put(table, k, {}));
    return {};
  };
  IGRA_TRY_VOID(put_sorted(t::kAccountHistory, accounts));
  IGRA_TRY_VOID(put_sorted(t::kStorageHistory, slots));
  IGRA_TRY_VOID(put_sorted(t::kLogAddressIndex, addresses));
  IGRA_TRY_VOID(put_sorted(t::kLogTopicIndex, topics));
  std::sort(txs.begin(), txs.end(), [](const auto& a, const auto& b) { return bytes_less(a.first, b.first); });
  for (const auto& [k, v] : txs) IGRA_TRY_VOID(txn.put(t::kTxLookup, k, v));
  return {};
}

// Every account, and slot, that blocks [from, to] changed, from the changesets.
core::Result<std::map<Address20, std::set<Hash32>>> changed_keys(Txn& txn, std::uint64_t from, std::uint64_t to) {
  std::map<Address20, std::set<Hash32>> out;
  if (from > to) return out;
  {
    IGRA_TRY(auto c, txn.cursor(t::kAccountChangeSet));
    IGRA_TRY(auto e, c.seek(t::block_key(from)));
    while (e && core::load_be<std::uint64_t>(e->first.data()) <= to) {
      out[Address20::from_view(e->first.subspan(8, 20))];
      IGRA_TRY(e, c.next());
    }
  }
  {
    IGRA_TRY(auto c, txn.cursor(t::kStorageChangeSet));
    IGRA_TRY(auto e, c.seek(t::block_key(from)));
    while (e && core::load_be<std::uint64_t>(e->first.data()) <= to) {
      out[Address20::from_view(e->first.subspan(8, 20))].insert(Hash32::from_view(e->first.subspan(28, 32)));
      IGRA_TRY(e, c.next());
    }
  }
  return out;
}
}  // namespace

// Sets every given key of the cached tries to its current flat-state value and checks each storage root
// against the account's stored one. Returns the state root.
static core::Result<Hash32> replay_into(StateDb::TrieCache& tries, Txn& txn,
                                        const std::map<Address20, std::set<Hash32>>& touched, std::string_view what) {
  for (const auto& [addr, slots] : touched) {
    IGRA_TRY(const Bytes raw, flat_account(txn, tries.flat, addr));
    std::optional<Account> acct;
    if (!raw.empty()) {
      IGRA_TRY(acct, decode_account(raw));
    }
    if (!slots.empty()) {
      IncrementalTrie& st = tries.storage(core::keccak256(addr.view()));
      for (const auto& slot : slots) {
        IGRA_TRY(const Bytes word, flat_storage(txn, tries.flat, addr, slot));
        IGRA_TRY_VOID(st.put(core::keccak256(slot.view()).view(), word));
      }
      IGRA_TRY(const Hash32 sroot, st.root_hash());
      const Hash32 expected = acct ? acct->storage_root : kEmptyTrieRoot;
      if (sroot != expected)
        return core::make_error(core::ErrorCode::kInternal,
                                "state db: " + std::string(what) + ": a rebuilt storage root differs from the account's");
    }
    IGRA_TRY_VOID(tries.account.put(core::keccak256(addr.view()).view(), raw));
  }
  return tries.account.root_hash();
}

// A block applied in an open write transaction, waiting for commit_block.
struct StateDb::Staged {
  Txn txn;
  std::uint64_t number = 0;
  Hash32 root;
  bool flushed = false;
  const BlockChanges* changes = nullptr;
  Clock::time_point start;
};

StateDb::StateDb() = default;
StateDb::~StateDb() = default;

core::Result<void> StateDb::ensure_tries() {
  if (tries_) return {};
  for (;;) {
    auto r = try_rebuild_tries();
    if (r.ok() || !is_map_full(r.error())) return r;
    IGRA_TRY_VOID(env_->grow_map());
    ++growths_;
  }
}

// Builds a fresh cache: the stored rows (block T) plus the blocks T+1..head replayed from the changesets,
// then writes the rows so that T = head. Runs on open and after any failed write (whose in-memory edits
// cannot be trusted).
core::Result<void> StateDb::try_rebuild_tries() {
  auto cache = std::make_unique<TrieCache>();
  IGRA_TRY(Txn txn, env_->begin_write());
  IGRA_TRY(auto head, read_head(txn));
  IGRA_TRY(auto trie_block, read_trie_block(txn));
  IGRA_TRY_VOID(load_flat(txn, cache->flat));
  if (!head) {
    tries_ = std::move(cache);
    return {};
  }
  const std::uint64_t from = trie_block ? *trie_block + 1 : 0;
  if (trie_block && *trie_block == *head) {
    cache->trie_block = head;
    tries_ = std::move(cache);
    return {};
  }
  BindTxn bind(cache, txn);
  IGRA_TRY(auto touched, changed_keys(txn, from, *head));
  IGRA_TRY(const Hash32 root, replay_into(*cache, txn, touched, "recovery"));
  IGRA_TRY(auto stored, txn.get(t::kStateRoot, t::block_key(*head)));
  if (!stored || Hash32::from_view(*stored) != root)
    return core::make_error(core::ErrorCode::kInternal, "state db: the trie recomputed for block " +
                                                            std::to_string(*head) + " does not match its stored root");
  IGRA_TRY(auto rows, cache->flush(txn, *head));
  (void)rows;
  IGRA_TRY_VOID(txn.commit());
  auto fresh = std::make_unique<TrieCache>();  // drop the loaded nodes: bounded memory
  fresh->trie_block = head;
  tries_ = std::move(fresh);
  return {};
}

core::Result<void> StateDb::flush_trie() {
  if (staged_) return core::make_error(core::ErrorCode::kInternal, "state db: flush while a block is staged");
  IGRA_TRY_VOID(ensure_tries());
  if (!head_ || tries_->trie_block == head_) return {};
  IGRA_TRY(Txn txn, env_->begin_write());
  BindTxn bind(tries_, txn);
  auto r = tries_->flush(txn, *head_);
  if (r.ok()) {
    auto c = txn.commit();
    if (c.ok()) {
      tries_ = std::make_unique<TrieCache>();
      tries_->trie_block = head_;
      return {};
    }
    tries_.reset();
    return std::move(c).error();
  }
  tries_.reset();
  return std::move(r).error();
}

core::Result<std::unique_ptr<StateDb>> StateDb::open(const EnvOptions& options, const StateDbTuning& tuning) {
  IGRA_TRY(auto env, Env::open(options));
  std::unique_ptr<StateDb> db(new StateDb());
  db->env_ = std::move(env);
  db->tuning_ = tuning;
  if (db->tuning_.trie_flush_interval == 0) db->tuning_.trie_flush_interval = 1;
  db->tuning_.index_flush_interval = std::clamp<std::uint64_t>(db->tuning_.index_flush_interval, 1, 256);
  IGRA_TRY(auto txn, db->env_->begin_write());
  IGRA_TRY(auto schema, txn.get(t::kMeta, core::as_bytes(t::kMetaSchema)));
  if (schema) {
    const std::uint32_t version = schema->size() == 4 ? core::load_be<std::uint32_t>(schema->data()) : 0;
    if (version != t::kSchemaVersion && version != 2)
      return core::make_error(core::ErrorCode::kUnsupported, "state db: unsupported schema version in " + options.path);
    if (version == 2) {  // no PlainDiff rows yet: the plain tables are at the head; only the number changes
      Bytes v;
      core::put_be(v, t::kSchemaVersion);
      IGRA_TRY_VOID(txn.put(t::kMeta, core::as_bytes(t::kMetaSchema), v));
    }
  } else {
    Bytes v;
    core::put_be(v, t::kSchemaVersion);
    IGRA_TRY_VOID(txn.put(t::kMeta, core::as_bytes(t::kMetaSchema), v));
  }
  IGRA_TRY(db->head_, read_head(txn));
  IGRA_TRY_VOID(txn.commit());
  // Bring the trie rows up to the head (after a crash they may lag behind it).
  IGRA_TRY_VOID(db->ensure_tries());
  return db;
}

core::Result<core::Hash32> StateDb::apply_block(const BlockData& data, const BlockChanges& changes) {
  IGRA_TRY(const Hash32 root, stage_block(data.number, changes));
  IGRA_TRY_VOID(commit_block(data));
  return root;
}

core::Result<core::Hash32> StateDb::stage_block(std::uint64_t number, const BlockChanges& changes) {
  if (staged_) return core::make_error(core::ErrorCode::kInternal, "state db: a staged block is still open");
  for (;;) {
    IGRA_TRY_VOID(ensure_tries());
    auto r = try_stage(number, changes);
    if (r.ok()) return r;
    // A failed block may have edited the cached tries: drop them (rebuilt from the database next time).
    staged_.reset();
    tries_.reset();
    if (!is_map_full(r.error())) return r;
    // The transaction was aborted (nothing written): make room and redo the whole block.
    IGRA_TRY_VOID(env_->grow_map());
    ++growths_;
  }
}

void StateDb::abort_block() {
  if (!staged_) return;
  staged_.reset();  // aborts the transaction
  tries_.reset();   // the cache holds the aborted block's edits
}

core::Result<void> StateDb::commit_block(const BlockData& data) {
  if (!staged_) return core::make_error(core::ErrorCode::kInternal, "state db: commit_block without stage_block");
  if (data.number != staged_->number) {
    const std::uint64_t staged_number = staged_->number;
    abort_block();
    return core::make_error(core::ErrorCode::kInvalidArgument, "state db: commit_block for block " +
                                                                   std::to_string(data.number) + " but block " +
                                                                   std::to_string(staged_number) + " is staged");
  }
  for (;;) {
    auto r = try_commit(data);
    if (r.ok()) return r;
    const BlockChanges* changes = staged_->changes;
    const std::uint64_t number = staged_->number;
    abort_block();
    if (!is_map_full(r.error())) return r;
    IGRA_TRY_VOID(env_->grow_map());
    ++growths_;
    IGRA_TRY(const Hash32 root, stage_block(number, *changes));
    (void)root;  // the same changes give the same root
  }
}

core::Result<void> StateDb::unwind_to(std::uint64_t block) {
  if (staged_) return core::make_error(core::ErrorCode::kInternal, "state db: unwind while a block is staged");
  for (;;) {
    IGRA_TRY_VOID(ensure_tries());
    auto r = try_unwind(block);
    if (!r.ok()) tries_.reset();
    if (r.ok() || !is_map_full(r.error())) return r;
    IGRA_TRY_VOID(env_->grow_map());
    ++growths_;
  }
}

core::Result<core::Hash32> StateDb::try_stage(std::uint64_t number, const BlockChanges& changes) {
  const auto t_start = Clock::now();
  timings_ = ApplyTimings{};
  double& trie_ms = timings_.trie_ms;
  IGRA_TRY(Txn txn, env_->begin_write());
  IGRA_TRY(auto head, read_head(txn));
  const std::uint64_t n = number;
  if (head && n != *head + 1)
    return core::make_error(core::ErrorCode::kInvalidArgument, "state db: block " + std::to_string(n) +
                                                                   " does not follow the head " + std::to_string(*head));
  const Bytes bn = t::block_key(n);

  // Group the changes by address; the last entry for an account or slot wins.
  struct Pending {
    const AccountChange* change = nullptr;
    bool wipe = false;
    std::map<Hash32, core::uint256> writes;
  };
  std::map<Address20, Pending> by_addr;
  for (const auto& c : changes.accounts) {
    auto& p = by_addr[c.address];
    p.change = &c;
    if (c.wipe_storage || !c.account) {
      // A wipe discards the writes given before it for this address (they belong to the old incarnation).
      p.wipe = true;
      p.writes.clear();
    }
  }
  for (const auto& s : changes.storage) by_addr[s.address].writes[s.slot] = s.value;

  BindTxn bind(tries_, txn);
  IncrementalTrie& account_trie = tries_->account;
  const IncrementalTrie::Spawn spawn = trie_spawn(*env_);

  // 1. Flat storage (the overlay and this block's PlainDiff rows) and the storage changesets, account by
  // account; the storage-trie edits are collected.
  struct AddrWork {
    const Address20* addr = nullptr;
    Hash32 haddr;
    Bytes old_raw;
    std::optional<Account> old_acct, acct;
    Hash32 storage_root;
    IncrementalTrie* storage = nullptr;               // set when the storage trie changes
    std::vector<std::pair<Hash32, Bytes>> edits;      // keccak256(slot) -> new word
  };
  std::vector<AddrWork> work;
  work.reserve(by_addr.size());
  FlatOverlay& flat = tries_->flat;
  std::vector<std::pair<Bytes, Bytes>> storage_changes;  // StorageChangeSet rows, appended in key order below
  std::vector<std::pair<Bytes, Bytes>> diff_rows;        // PlainDiff rows, likewise
  const auto t_flat = Clock::now();
  for (auto& [addr, p] : by_addr) {
    AddrWork& w = work.emplace_back();
    w.addr = &addr;
    w.haddr = core::keccak256(addr.view());
    IGRA_TRY(w.old_raw, flat_account(txn, flat, addr));
    if (!w.old_raw.empty()) {
      IGRA_TRY(w.old_acct, decode_account(w.old_raw));
    }
    w.acct = p.change ? p.change->account : w.old_acct;
    if (!w.acct && !p.writes.empty())
      return core::make_error("state db: block " + std::to_string(n) + " writes storage of an account that does not exist");
    const bool wipe = p.wipe || !w.acct;
    w.storage_root = w.old_acct ? w.old_acct->storage_root : kEmptyTrieRoot;
    if (!wipe && p.writes.empty()) continue;
    IncrementalTrie& st = tries_->storage(w.haddr, p.writes.size());
    w.storage = &st;
    std::set<Hash32> recorded;  // slots whose pre-block value is already in the changeset
    FlatOverlay::Entry& fe = flat.entries[addr];
    if (wipe) {
      if (w.old_acct) {
        IGRA_TRY(auto live, flat_live_slots(txn, flat, addr));
        for (auto& [slot, word] : live) {
          storage_changes.emplace_back(t::concat({bn, addr.view(), slot.view()}), std::move(word));
          recorded.insert(slot);
        }
      }
      st.clear();
      fe.wiped = true;
      fe.slots.clear();
      diff_rows.emplace_back(t::diff_key(n, t::kDiffStorage, addr.view()), Bytes{});
    }
    for (const auto& [slot, value] : p.writes) {
      Bytes new_word = encode_storage_value(value);
      IGRA_TRY(Bytes old_word, flat_storage(txn, flat, addr, slot));
      if (old_word == new_word) continue;
      if (recorded.insert(slot).second)
        storage_changes.emplace_back(t::concat({bn, addr.view(), slot.view()}), std::move(old_word));
      diff_rows.emplace_back(t::diff_key(n, t::kDiffStorage, addr.view(), slot.view()), new_word);
      fe.slots[slot] = new_word;
      w.edits.emplace_back(slot, std::move(new_word));  // the slot itself; hashed in step 2
    }
    tries_->edited_keys += w.edits.size();
  }
  std::sort(storage_changes.begin(), storage_changes.end(),
            [](const auto& a, const auto& b) { return bytes_less(a.first, b.first); });
  for (const auto& [k, v] : storage_changes) IGRA_TRY_VOID(txn.append(t::kStorageChangeSet, k, v));
  timings_.flat_ms += ms_since(t_flat);

  // 2. The storage tries and their roots: independent tries, so on two threads (one contract's many slots
  // go through put_batch instead).
  {
    ScopedTimer tt(trie_ms);
    std::vector<AddrWork*> tries;
    std::size_t total = 0;
    for (auto& w : work)
      if (w.storage) {
        tries.push_back(&w);
        total += w.edits.size();
      }
    auto update = [](AddrWork& w, const IncrementalTrie::Spawn& sp) -> core::Result<void> {
      for (auto& [slot, word] : w.edits) slot = core::keccak256(slot.view());
      IGRA_TRY_VOID(w.storage->put_batch(w.edits, sp));
      IGRA_TRY(w.storage_root, w.storage->root_hash());
      return {};
    };
    if (tries.size() == 1 || total < IncrementalTrie::kParallelPutKeys) {
      for (AddrWork* w : tries) IGRA_TRY_VOID(update(*w, tries.size() == 1 ? spawn : IncrementalTrie::Spawn()));
    } else {
      // Two shares of about equal edit counts, the biggest tries first.
      std::sort(tries.begin(), tries.end(), [](const AddrWork* a, const AddrWork* b) { return a->edits.size() > b->edits.size(); });
      std::vector<AddrWork*> mine, theirs;
      std::size_t mine_n = 0, theirs_n = 0;
      for (AddrWork* w : tries) {
        if (mine_n <= theirs_n) {
          mine.push_back(w);
          mine_n += w->edits.size() + 1;
        } else {
          theirs.push_back(w);
          theirs_n += w->edits.size() + 1;
        }
      }
      core::Result<void> helper_result;
      std::thread helper = spawn([&] {
        for (AddrWork* w : theirs) {
          helper_result = update(*w, {});
          if (!helper_result.ok()) return;
        }
      });
      core::Result<void> own;
      for (AddrWork* w : mine) {
        own = update(*w, {});
        if (!own.ok()) break;
      }
      helper.join();
      IGRA_TRY_VOID(own);
      IGRA_TRY_VOID(helper_result);
    }
  }

  // 3. Accounts (with their new storage roots), the account changesets and the state trie.
  std::vector<std::pair<Hash32, Bytes>> account_updates;
  account_updates.reserve(work.size());
  for (auto& w : work) {
    Bytes new_raw;
    if (w.acct) {
      Account a = *w.acct;
      a.storage_root = w.storage_root;
      new_raw = encode_account(a);
    }
    if (new_raw == w.old_raw) continue;
    IGRA_TRY_VOID(txn.append(t::kAccountChangeSet, t::concat({bn, w.addr->view()}), w.old_raw));  // address order
    diff_rows.emplace_back(t::diff_key(n, t::kDiffAccount, w.addr->view()), new_raw);
    flat.entries[*w.addr].account = new_raw;
    account_updates.emplace_back(w.haddr, std::move(new_raw));
  }
  {
    ScopedTimer tt(trie_ms);
    IGRA_TRY_VOID(account_trie.put_batch(account_updates, spawn));
    tries_->edited_keys += account_updates.size();
  }
  for (const auto& code : changes.code) {
    const Hash32 h = core::keccak256(code);
    IGRA_TRY_VOID(txn.put(t::kCode, h.view(), code));
  }
  Hash32 root;
  {
    ScopedTimer tt(trie_ms);
    IGRA_TRY(root, account_trie.root_hash());
  }
  timings_.trie_loads = tries_->loads.exchange(0);
  const bool flush = !tries_->trie_block || n - *tries_->trie_block >= tuning_.trie_flush_interval ||
                     tries_->edited_keys >= tuning_.trie_flush_max_keys;
  if (flush) {
    // This block's changes go straight into the plain tables with the others.
    ScopedTimer ft(timings_.flush_ms);
    {
      ScopedTimer fl(timings_.flat_ms);
      IGRA_TRY_VOID(flush_flat(txn, tries_->flat, n));
    }
    ScopedTimer tt(trie_ms);
    IGRA_TRY(timings_.trie_rows_written, tries_->flush(txn, n));
  } else {
    ScopedTimer fl(timings_.flat_ms);
    std::sort(diff_rows.begin(), diff_rows.end(), [](const auto& a, const auto& b) { return bytes_less(a.first, b.first); });
    for (const auto& [k, v] : diff_rows) IGRA_TRY_VOID(txn.append(t::kPlainDiff, k, v));
  }
  staged_ = std::make_unique<Staged>();
  staged_->txn = std::move(txn);
  staged_->number = n;
  staged_->root = root;
  staged_->flushed = flush;
  staged_->changes = &changes;
  staged_->start = t_start;
  return root;
}

core::Result<void> StateDb::try_commit(const BlockData& data) {
  Txn& txn = staged_->txn;
  const std::uint64_t n = staged_->number;
  const Hash32 root = staged_->root;
  const bool flush = staged_->flushed;
  const Bytes bn = t::block_key(n);
  // Block rows.
  IGRA_TRY_VOID(txn.append(t::kStateRoot, bn, root.view()));
  IGRA_TRY_VOID(txn.append(t::kCanonicalHash, bn, data.hash.view()));
  IGRA_TRY_VOID(txn.put(t::kBlockNumber, data.hash.view(), bn));
  if (!data.header.empty()) IGRA_TRY_VOID(txn.append(t::kHeader, bn, data.header));
  if (!data.body.empty()) IGRA_TRY_VOID(txn.append(t::kBody, bn, data.body));
  for (std::size_t i = 0; i < data.receipts.size(); ++i)
    IGRA_TRY_VOID(txn.append(t::kReceipt, u64be_u32be(n, static_cast<std::uint32_t>(i)), data.receipts[i]));
  if (!data.tx_hashes.empty() || !data.log_addresses.empty() || !data.log_topics.empty()) {
    core::RlpEncoder e;
    const auto outer = e.begin_list();
    auto l = e.begin_list();
    for (const auto& h : data.tx_hashes) e.add_bytes(h.view());
    e.end_list(l);
    l = e.begin_list();
    for (const auto& a : data.log_addresses) e.add_bytes(a.view());
    e.end_list(l);
    l = e.begin_list();
    for (const auto& h : data.log_topics) e.add_bytes(h.view());
    e.end_list(l);
    e.end_list(outer);
    IGRA_TRY_VOID(txn.append(t::kBlockIndexKeys, bn, std::move(e).finish()));
  }
  // The deferred indices (tables.hpp): blocks index_from..n go in once there are index_flush_interval of them.
  IGRA_TRY(std::uint64_t index_from, read_index_from(txn, head_));
  if (!head_) index_from = n;  // the first block
  if (n + 1 - index_from >= tuning_.index_flush_interval) {
    ScopedTimer ft(timings_.flush_ms);
    IGRA_TRY_VOID(write_indices(txn, index_from, n));
    index_from = n + 1;
  }
  IGRA_TRY_VOID(txn.put(t::kMeta, core::as_bytes(t::kMetaIndexFrom), t::block_key(index_from)));
  if (!data.l1_origin.empty()) IGRA_TRY_VOID(txn.append(t::kL1Origin, bn, data.l1_origin));
  for (const auto& [h, reason] : data.dropped_txs)
    IGRA_TRY_VOID(txn.put(t::kDroppedTx, t::concat({bn, h.view()}), core::as_bytes(reason)));
  if (data.derivation_cursor) {
    IGRA_TRY_VOID(txn.put(t::kMeta, core::as_bytes(t::kMetaCursor), *data.derivation_cursor));
    IGRA_TRY_VOID(txn.append(t::kCursorHistory, bn, *data.derivation_cursor));
  } else {
    // Keep CursorHistory complete so that an unwind to any block restores the cursor of that block.
    IGRA_TRY(auto cur, txn.get(t::kMeta, core::as_bytes(t::kMetaCursor)));
    if (cur) {
      const Bytes c = copy(cur);
      IGRA_TRY_VOID(txn.append(t::kCursorHistory, bn, c));
    }
  }
  IGRA_TRY_VOID(txn.put(t::kMeta, core::as_bytes(t::kMetaHead), bn));
  const auto t_commit = Clock::now();
  IGRA_TRY_VOID(txn.commit());
  timings_.commit_ms = ms_since(t_commit);
  timings_.total_ms = ms_since(staged_->start);
  staged_.reset();
  head_ = n;
  if (flush) {
    // The rows are written and the cached nodes are clean. Keep the state trie's nodes (its upper levels
    // are needed by every block) and the busy storage tries until the cache has seen kMaxCachedKeys edits,
    // then start afresh; drop the other storage tries (rarely the same ones again soon).
    constexpr std::size_t kMaxCachedKeys = 2'000'000;
    tries_->cached_keys += tries_->edited_keys;
    if (tries_->cached_keys > kMaxCachedKeys) {
      tries_ = std::make_unique<TrieCache>();
    } else {
      for (auto it = tries_->storages.begin(); it != tries_->storages.end();) {
        if (it->second.edits < TrieCache::kKeepStorageEdits) {
          it = tries_->storages.erase(it);
        } else {
          it->second.edits = 0;
          ++it;
        }
      }
      tries_->edited_keys = 0;
    }
    tries_->trie_block = n;
  }
  return {};
}

core::Result<void> StateDb::try_unwind(std::uint64_t target) {
  IGRA_TRY(Txn txn, env_->begin_write());
  IGRA_TRY(auto head, read_head(txn));
  if (!head) return core::make_error(core::ErrorCode::kNotFound, "state db: unwind of an empty database");
  if (target > *head)
    return core::make_error(core::ErrorCode::kInvalidArgument, "state db: unwind target " + std::to_string(target) +
                                                                   " is above the head " + std::to_string(*head));
  IGRA_TRY(auto target_root_row, txn.get(t::kStateRoot, t::block_key(target)));
  if (!target_root_row)
    return core::make_error(core::ErrorCode::kNotFound, "state db: block " + std::to_string(target) + " is not stored");
  const Hash32 target_root = Hash32::from_view(*target_root_row);
  if (target == *head) return {};
  // The plain tables take in the pending flat changes first: the changesets below restore them from there.
  IGRA_TRY_VOID(flush_flat(txn, tries_->flat, *head));

  IGRA_TRY(const std::uint64_t index_from, read_index_from(txn, head));
  std::map<Address20, std::set<Hash32>> touched;  // every account (and its slots) an undone block changed
  for (std::uint64_t b = *head; b > target; --b) {
    const Bytes bn = t::block_key(b);
    const bool indexed = b < index_from;  // the deferred indices hold entries of this block
    {
      IGRA_TRY(auto c, txn.cursor(t::kStorageChangeSet));
      IGRA_TRY(auto e, c.seek(bn));
      while (e && has_prefix(e->first, bn)) {
        const Bytes key(e->first.begin() + 8, e->first.end());  // addr ++ slot
        const Bytes old(e->second.begin(), e->second.end());
        IGRA_TRY_VOID(c.erase());
        if (old.empty()) {
          IGRA_TRY(bool existed, txn.erase(t::kPlainStorage, key));
          (void)existed;
        } else {
          IGRA_TRY_VOID(txn.put(t::kPlainStorage, key, old));
        }
        if (indexed) {
          IGRA_TRY(bool existed, txn.erase(t::kStorageHistory, t::with_block(key, b)));
          (void)existed;
        }
        touched[Address20::from_view(ByteView(key).subspan(0, 20))].insert(Hash32::from_view(ByteView(key).subspan(20, 32)));
        IGRA_TRY(e, c.seek(bn));
      }
    }
    {
      IGRA_TRY(auto c, txn.cursor(t::kAccountChangeSet));
      IGRA_TRY(auto e, c.seek(bn));
      while (e && has_prefix(e->first, bn)) {
        const Address20 addr = Address20::from_view(e->first.subspan(8, 20));
        const Bytes old(e->second.begin(), e->second.end());
        IGRA_TRY_VOID(c.erase());
        if (old.empty()) {
          IGRA_TRY(bool existed, txn.erase(t::kPlainAccount, addr.view()));
          (void)existed;
        } else {
          IGRA_TRY_VOID(txn.put(t::kPlainAccount, addr.view(), old));
        }
        if (indexed) {
          IGRA_TRY(bool existed, txn.erase(t::kAccountHistory, t::with_block(Bytes(addr.begin(), addr.end()), b)));
          (void)existed;
        }
        touched[addr];
        IGRA_TRY(e, c.seek(bn));
      }
    }
    // Block rows.
    IGRA_TRY(auto idx, txn.get(t::kBlockIndexKeys, bn));
    if (idx) {
      const Bytes raw = copy(idx);
      if (indexed) {
        IGRA_TRY(auto entries, parse_block_index(raw));
        for (auto h : entries.txs) {
          IGRA_TRY(bool existed, txn.erase(t::kTxLookup, h));
          (void)existed;
        }
        for (auto a : entries.addresses) {
          IGRA_TRY(bool existed, txn.erase(t::kLogAddressIndex, t::with_block(Bytes(a.begin(), a.end()), b)));
          (void)existed;
        }
        for (auto h : entries.topics) {
          IGRA_TRY(bool existed, txn.erase(t::kLogTopicIndex, t::with_block(Bytes(h.begin(), h.end()), b)));
          (void)existed;
        }
      }
      IGRA_TRY(bool existed, txn.erase(t::kBlockIndexKeys, bn));
      (void)existed;
    }
    {
      IGRA_TRY(auto hash, txn.get(t::kCanonicalHash, bn));
      if (hash) {
        const Bytes h = copy(hash);
        IGRA_TRY(bool existed, txn.erase(t::kBlockNumber, h));
        (void)existed;
      }
    }
    for (auto table : {t::kStateRoot, t::kCanonicalHash, t::kHeader, t::kBody, t::kL1Origin, t::kCursorHistory}) {
      IGRA_TRY(bool existed, txn.erase(table, bn));
      (void)existed;
    }
    IGRA_TRY_VOID(erase_rows(txn, t::kReceipt, bn));
    IGRA_TRY_VOID(erase_rows(txn, t::kDroppedTx, bn));
  }

  // Tries: set every touched key to its restored value (the trie is a function of its contents, so this
  // reproduces the tries of block `target` exactly), then write all pending rows: trie_block = target.
  BindTxn bind(tries_, txn);
  IGRA_TRY(const Hash32 root, replay_into(*tries_, txn, touched, "unwind"));
  if (root != target_root)
    return core::make_error(core::ErrorCode::kInternal, "state db: unwind to " + std::to_string(target) +
                                                            " produced a state root different from the stored one");
  IGRA_TRY(auto rows, tries_->flush(txn, target));
  (void)rows;

  IGRA_TRY(auto cur, txn.get(t::kCursorHistory, t::block_key(target)));
  if (cur) {
    const Bytes c = copy(cur);
    IGRA_TRY_VOID(txn.put(t::kMeta, core::as_bytes(t::kMetaCursor), c));
  } else {
    IGRA_TRY(bool existed, txn.erase(t::kMeta, core::as_bytes(t::kMetaCursor)));
    (void)existed;
  }
  IGRA_TRY_VOID(txn.put(t::kMeta, core::as_bytes(t::kMetaIndexFrom), t::block_key(std::min(index_from, target + 1))));
  IGRA_TRY_VOID(txn.put(t::kMeta, core::as_bytes(t::kMetaHead), t::block_key(target)));
  IGRA_TRY_VOID(txn.commit());
  head_ = target;
  tries_ = std::make_unique<TrieCache>();
  tries_->trie_block = target;
  return {};
}

core::Result<StateView> StateDb::view() {
  StateView v;
  IGRA_TRY(v.txn_, env_->begin_read());
  IGRA_TRY(v.head_, read_head(v.txn_));
  IGRA_TRY(v.index_from_, read_index_from(v.txn_, v.head_));
  IGRA_TRY(auto flat_block, read_meta_block(v.txn_, t::kMetaFlatBlock));
  v.flat_block_ = flat_block ? *flat_block : v.head_.value_or(0);
  return v;
}

core::Result<StateView> StateDb::writer_view() {
  if (staged_) return core::make_error(core::ErrorCode::kInternal, "state db: writer_view while a block is staged");
  IGRA_TRY_VOID(ensure_tries());
  IGRA_TRY(StateView v, view());
  v.overlay_ = &tries_->flat;
  return v;
}

StateDbStats StateDb::stats() const {
  StateDbStats s;
  s.map_size = env_->map_size();
  s.map_growths = growths_;
  s.used_bytes = env_->used_bytes();
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// StateView: readers
// ---------------------------------------------------------------------------------------------------------

core::Result<std::uint64_t> StateView::first_block() {
  IGRA_TRY(auto c, txn_.cursor(t::kStateRoot));
  IGRA_TRY(auto e, c.first());
  if (!e) return core::make_error(core::ErrorCode::kNotFound, "state db: no block stored");
  return core::load_be<std::uint64_t>(e->first.data());
}

core::Result<void> StateView::check_block(std::uint64_t block) {
  if (!head_ || block > *head_)
    return core::make_error(core::ErrorCode::kNotFound, "state db: block " + std::to_string(block) + " is above the head");
  IGRA_TRY(auto first, first_block());
  if (block < first)
    return core::make_error(core::ErrorCode::kNotFound, "state db: block " + std::to_string(block) +
                                                            " is older than the first stored block " + std::to_string(first));
  return {};
}

// Value of a key "after block N" (tables.hpp, AccountHistory): the changeset entry of the first block after N
// that changed it (from the history index below index_from, else from the changesets of the newer blocks),
// else the current row.
core::Result<Bytes> StateView::historical(bool account, ByteView key, std::uint64_t block) {
  const std::string_view history = account ? t::kAccountHistory : t::kStorageHistory;
  const std::string_view changeset = account ? t::kAccountChangeSet : t::kStorageChangeSet;
  const std::uint64_t head = *head_;
  if (block < head) {
    if (block + 1 < index_from_) {
      IGRA_TRY(auto c, txn_.cursor(history));
      IGRA_TRY(auto e, c.seek(t::with_block(Bytes(key.begin(), key.end()), block + 1)));
      if (e && e->first.size() == key.size() + 8 && has_prefix(e->first, key)) {
        const std::uint64_t b = core::load_be<std::uint64_t>(e->first.data() + key.size());
        IGRA_TRY(auto v, txn_.get(changeset, t::concat({t::block_key(b), key})));
        if (!v) return core::make_error(core::ErrorCode::kInternal, "state db: history entry without changeset entry");
        return copy(v);
      }
    }
    for (std::uint64_t b = std::max(block + 1, index_from_); b <= head; ++b) {
      IGRA_TRY(auto v, txn_.get(changeset, t::concat({t::block_key(b), key})));
      if (v) return copy(v);
    }
  }
  return current(account, key);
}

// tables.hpp PlainDiff: the newest pending block's entry for the key (or a wipe of its account's storage),
// else the plain table. The writer's own snapshots look the pending changes up in its overlay.
core::Result<Bytes> StateView::current(bool account, ByteView key) {
  const ByteView addr = key.subspan(0, 20);
  if (overlay_) {
    if (auto it = overlay_->entries.find(Address20::from_view(addr)); it != overlay_->entries.end()) {
      const FlatOverlay::Entry& e = it->second;
      if (account) {
        if (e.account) return *e.account;
      } else {
        if (auto s = e.slots.find(Hash32::from_view(key.subspan(20, 32))); s != e.slots.end()) return s->second;
        if (e.wiped) return Bytes{};
      }
    }
  } else if (head_) {
    for (std::uint64_t b = *head_; b > flat_block_; --b) {
      if (account) {
        IGRA_TRY(auto v, txn_.get(t::kPlainDiff, t::diff_key(b, t::kDiffAccount, addr)));
        if (v) return copy(v);
      } else {
        IGRA_TRY(auto v, txn_.get(t::kPlainDiff, t::diff_key(b, t::kDiffStorage, addr, key.subspan(20, 32))));
        if (v) return copy(v);
        IGRA_TRY(auto wiped, txn_.get(t::kPlainDiff, t::diff_key(b, t::kDiffStorage, addr)));
        if (wiped) return Bytes{};
      }
    }
  }
  IGRA_TRY(auto v, txn_.get(account ? t::kPlainAccount : t::kPlainStorage, key));
  return copy(v);
}

core::Result<std::optional<Account>> StateView::account(const Address20& addr, std::uint64_t block) {
  IGRA_TRY_VOID(check_block(block));
  IGRA_TRY(auto raw, historical(true, addr.view(), block));
  if (raw.empty()) return std::optional<Account>();
  IGRA_TRY(auto a, decode_account(raw));
  return std::optional<Account>(a);
}

core::Result<std::optional<Account>> StateView::head_account(const Address20& addr) {
  IGRA_TRY(const Bytes v, current(true, addr.view()));
  if (v.empty()) return std::optional<Account>();
  IGRA_TRY(auto a, decode_account(v));
  return std::optional<Account>(a);
}

core::Result<core::uint256> StateView::head_storage(const Address20& addr, const Hash32& slot) {
  IGRA_TRY(const Bytes v, current(false, t::concat({addr.view(), slot.view()})));
  return decode_storage_value(v);
}

core::Result<core::uint256> StateView::balance(const Address20& addr, std::uint64_t block) {
  IGRA_TRY(auto a, account(addr, block));
  return a ? a->balance : core::uint256{};
}

core::Result<std::uint64_t> StateView::nonce(const Address20& addr, std::uint64_t block) {
  IGRA_TRY(auto a, account(addr, block));
  return a ? a->nonce : 0;
}

core::Result<core::uint256> StateView::storage(const Address20& addr, const Hash32& slot, std::uint64_t block) {
  IGRA_TRY_VOID(check_block(block));
  const Bytes key = t::concat({addr.view(), slot.view()});
  IGRA_TRY(auto raw, historical(false, key, block));
  return decode_storage_value(raw);
}

core::Result<std::optional<Bytes>> StateView::code_by_hash(const Hash32& hash) {
  if (hash == kEmptyCodeHash) return std::optional<Bytes>(Bytes{});
  IGRA_TRY(auto v, txn_.get(t::kCode, hash.view()));
  if (!v) return std::optional<Bytes>();
  return std::optional<Bytes>(copy(v));
}

core::Result<Bytes> StateView::code(const Address20& addr, std::uint64_t block) {
  IGRA_TRY(auto a, account(addr, block));
  if (!a) return Bytes{};
  IGRA_TRY(auto c, code_by_hash(a->code_hash));
  if (!c) return core::make_error(core::ErrorCode::kInternal, "state db: code of an account is missing");
  return std::move(*c);
}

core::Result<Hash32> StateView::state_root(std::uint64_t block) {
  IGRA_TRY(auto v, txn_.get(t::kStateRoot, t::block_key(block)));
  if (!v) return core::make_error(core::ErrorCode::kNotFound, "state db: block " + std::to_string(block) + " is not stored");
  return Hash32::from_view(*v);
}

core::Result<AccountProof> StateView::proof(const Address20& addr, const std::vector<Hash32>& slots, std::uint64_t block) {
  IGRA_TRY_VOID(check_block(block));
  if (*head_ - block > kMaxProofDepth)
    return core::make_error(core::ErrorCode::kOutOfRange, "state db: proofs are kept for the newest " +
                                                              std::to_string(kMaxProofDepth) + " blocks only");
  IGRA_TRY(const Hash32 expected_root, state_root(block));
  // The stored rows hold the tries of block T (Meta trie_block). Every key that differs between block T
  // and `block` was changed by a block in (min, max]; set those keys to their values at `block`.
  IGRA_TRY(auto trie_block, read_trie_block(txn_));
  const std::uint64_t rows_at = trie_block ? *trie_block : *head_;
  LmdbNodeStore account_store(txn_, t::kAccountTrie, {});
  IncrementalTrie account_trie(&account_store);
  const Hash32 haddr = core::keccak256(addr.view());
  LmdbNodeStore storage_store(txn_, t::kStorageTrie, haddr.view());
  IncrementalTrie storage_trie(&storage_store);
  if (block != rows_at) {
    const std::uint64_t lo = std::min(block, rows_at), hi = std::max(block, rows_at);
    IGRA_TRY(auto touched, changed_keys(txn_, lo + 1, hi));
    for (const auto& [a, slots] : touched) {
      IGRA_TRY(auto raw, historical(true, a.view(), block));
      IGRA_TRY_VOID(account_trie.put(core::keccak256(a.view()).view(), raw));
      if (a != addr) continue;
      for (const auto& s : slots) {
        const Bytes key = t::concat({a.view(), s.view()});
        IGRA_TRY(auto word, historical(false, key, block));
        IGRA_TRY_VOID(storage_trie.put(core::keccak256(s.view()).view(), word));
      }
    }
  }
  AccountProof out;
  out.address = addr;
  IGRA_TRY(out.state_root, account_trie.root_hash());
  if (out.state_root != expected_root)
    return core::make_error(core::ErrorCode::kInternal, "state db: rebuilt trie of block " + std::to_string(block) +
                                                            " does not match its stored root");
  IGRA_TRY(out.account_proof, account_trie.prove(haddr.view()));
  IGRA_TRY(out.account, account(addr, block));
  IGRA_TRY(out.storage_root, storage_trie.root_hash());
  const Hash32 expected_storage = out.account ? out.account->storage_root : kEmptyTrieRoot;
  if (out.storage_root != expected_storage)
    return core::make_error(core::ErrorCode::kInternal, "state db: rebuilt storage trie does not match the account");
  for (const auto& s : slots) {
    StorageProof sp;
    sp.slot = s;
    IGRA_TRY(sp.value, storage(addr, s, block));
    IGRA_TRY(sp.proof, storage_trie.prove(core::keccak256(s.view()).view()));
    out.storage.push_back(std::move(sp));
  }
  return out;
}

core::Result<std::optional<std::uint64_t>> StateView::block_number(const Hash32& hash) {
  IGRA_TRY(auto v, txn_.get(t::kBlockNumber, hash.view()));
  if (!v || v->size() != 8) return std::optional<std::uint64_t>();
  return std::optional<std::uint64_t>(core::load_be<std::uint64_t>(v->data()));
}

core::Result<std::optional<Hash32>> StateView::canonical_hash(std::uint64_t block) {
  IGRA_TRY(auto v, txn_.get(t::kCanonicalHash, t::block_key(block)));
  if (!v) return std::optional<Hash32>();
  return std::optional<Hash32>(Hash32::from_view(*v));
}

namespace {
core::Result<std::optional<Bytes>> get_opt(Txn& txn, std::string_view table, ByteView key) {
  IGRA_TRY(auto v, txn.get(table, key));
  if (!v) return std::optional<Bytes>();
  return std::optional<Bytes>(copy(v));
}

core::Result<std::vector<std::uint64_t>> index_blocks(Txn& txn, std::string_view table, ByteView key,
                                                      std::uint64_t from, std::uint64_t to) {
  std::vector<std::uint64_t> out;
  IGRA_TRY(auto c, txn.cursor(table));
  IGRA_TRY(auto e, c.seek(t::with_block(Bytes(key.begin(), key.end()), from)));
  while (e && e->first.size() == key.size() + 8 && has_prefix(e->first, key)) {
    const std::uint64_t b = core::load_be<std::uint64_t>(e->first.data() + key.size());
    if (b > to) break;
    out.push_back(b);
    IGRA_TRY(e, c.next());
  }
  return out;
}
}  // namespace

core::Result<std::optional<Bytes>> StateView::header(std::uint64_t block) { return get_opt(txn_, t::kHeader, t::block_key(block)); }
core::Result<std::optional<Bytes>> StateView::body(std::uint64_t block) { return get_opt(txn_, t::kBody, t::block_key(block)); }
core::Result<std::optional<Bytes>> StateView::l1_origin(std::uint64_t block) { return get_opt(txn_, t::kL1Origin, t::block_key(block)); }
core::Result<std::optional<Bytes>> StateView::derivation_cursor() { return get_opt(txn_, t::kMeta, core::as_bytes(t::kMetaCursor)); }

core::Result<std::vector<Bytes>> StateView::receipts(std::uint64_t block) {
  std::vector<Bytes> out;
  const Bytes bn = t::block_key(block);
  IGRA_TRY(auto c, txn_.cursor(t::kReceipt));
  IGRA_TRY(auto e, c.seek(bn));
  while (e && has_prefix(e->first, bn)) { out.emplace_back(e->second.begin(), e->second.end()); IGRA_TRY(e, c.next()); }
  return out;
}

core::Result<std::optional<TxLocation>> StateView::tx_location(const Hash32& tx_hash) {
  IGRA_TRY(auto v, txn_.get(t::kTxLookup, tx_hash.view()));
  if (v) {
    if (v->size() != 12) return core::make_error(core::ErrorCode::kInternal, "state db: corrupt tx lookup row");
    return std::optional<TxLocation>(TxLocation{core::load_be<std::uint64_t>(v->data()), core::load_be<std::uint32_t>(v->data() + 8)});
  }
  // Blocks not yet in TxLookup (tables.hpp, deferred indices): their BlockIndexKeys rows, newest first.
  for (std::uint64_t b = head_ ? *head_ + 1 : 0; b > index_from_; --b) {
    IGRA_TRY(auto row, txn_.get(t::kBlockIndexKeys, t::block_key(b - 1)));
    if (!row) continue;
    IGRA_TRY(auto idx, parse_block_index(*row));
    for (std::size_t i = 0; i < idx.txs.size(); ++i)
      if (idx.txs[i].size() == 32 && std::equal(idx.txs[i].begin(), idx.txs[i].end(), tx_hash.begin()))
        return std::optional<TxLocation>(TxLocation{b - 1, static_cast<std::uint32_t>(i)});
  }
  return std::optional<TxLocation>();
}

// Blocks in [from, to] whose logs have `key` as emitter (address) or topic: the log index below index_from,
// then the BlockIndexKeys rows of the newer blocks.
core::Result<std::vector<std::uint64_t>> StateView::log_blocks(bool address, ByteView key, std::uint64_t from,
                                                               std::uint64_t to) {
  std::vector<std::uint64_t> out;
  if (from > to) return out;
  if (from < index_from_) {
    IGRA_TRY(out, index_blocks(txn_, address ? t::kLogAddressIndex : t::kLogTopicIndex, key, from,
                               std::min(to, index_from_ - 1)));
  }
  if (!head_) return out;
  const std::uint64_t last = std::min(to, *head_);
  for (std::uint64_t b = std::max(from, index_from_); b <= last; ++b) {
    IGRA_TRY(auto row, txn_.get(t::kBlockIndexKeys, t::block_key(b)));
    if (!row) continue;
    IGRA_TRY(auto idx, parse_block_index(*row));
    for (auto k : address ? idx.addresses : idx.topics)
      if (k.size() == key.size() && std::equal(k.begin(), k.end(), key.begin())) {
        out.push_back(b);
        break;
      }
  }
  return out;
}

core::Result<std::vector<std::uint64_t>> StateView::log_blocks_by_address(const Address20& addr, std::uint64_t from, std::uint64_t to) {
  return log_blocks(true, addr.view(), from, to);
}
core::Result<std::vector<std::uint64_t>> StateView::log_blocks_by_topic(const Hash32& topic, std::uint64_t from, std::uint64_t to) {
  return log_blocks(false, topic.view(), from, to);
}

core::Result<std::vector<std::pair<Hash32, std::string>>> StateView::dropped_txs(std::uint64_t block) {
  std::vector<std::pair<Hash32, std::string>> out;
  const Bytes bn = t::block_key(block);
  IGRA_TRY(auto c, txn_.cursor(t::kDroppedTx));
  IGRA_TRY(auto e, c.seek(bn));
  while (e && has_prefix(e->first, bn)) { out.emplace_back(Hash32::from_view(e->first.subspan(8, 32)), std::string(e->second.begin(), e->second.end())); IGRA_TRY(e, c.next()); }
  return out;
}

// Both merge the plain table with the PlainDiff rows of the blocks after flat_block, oldest first.
core::Result<std::vector<std::pair<Address20, Account>>> StateView::all_accounts() {
  std::map<Address20, Bytes> raw;
  {
    IGRA_TRY(auto c, txn_.cursor(t::kPlainAccount));
    IGRA_TRY(auto e, c.first());
    while (e) {
      raw[Address20::from_view(e->first)] = copy(e->second);
      IGRA_TRY(e, c.next());
    }
  }
  if (head_) {
    IGRA_TRY(auto c, txn_.cursor(t::kPlainDiff));
    IGRA_TRY(auto e, c.seek(t::block_key(flat_block_ + 1)));
    while (e && core::load_be<std::uint64_t>(e->first.data()) <= *head_) {
      if (e->first.size() == 29 && e->first[8] == t::kDiffAccount) raw[Address20::from_view(e->first.subspan(9, 20))] = copy(e->second);
      IGRA_TRY(e, c.next());
    }
  }
  std::vector<std::pair<Address20, Account>> out;
  for (const auto& [addr, r] : raw) {
    if (r.empty()) continue;
    IGRA_TRY(auto a, decode_account(r));
    out.emplace_back(addr, a);
  }
  return out;
}

core::Result<std::vector<std::pair<Hash32, core::uint256>>> StateView::all_storage(const Address20& addr) {
  std::map<Hash32, Bytes> raw;
  {
    IGRA_TRY(auto c, txn_.cursor(t::kPlainStorage));
    IGRA_TRY(auto e, c.seek(addr.view()));
    while (e && has_prefix(e->first, addr.view())) {
      raw[Hash32::from_view(e->first.subspan(20, 32))] = copy(e->second);
      IGRA_TRY(e, c.next());
    }
  }
  for (std::uint64_t b = flat_block_ + 1; head_ && b <= *head_; ++b) {
    const Bytes prefix = t::diff_key(b, t::kDiffStorage, addr.view());
    IGRA_TRY(auto c, txn_.cursor(t::kPlainDiff));
    IGRA_TRY(auto e, c.seek(prefix));
    while (e && has_prefix(e->first, prefix)) {
      if (e->first.size() == prefix.size()) raw.clear();  // the block wiped the storage (sorts before its slots)
      else raw[Hash32::from_view(e->first.subspan(29, 32))] = copy(e->second);
      IGRA_TRY(e, c.next());
    }
  }
  std::vector<std::pair<Hash32, core::uint256>> out;
  for (const auto& [slot, r] : raw) {
    if (r.empty()) continue;
    IGRA_TRY(auto v, decode_storage_value(r));
    out.emplace_back(slot, v);
  }
  return out;
}

}  // namespace igra::state
