#pragma once
// The relayer's persistent queue: every L2 transaction accepted by eth_sendRawTransaction is written to LMDB
// before anything is spent, tracked until the L2 chain executes (or drops) it, and survives restarts.
//
// Item life:   queued --(prepare: L1 tx signed and recorded)--> submitted --(kaspad: accepted by a selected-chain
//              block)--> accepted --(seen in a committed L2 block)--> executed
//                                                              \\-- dropped (the block's drop reason)
//              queued / submitted --(kaspad rejects it for a reason other than the coin)--> failed
// L1 acceptance comes from kaspad's VirtualChainChanged notifications with accepted transaction ids
// (watch_l1_acceptance): an accepted item is never resent, replaced or rebuilt; when its accepting block leaves
// the selected chain (an L1 reorg) it is submitted again in the relayer's eyes and the resend timer restarts, so it
// is sent again if the new chain does not accept it. Execution may be seen first (the node derived the block
// before the notification arrived): a submitted item goes straight to executed. After a restart accepted items
// count as submitted (their acceptance may have been undone while the process was down).
// An L2 unwind (Kaspa reorg) returns the items of the unwound blocks to `submitted` (re-tracked). A submitted
// item that no committed block has executed `resubmit_after_ms` after its last send is sent again with the
// same bytes (kaspad lost it: restart of kaspad or of igrad dev's embedded simnet, mempool eviction, a reorg that
// dropped it); one still in kaspad's mempool `replace_after_ms` after its first send is replaced at a higher fee
// (SubmitTransactionReplacement) and the items chained after it are built again on the replacement; only when kaspad keeps saying its coin is spent and still nothing executes it after
// `rebuild_after_ms` is a new L1 transaction built (the old one cannot be accepted any more). The signed L1
// transaction is recorded before it is sent, so a crash between the two never leads to a second, different L1
// transaction for the same item: after a restart the recorded one is sent again.
//
// Sends happen in item order (one mutex), so L1 acceptance order is submission order: the wallet chains each
// transaction on the change of the previous one (wallet.hpp).
//
// Tables (own LMDB environment, normally DATADIR/relayer):
//   RelayItem   key u64be(seq)            value RLP([raw L2 tx, state, L1 tx (kaspa tx_codec) or "", sends,
//                                                 first send ms, last send ms, L2 block, note,
//                                                 input amount, input block DAA score, input is coinbase,
//                                                 accepting L1 chain block or "", acceptance ms])
//                                         (rows written before the last two fields existed decode without them)
//   RelayByHash key L2 tx hash (32)       value u64be(seq)
//   RelayMeta   key "next"                value u64be(next seq)
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "kaspa/rpc/client.hpp"
#include "kaspa/transaction.hpp"
#include "relayer/relayer.hpp"
#include "state/lmdb_env.hpp"

namespace igra::relayer {

enum class ItemState : std::uint8_t { kQueued = 0, kSubmitted = 1, kExecuted = 2, kDropped = 3, kFailed = 4, kAccepted = 5 };
const char* item_state_name(ItemState s) noexcept;

struct RelayItem {
  std::uint64_t seq = 0;
  core::Bytes raw;                 // the L2 transaction (EIP-2718 bytes)
  core::Hash32 l2_hash;
  ItemState state = ItemState::kQueued;
  core::Bytes l1_tx;               // the signed L1 transaction (kaspa tx_codec), once prepared
  core::Hash32 l1_txid;            // its id (zero before)
  std::uint32_t sends = 0;         // submissions of the current L1 transaction (first one included)
  std::uint64_t first_send_ms = 0; // wall clock of the first / the last submission of the current L1 tx
  std::uint64_t last_send_ms = 0;
  std::uint64_t l2_block = 0;      // executed / dropped: the L2 block
  std::string note;                // drop reason, failure message, last kaspad answer
  kaspa::UtxoEntry input;          // the coin the L1 transaction spends (for a replacement)
  core::Hash32 l1_block;           // accepted: the selected-chain block that accepted the L1 transaction (else zero)
  std::uint64_t accepted_ms = 0;   // when that was seen
  bool done() const noexcept { return state == ItemState::kExecuted || state == ItemState::kDropped || state == ItemState::kFailed; }
};

struct RelayQueueOptions {
  std::string path;                       // LMDB directory (created if missing)
  bool sync = true;                       // fsync every change (off only in tests)
  std::uint64_t resubmit_after_ms = 15'000;
  std::uint64_t rebuild_after_ms = 120'000;
  // Still in kaspad's mempool this long after its first send: replaced at a higher fee (Relayer::replace) and its
  // descendants (later items chained on its change) are built again on the replacement. 0: never.
  std::uint64_t replace_after_ms = 60'000;
  std::uint64_t poll_ms = 250;            // worker period
  std::uint64_t consolidate_every_ms = 30'000;  // when idle, Relayer::consolidate() at most this often (0: never)
  std::function<std::uint64_t()> now_ms;  // wall clock (tests replace it)
};

struct RelayQueueStats {
  std::uint64_t queued = 0, submitted = 0, accepted = 0, executed = 0, dropped = 0, failed = 0;  // items by state
  std::uint64_t sends = 0, resends = 0, rebuilds = 0, replacements = 0;            // since open
  std::uint64_t l1_accepted = 0, l1_unaccepted = 0;  // acceptances seen / undone by an L1 reorg, since open
};

class RelayQueue {
 public:
  static core::Result<std::unique_ptr<RelayQueue>> open(RelayQueueOptions options, Relayer& relayer);
  ~RelayQueue();
  RelayQueue(const RelayQueue&) = delete;
  RelayQueue& operator=(const RelayQueue&) = delete;

