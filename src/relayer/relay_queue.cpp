#include "relayer/relay_queue.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string_view>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "core/rlp.hpp"
#include "kaspa/tx_codec.hpp"
#include "kaspa/tx_id.hpp"

namespace igra::relayer {
namespace {

using core::Bytes;
using core::ByteView;
using core::Hash32;

constexpr std::string_view kItems = "RelayItem";
constexpr std::string_view kByHash = "RelayByHash";
constexpr std::string_view kMeta = "RelayMeta";
constexpr std::string_view kNext = "next";

Bytes be64(std::uint64_t v) {
  Bytes b;
  core::put_be(b, v);
  return b;
}

Bytes encode_item(const RelayItem& it) {
  core::RlpEncoder e;
  const auto l = e.begin_list();
  e.add_bytes(it.raw);
  e.add_uint(static_cast<std::uint64_t>(it.state));
  e.add_bytes(it.l1_tx);
  e.add_uint(it.sends);
  e.add_uint(it.first_send_ms);
  e.add_uint(it.last_send_ms);
  e.add_uint(it.l2_block);
  e.add_string(it.note);
  e.add_uint(it.input.amount);
  e.add_uint(it.input.block_daa_score);
  e.add_uint(it.input.is_coinbase ? 1 : 0);
  if (it.l1_block == Hash32{}) e.add_bytes(ByteView());
  else e.add_bytes(it.l1_block.view());
  e.add_uint(it.accepted_ms);
  e.end_list(l);
  return std::move(e).finish();
}

core::Result<RelayItem> decode_item(std::uint64_t seq, ByteView raw) {
  IGRA_TRY(auto r, core::RlpReader::of_encoded_list(raw));
  RelayItem it;
  it.seq = seq;
  IGRA_TRY(auto tx, r.read_bytes());
  it.raw.assign(tx.begin(), tx.end());
  it.l2_hash = core::keccak256(it.raw);
  IGRA_TRY(auto st, r.read_uint64());
  if (st > 5) return core::make_error("relay queue: bad item state");
  it.state = static_cast<ItemState>(st);
  IGRA_TRY(auto l1, r.read_bytes());
  it.l1_tx.assign(l1.begin(), l1.end());
  if (!it.l1_tx.empty()) {
    IGRA_TRY(auto t, kaspa::decode_transaction(it.l1_tx));
    it.l1_txid = kaspa::transaction_id(t);
  }
  IGRA_TRY(auto sends, r.read_uint64());
  it.sends = static_cast<std::uint32_t>(sends);
  IGRA_TRY(it.first_send_ms, r.read_uint64());
  IGRA_TRY(it.last_send_ms, r.read_uint64());
  IGRA_TRY(it.l2_block, r.read_uint64());
  IGRA_TRY(auto note, r.read_bytes());
  it.note.assign(note.begin(), note.end());
  if (!r.empty()) {
    IGRA_TRY(it.input.amount, r.read_uint64());
    IGRA_TRY(it.input.block_daa_score, r.read_uint64());
    IGRA_TRY(auto cb, r.read_uint64());
    it.input.is_coinbase = cb != 0;
  }
  if (!r.empty()) {
    IGRA_TRY(auto blk, r.read_bytes());
    if (blk.size() == 32) std::copy(blk.begin(), blk.end(), it.l1_block.begin());
    else if (!blk.empty()) return core::make_error("relay queue: bad accepting block");
    IGRA_TRY(it.accepted_ms, r.read_uint64());
  }
  return it;
}

}  // namespace

const char* item_state_name(ItemState s) noexcept {
  switch (s) {
    case ItemState::kQueued: return "queued";
    case ItemState::kSubmitted: return "submitted";
    case ItemState::kAccepted: return "accepted";
    case ItemState::kExecuted: return "executed";
    case ItemState::kDropped: return "dropped";
    case ItemState::kFailed: return "failed";
  }
  return "?";
}

core::Result<std::unique_ptr<RelayQueue>> RelayQueue::open(RelayQueueOptions options, Relayer& relayer) {
  std::unique_ptr<RelayQueue> q(new RelayQueue(std::move(options), relayer));
  state::EnvOptions eo;
  eo.path = q->options_.path;
  eo.sync = q->options_.sync;
  eo.initial_map_size = 64ull << 20;
  eo.tables = {kItems, kByHash, kMeta};
  IGRA_TRY(q->env_, state::Env::open(eo));
  IGRA_TRY_VOID(q->load());
  return q;
}

RelayQueue::~RelayQueue() {
  {
    std::lock_guard lk(l1_guard_->mu);
    l1_guard_->queue = nullptr;
  }
  stop();
}

std::uint64_t RelayQueue::now() const {
  if (options_.now_ms) return options_.now_ms();
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

core::Result<void> RelayQueue::load() {
  IGRA_TRY(auto txn, env_->begin_read());
  IGRA_TRY(auto next, txn.get(kMeta, core::as_bytes(kNext)));
  if (next && next->size() == 8) next_seq_ = core::load_be<std::uint64_t>(next->data());
  IGRA_TRY(auto c, txn.cursor(kItems));
  IGRA_TRY(auto e, c.first());
  while (e) {
    if (e->first.size() != 8) return core::make_error("relay queue: corrupt item key");
    const std::uint64_t seq = core::load_be<std::uint64_t>(e->first.data());
    IGRA_TRY(auto it, decode_item(seq, e->second));
    if (it.done()) {
      ++done_[static_cast<std::size_t>(it.state)];
      if (it.state != ItemState::kFailed) done_by_block_[it.l2_block].push_back(seq);
    } else {
      // Its acceptance may have been undone by an L1 reorg while the process was down: submitted again (recover()
      // resends it; kaspad answers that it knows it when it is still accepted).
      if (it.state == ItemState::kAccepted) {
        it.state = ItemState::kSubmitted;
        it.l1_block = Hash32{};
        it.accepted_ms = 0;
      }
      by_hash_[it.l2_hash] = seq;
      open_.emplace(seq, std::move(it));
    }
    IGRA_TRY(e, c.next());
  }
  if (!open_.empty())
    spdlog::info("relayer: {} queued L2 transactions from before the restart are tracked again", open_.size());
  return {};
}

core::Result<void> RelayQueue::persist(const std::vector<const RelayItem*>& items) {
  for (;;) {
    auto r = [&]() -> core::Result<void> {
      IGRA_TRY(auto txn, env_->begin_write());
      for (const RelayItem* it : items) {
        IGRA_TRY_VOID(txn.put(kItems, be64(it->seq), encode_item(*it)));
        IGRA_TRY_VOID(txn.put(kByHash, it->l2_hash.view(), be64(it->seq)));
      }
      IGRA_TRY_VOID(txn.put(kMeta, core::as_bytes(kNext), be64(next_seq_)));
      return txn.commit();
    }();
    if (r.ok() || !state::is_map_full(r.error())) return r;
    IGRA_TRY_VOID(env_->grow_map());
  }
}

core::Result<RelayItem> RelayQueue::submit(core::ByteView raw_l2_tx, const Hash32& l2_hash) {
  std::uint64_t seq;
  {
    std::lock_guard lk(mu_);
    if (auto it = by_hash_.find(l2_hash); it != by_hash_.end()) return open_.at(it->second);
    // A done item with this hash: report it as it is (a replay of an executed transaction is not sent again).
    {
      IGRA_TRY(auto txn, env_->begin_read());
      IGRA_TRY(auto s, txn.get(kByHash, l2_hash.view()));
      if (s && s->size() == 8) {
        const std::uint64_t old = core::load_be<std::uint64_t>(s->data());
        IGRA_TRY(auto row, txn.get(kItems, be64(old)));
        if (row) {
          IGRA_TRY(auto it, decode_item(old, *row));
          if (it.state != ItemState::kFailed) return it;
        }
      }
    }
    RelayItem it;
    it.seq = seq = next_seq_++;
    it.raw.assign(raw_l2_tx.begin(), raw_l2_tx.end());
    it.l2_hash = l2_hash;
    if (auto r = persist({&it}); !r.ok()) {
      --next_seq_;
      return std::move(r).error();
    }
    by_hash_[l2_hash] = seq;
    open_.emplace(seq, std::move(it));
  }
  send_queued(seq, /*fail_on_no_coins=*/true);
  std::lock_guard lk(mu_);
  if (auto it = open_.find(seq); it != open_.end()) return it->second;
  // Done already (failed, or even executed by a fast node): read it back.
  IGRA_TRY(auto txn, env_->begin_read());
  IGRA_TRY(auto row, txn.get(kItems, be64(seq)));
  if (!row) return core::make_error(core::ErrorCode::kInternal, "relay queue: item vanished");
  IGRA_TRY(auto it, decode_item(seq, *row));
  if (it.state == ItemState::kFailed) return core::Error(core::ErrorCode::kInvalidArgument, it.note);
  return it;
}

void RelayQueue::send_queued(std::optional<std::uint64_t> upto, bool fail_on_no_coins) {
  std::lock_guard send_lock(send_mu_);
  for (;;) {
    // The oldest queued item (in order: a younger one never goes out before an older one).
    RelayItem item;
    {
      std::lock_guard lk(mu_);
      auto it = std::find_if(open_.begin(), open_.end(), [](const auto& kv) { return kv.second.state == ItemState::kQueued; });
      if (it == open_.end() || (upto && it->first > *upto)) return;
      item = it->second;
    }
    auto prepared = relayer_.prepare(item.raw);
    std::string failure;
    bool retry_later = false;
    if (!prepared.ok()) {
      const bool no_coins = prepared.error().code == core::ErrorCode::kNotFound || prepared.error().code == core::ErrorCode::kIo;
      if (no_coins && !(fail_on_no_coins && upto && item.seq == *upto)) {
        retry_later = true;  // keep it queued; the worker tries again
        spdlog::warn("relayer: L2 tx {} stays queued: {}", core::to_hex(item.l2_hash, true), prepared.error().message);
      } else {
        failure = prepared.error().message;
      }
    } else {
      // Record the signed L1 transaction before kaspad sees it.
      item.l1_tx = kaspa::encode_transaction(prepared->built.tx);
      item.l1_txid = prepared->built.id;
      item.input = prepared->coin.entry;
      item.state = ItemState::kSubmitted;
      item.sends = 1;
      item.first_send_ms = item.last_send_ms = now();
      {
        std::lock_guard lk(mu_);
        if (auto r = persist({&item}); !r.ok()) {
          relayer_.abandon(*prepared);
          spdlog::error("relayer: cannot record L1 tx: {}", r.error().message);
          return;
        }
        open_[item.seq] = item;
      }
      const Relayer::SendOutcome o = relayer_.send(*prepared);
      std::lock_guard lk(mu_);
      ++counters_.sends;
      auto& cur = open_[item.seq];
      switch (o.result) {
        case Relayer::SendResult::kAccepted:
        case Relayer::SendResult::kKnown:
        case Relayer::SendResult::kUnknown:
          cur.note = o.message;
          break;
        case Relayer::SendResult::kCoinRefused:
          // Not taken by kaspad: back to queued, prepared again with another coin at once.
          cur.state = ItemState::kQueued;
          cur.l1_tx.clear();
          cur.l1_txid = Hash32{};
          cur.sends = 0;
          cur.note = o.message;
          (void)persist({&cur});
          continue;
        case Relayer::SendResult::kRejected:
          failure = o.message;
          break;
      }
      if (failure.empty()) continue;
    }
    if (retry_later) return;
    std::lock_guard lk(mu_);
    auto& cur = open_[item.seq];
    cur.state = ItemState::kFailed;
    ++done_[static_cast<std::size_t>(ItemState::kFailed)];
    cur.note = failure;
    spdlog::warn("relayer: L2 tx {} failed: {}", core::to_hex(cur.l2_hash, true), failure);
    (void)persist({&cur});
    by_hash_.erase(cur.l2_hash);
    open_.erase(item.seq);
  }
}

void RelayQueue::on_block(std::uint64_t number, const std::vector<Hash32>& executed,
                          const std::vector<std::pair<Hash32, std::string>>& dropped) {
  std::lock_guard lk(mu_);
  std::vector<RelayItem> changed;
  auto settle = [&](const Hash32& h, ItemState st, const std::string& note) {
    auto it = by_hash_.find(h);
    if (it == by_hash_.end()) return;
    RelayItem item = open_.at(it->second);
    item.state = st;
    item.l2_block = number;
    if (!note.empty()) item.note = note;
    open_.erase(it->second);
    by_hash_.erase(it);
    done_by_block_[number].push_back(item.seq);
    ++done_[static_cast<std::size_t>(st)];
    changed.push_back(std::move(item));
  };
  for (const auto& h : executed) settle(h, ItemState::kExecuted, "");
  for (const auto& [h, why] : dropped) settle(h, ItemState::kDropped, why);
  if (changed.empty()) return;
  std::vector<const RelayItem*> ptrs;
  for (const auto& c : changed) ptrs.push_back(&c);
  if (auto r = persist(ptrs); !r.ok()) spdlog::error("relayer: queue write failed: {}", r.error().message);
}

void RelayQueue::on_unwind(std::uint64_t head) {
  std::lock_guard lk(mu_);
  std::vector<RelayItem> back;
  auto txn = env_->begin_read();
  if (!txn.ok()) return;
  for (auto it = done_by_block_.upper_bound(head); it != done_by_block_.end(); it = done_by_block_.erase(it)) {
    for (std::uint64_t seq : it->second) {
      auto row = txn->get(kItems, be64(seq));
      if (!row.ok() || !*row) continue;
      auto item = decode_item(seq, **row);
      if (!item.ok()) continue;
      --done_[static_cast<std::size_t>(item->state)];
      item->state = item->l1_tx.empty() ? ItemState::kQueued : ItemState::kSubmitted;
      item->l2_block = 0;
      item->l1_block = Hash32{};  // the unwound L2 block's L1 chain block left the selected chain
      item->accepted_ms = 0;
      item->last_send_ms = now();  // give the re-derived chain time before a resubmission
      back.push_back(std::move(*item));
    }
  }
  txn = core::make_error("closed");  // end the read transaction before writing
  if (back.empty()) return;
  std::vector<const RelayItem*> ptrs;
  for (const auto& b : back) ptrs.push_back(&b);
  if (auto r = persist(ptrs); !r.ok()) spdlog::error("relayer: queue write failed: {}", r.error().message);
  for (auto& b : back) {
    by_hash_[b.l2_hash] = b.seq;
    open_[b.seq] = std::move(b);
  }
  spdlog::info("relayer: {} relayed transactions are tracked again after an unwind to L2 block {}", back.size(), head);
}

void RelayQueue::reconcile(const std::function<std::optional<std::uint64_t>(const Hash32&)>& chain_lookup) {
  std::map<std::uint64_t, std::vector<Hash32>> found;
  {
    std::lock_guard lk(mu_);
    for (const auto& [seq, it] : open_)
      if (auto b = chain_lookup(it.l2_hash)) found[*b].push_back(it.l2_hash);
  }
  for (const auto& [block, hashes] : found) on_block(block, hashes, {});
}

void RelayQueue::on_l1_chain(const kaspa::rpc::VirtualChainChanged& change) {
  std::lock_guard lk(mu_);
  if (open_.empty()) return;
  std::vector<RelayItem*> changed;
  const std::uint64_t t = now();
  std::size_t unaccepted = 0;
  if (!change.removed_chain_block_hashes.empty()) {
    const std::set<Hash32> removed(change.removed_chain_block_hashes.begin(), change.removed_chain_block_hashes.end());
    for (auto& [seq, it] : open_) {
      if (it.state != ItemState::kAccepted || removed.count(it.l1_block) == 0) continue;
      it.state = ItemState::kSubmitted;
      it.l1_block = Hash32{};
      it.accepted_ms = 0;
      it.last_send_ms = t;  // the new chain may accept it too; sent again only if it does not within resubmit_after
      it.note = "its accepting L1 block left the selected chain";
      ++counters_.l1_unaccepted;
      ++unaccepted;
      changed.push_back(&it);
    }
  }
  if (!change.accepted_transaction_ids.empty()) {
    std::unordered_map<Hash32, RelayItem*> by_l1;
    for (auto& [seq, it] : open_)
      if (it.state == ItemState::kSubmitted) by_l1.emplace(it.l1_txid, &it);
    for (const auto& block : change.accepted_transaction_ids) {
      for (const auto& id : block.accepted_transaction_ids) {
        auto f = by_l1.find(id);
        if (f == by_l1.end()) continue;
        RelayItem& it = *f->second;
        it.state = ItemState::kAccepted;
        it.l1_block = block.accepting_block_hash;
        it.accepted_ms = t;
        ++counters_.l1_accepted;
        changed.push_back(&it);
        by_l1.erase(f);
      }
    }
  }
  if (changed.empty()) return;
  std::vector<const RelayItem*> ptrs(changed.begin(), changed.end());
  if (auto r = persist(ptrs); !r.ok()) spdlog::error("relayer: queue write failed: {}", r.error().message);
  if (unaccepted > 0)
    spdlog::info("relayer: an L1 reorg removed {} chain blocks; {} relayed transactions they accepted are tracked again",
                 change.removed_chain_block_hashes.size(), unaccepted);
}

core::Result<void> RelayQueue::watch_l1_acceptance(kaspa::rpc::Client& client) {
  // The client keeps the handler (and may call it) after this queue is gone: it reaches the queue through the
  // shared guard, which the destructor clears under the guard's lock.
  std::shared_ptr<L1Guard> guard = l1_guard_;
  return client.subscribe_virtual_chain_changed(
      /*include_accepted_transaction_ids=*/true, [guard](const kaspa::rpc::VirtualChainChanged& c) {
        std::lock_guard lk(guard->mu);
        if (guard->queue != nullptr) guard->queue->on_l1_chain(c);
      });
}

void RelayQueue::recover() { resend_due(/*all=*/true); }

void RelayQueue::step() {
  send_queued(std::nullopt, /*fail_on_no_coins=*/false);
  resend_due(/*all=*/false);
  // Idle: merge fragmented coins (never while items wait, so consolidation never delays a relayed transaction).
  if (options_.consolidate_every_ms == 0) return;
  const std::uint64_t t = now();
  {
    std::lock_guard lk(mu_);
    if (!open_.empty() || t < last_consolidation_ms_ + options_.consolidate_every_ms) return;
    last_consolidation_ms_ = t;
  }
  std::lock_guard send_lock(send_mu_);
  if (auto r = relayer_.consolidate(); !r.ok()) spdlog::warn("relayer: {}", r.error().message);
}

void RelayQueue::resend_due(bool all) {
  std::lock_guard send_lock(send_mu_);
  std::vector<std::uint64_t> due;
  const std::uint64_t t = now();
  {
    std::lock_guard lk(mu_);
    for (const auto& [seq, it] : open_)
      if (it.state == ItemState::kSubmitted && (all || t >= it.last_send_ms + options_.resubmit_after_ms))
        due.push_back(seq);
  }
  for (std::uint64_t seq : due) {
    RelayItem item;
    {
      std::lock_guard lk(mu_);
      auto it = open_.find(seq);
      if (it == open_.end() || it->second.state != ItemState::kSubmitted) continue;
      item = it->second;
    }
    auto tx = kaspa::decode_transaction(item.l1_tx);
    if (!tx.ok()) continue;
    const Relayer::SendOutcome o = relayer_.resend(*tx);
    std::unique_lock lk(mu_);
    auto it = open_.find(seq);
    if (it == open_.end()) continue;  // executed meanwhile
    RelayItem& cur = it->second;
    ++counters_.resends;
    cur.last_send_ms = now();
    cur.note = o.message;
    if (o.result == Relayer::SendResult::kAccepted) {
      ++cur.sends;
      spdlog::info("relayer: L1 tx {} of L2 tx {} sent again (kaspad had lost it)", core::to_hex(cur.l1_txid),
                   core::to_hex(cur.l2_hash, true));
    } else if (o.result == Relayer::SendResult::kKnown && o.message.find("mempool") != std::string::npos &&
               options_.replace_after_ms > 0 && cur.last_send_ms >= cur.first_send_ms + options_.replace_after_ms &&
               cur.input.amount > 0) {
      // Stuck in kaspad's mempool: replace it at a higher fee; its descendants are built again on the replacement.
      RelayItem item_copy = cur;
      const kaspa::Outpoint input_outpoint = tx->inputs.empty() ? kaspa::Outpoint{} : tx->inputs[0].previous_outpoint;
      lk.unlock();  // the replacement talks to kaspad
      auto replaced = relayer_.replace(*tx, Coin{input_outpoint, item_copy.input});
      lk.lock();
      auto again = open_.find(seq);
      if (again == open_.end()) continue;
      RelayItem& c2 = again->second;
      if (!replaced.ok()) {
        c2.note = replaced.error().message;
        (void)persist({&c2});
        continue;
      }
      std::set<kaspa::TransactionId> dropped = {c2.l1_txid};
      c2.l1_tx = kaspa::encode_transaction(*replaced);
      c2.l1_txid = kaspa::transaction_id(*replaced);
      c2.sends = 1;
      c2.first_send_ms = c2.last_send_ms = now();
      c2.note = "replaced at a higher fee";
      ++counters_.replacements;
      std::vector<const RelayItem*> changed = {&c2};
      for (auto later = std::next(again); later != open_.end(); ++later) {
        RelayItem& d = later->second;
        if (d.state != ItemState::kSubmitted) continue;
        auto dtx = kaspa::decode_transaction(d.l1_tx);
        if (!dtx.ok()) continue;
        bool descends = false;
        for (const auto& in : dtx->inputs) descends |= dropped.count(in.previous_outpoint.transaction_id) != 0;
        if (!descends) continue;
        dropped.insert(d.l1_txid);
        relayer_.forget(d.l1_txid);
        d.state = ItemState::kQueued;
        d.l1_tx.clear();
        d.l1_txid = Hash32{};
        d.sends = 0;
        d.note = "rebuilt after the replacement of an ancestor";
        changed.push_back(&d);
      }
      (void)persist(changed);
      spdlog::info("relayer: {} relayed transactions follow the replacement and are built again", changed.size() - 1);
      break;  // one replacement per pass; the rebuilt items go out in order next
    } else if (o.result == Relayer::SendResult::kKnown && o.message.find("mempool") == std::string::npos &&
               cur.last_send_ms >= cur.first_send_ms + options_.rebuild_after_ms) {
      // Its coin is gone and still nothing executed it: this L1 transaction can never be accepted. Build anew.
      spdlog::warn("relayer: L1 tx {} of L2 tx {} cannot be accepted ({}); building a new one",
                   core::to_hex(cur.l1_txid), core::to_hex(cur.l2_hash, true), o.message);
      cur.state = ItemState::kQueued;
      cur.l1_tx.clear();
      cur.l1_txid = Hash32{};
      cur.sends = 0;
      ++counters_.rebuilds;
    }
    (void)persist({&cur});
  }
}

void RelayQueue::start() {
  if (worker_.joinable()) return;
  stop_ = false;
  worker_ = std::thread([this] {
    while (!stop_) {
      step();
      std::unique_lock lk(wake_mu_);
      wake_.wait_for(lk, std::chrono::milliseconds(options_.poll_ms), [this] { return stop_.load(); });
    }
  });
}

void RelayQueue::stop() {
  {
    std::lock_guard lk(wake_mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

std::optional<RelayItem> RelayQueue::item(const Hash32& l2_hash) {
  std::lock_guard lk(mu_);
  if (auto it = by_hash_.find(l2_hash); it != by_hash_.end()) return open_.at(it->second);
  auto txn = env_->begin_read();
  if (!txn.ok()) return std::nullopt;
  auto s = txn->get(kByHash, l2_hash.view());
  if (!s.ok() || !*s || (*s)->size() != 8) return std::nullopt;
  const std::uint64_t seq = core::load_be<std::uint64_t>((*s)->data());
  auto row = txn->get(kItems, be64(seq));
  if (!row.ok() || !*row) return std::nullopt;
  auto it = decode_item(seq, **row);
  if (!it.ok()) return std::nullopt;
  return *it;
}

std::vector<Bytes> RelayQueue::open_transactions() {
  std::lock_guard lk(mu_);
  std::vector<Bytes> out;
  for (const auto& [seq, it] : open_) out.push_back(it.raw);
  return out;
}

RelayQueueStats RelayQueue::stats() {
  std::lock_guard lk(mu_);
  RelayQueueStats s = counters_;
  for (const auto& [seq, it] : open_)
    (it.state == ItemState::kQueued ? s.queued : it.state == ItemState::kAccepted ? s.accepted : s.submitted)++;
  s.executed = done_[static_cast<std::size_t>(ItemState::kExecuted)];
  s.dropped = done_[static_cast<std::size_t>(ItemState::kDropped)];
  s.failed = done_[static_cast<std::size_t>(ItemState::kFailed)];
  return s;
}

std::string relayer_metrics_text(Relayer& relayer, RelayQueue& queue) {
  const RelayerStats r = relayer.stats();
  const RelayQueueStats q = queue.stats();
  std::string out;
  auto metric = [&out](const char* name, const char* type, const char* help, std::uint64_t v, const char* labels = "") {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + labels + " " +
           std::to_string(v) + "\n";
  };
  out += "# HELP igra_relayer_queue_items Relayed L2 transactions by state.\n# TYPE igra_relayer_queue_items gauge\n";
  const std::pair<const char*, std::uint64_t> states[] = {{"queued", q.queued},     {"submitted", q.submitted},
                                                          {"accepted", q.accepted}, {"executed", q.executed},
                                                          {"dropped", q.dropped},   {"failed", q.failed}};
  for (const auto& [name, v] : states)
    out += std::string("igra_relayer_queue_items{state=\"") + name + "\"} " + std::to_string(v) + "\n";
  metric("igra_relayer_l1_submitted_total", "counter", "L1 transactions accepted by SubmitTransaction.", r.submitted);
  metric("igra_relayer_l1_resent_total", "counter", "L1 transactions sent again after kaspad lost them.", r.resent);
  metric("igra_relayer_replacements_total", "counter", "Stuck L1 transactions replaced at a higher fee.", r.replacements);
  metric("igra_relayer_rebuilds_total", "counter", "L1 transactions rebuilt because the old one could not be accepted.",
         q.rebuilds);
  metric("igra_relayer_l1_accepted_total", "counter", "Relayed L1 transactions seen accepted by the selected chain.",
         q.l1_accepted);
  metric("igra_relayer_l1_unaccepted_total", "counter", "Acceptances undone by an L1 reorg.", q.l1_unaccepted);
  metric("igra_relayer_failed_total", "counter", "Submissions that failed.", r.failed);
  metric("igra_relayer_consolidations_total", "counter", "Consolidation transactions submitted.", r.consolidations);
  metric("igra_relayer_feerate_millisompi_per_gram", "gauge", "Feerate in use (kaspad's estimate), milli-sompi per gram.",
         static_cast<std::uint64_t>(r.feerate * 1000));
  metric("igra_relayer_fees_sompi_total", "counter", "L1 fees paid, in sompi.", r.fees_sompi);
  metric("igra_relayer_zipped_total", "counter", "L1 transactions with a zlib (0x95) payload.", r.zipped);
  metric("igra_relayer_nonce_tries_total", "counter", "Transaction ids hashed by the txid nonce search.", r.nonce_tries);
  out += "# HELP igra_relayer_mining_seconds_total Time spent in the txid nonce search.\n"
         "# TYPE igra_relayer_mining_seconds_total counter\nigra_relayer_mining_seconds_total " +
         std::to_string(r.mining_seconds) + "\n";
  metric("igra_relayer_wallet_balance_sompi", "gauge", "Spendable sompi of the funding key (confirmed and own change).",
         r.balance_sompi);
  metric("igra_relayer_wallet_coins", "gauge", "Spendable confirmed coins of the funding key.", r.wallet.confirmed);
  metric("igra_relayer_wallet_unconfirmed_coins", "gauge", "Change outputs of own pending L1 transactions.",
         r.wallet.unconfirmed);
  metric("igra_relayer_wallet_immature_sompi", "gauge", "Immature coinbase sompi of the funding key.",
         r.wallet.immature_sompi);
  return out;
}

}  // namespace igra::relayer