  // Persists the L2 transaction (idempotent by hash: a known hash returns the existing item) and sends it and
  // every older queued item, in order, in the calling thread. Errors: the database write failed, or this item
  // could not be sent (it is then marked failed and the message returned: nothing was spent).
  core::Result<RelayItem> submit(core::ByteView raw_l2_tx, const core::Hash32& l2_hash);

  // Chain events from the node (the derivation thread): executed and dropped transactions of a committed L2
  // block; an unwind to `head` (items of later blocks are tracked again).
  void on_block(std::uint64_t number, const std::vector<core::Hash32>& executed,
                const std::vector<std::pair<core::Hash32, std::string>>& dropped);
  void on_unwind(std::uint64_t head);
  // Kaspa's selected chain changed (VirtualChainChanged with accepted transaction ids): items whose accepting block
  // was removed go back to submitted; submitted items whose L1 transaction an added block accepted become accepted.
  void on_l1_chain(const kaspa::rpc::VirtualChainChanged& change);
  // Subscribes on `client` (the relayer's kaspad connection) to VirtualChainChanged with accepted transaction ids
  // and feeds on_l1_chain. The client re-subscribes after reconnects. Without it items go from submitted to
  // executed directly.
  core::Result<void> watch_l1_acceptance(kaspa::rpc::Client& client);
  // At open, for items that are not done: where the L2 chain has the hash (block number), so that events missed
  // while the process was down are caught up. Call before start().
  void reconcile(const std::function<std::optional<std::uint64_t>(const core::Hash32&)>& chain_lookup);

  // After a restart: sends every submitted item again at once, in order, before new submissions (the L1 node
  // may have lost them with its mempool; the wallet adopts their change so new transactions chain after them).
  // Call after reconcile() and before serving RPC.
  void recover();

  // One pass of the worker: sends queued items, resubmits or rebuilds overdue ones. start() runs it every poll_ms.
  void step();
  void start();
  void stop();

  std::optional<RelayItem> item(const core::Hash32& l2_hash);
  // The L2 transactions of the items that are not done, in order.
  std::vector<core::Bytes> open_transactions();
  RelayQueueStats stats();

 private:
  RelayQueue(RelayQueueOptions options, Relayer& relayer)
      : options_(std::move(options)), relayer_(relayer), l1_guard_(std::make_shared<L1Guard>()) {
    l1_guard_->queue = this;
  }
  core::Result<void> load();
  core::Result<void> persist(const std::vector<const RelayItem*>& items);
  // Sends queued items with seq <= upto (all when nullopt), in order. Holds send_mu_.
  void send_queued(std::optional<std::uint64_t> upto, bool fail_on_no_coins);
  void resend_due(bool all);
  std::uint64_t now() const;

  RelayQueueOptions options_;
  Relayer& relayer_;
  std::unique_ptr<state::Env> env_;

  std::mutex send_mu_;  // one sender at a time (item order = L1 order); taken before mu_
  std::mutex mu_;       // guards the maps below
  std::uint64_t next_seq_ = 0;
  std::map<std::uint64_t, RelayItem> open_;                   // items not done, by seq
  std::unordered_map<core::Hash32, std::uint64_t> by_hash_;  // open items (hashes are random: the default hash is fine)
  std::map<std::uint64_t, std::vector<std::uint64_t>> done_by_block_;  // executed / dropped seqs by L2 block
  RelayQueueStats counters_;                   // sends, resends, replacements, rebuilds
  std::array<std::uint64_t, 6> done_{};         // items that are done, by ItemState (executed, dropped, failed)
  std::uint64_t last_consolidation_ms_ = 0;

  // What the VirtualChainChanged handler reaches the queue through (null once the queue is destroyed).
  struct L1Guard {
    std::mutex mu;
    RelayQueue* queue = nullptr;
  };
  std::shared_ptr<L1Guard> l1_guard_;

  std::atomic<bool> stop_{false};
  std::mutex wake_mu_;
  std::condition_variable wake_;
  std::thread worker_;
};

// Prometheus text of the relayer and its queue (igra_relayer_*): queue depth by state, sends, resends, rebuilds,
// L1 transactions submitted, fees spent, payloads zipped, wallet coins.
std::string relayer_metrics_text(Relayer& relayer, RelayQueue& queue);

}  // namespace igra::relayer
