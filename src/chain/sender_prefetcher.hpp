#pragma once
// Sender recovery ahead of execution. Signature recovery dominates the cost of simple transactions (~35 us
// each); a deriver that has fetched many windows of L1 data queues the L2 transactions of the later windows
// here, and one background thread recovers their senders while the current block executes, computes its
// state root and commits on the other core. execute_block asks `lookup` for each transaction:
//   - recovered already: the sender (or the recovery error) is returned;
//   - queued, not started: the caller takes it over (nullopt; it recovers the sender itself);
//   - being recovered right now: waits for that one result.
// So no transaction is ever recovered twice, and results equal recover_sender(decode_transaction(raw)).
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"

namespace igra::chain {

class SenderPrefetcher {
 public:
  SenderPrefetcher();
  ~SenderPrefetcher();
  SenderPrefetcher(const SenderPrefetcher&) = delete;
  SenderPrefetcher& operator=(const SenderPrefetcher&) = delete;

  // Queues canonical transactions (recovered in order).
  void submit(std::vector<core::Bytes> raw_txs);
  // See above. `tx_hash` is keccak256 of the canonical bytes.
  std::optional<core::Result<core::Address20>> lookup(const core::Hash32& tx_hash);
  // Drops everything queued and recovered (after a reorg, or to bound memory).
  void clear();
  std::size_t recovered_total() const;

 private:
  enum class State : std::uint8_t { kQueued, kRunning, kDone, kTaken };
  struct Item {
    core::Bytes raw;
    State state = State::kQueued;
    core::Result<core::Address20> sender = core::Error{};
  };
  struct HashKey {
    std::size_t operator()(const core::Hash32& h) const noexcept;
  };
  void run();

  mutable std::mutex mu_;
  std::condition_variable work_cv_, done_cv_;
  std::deque<core::Hash32> queue_;
  std::unordered_map<core::Hash32, Item, HashKey> items_;
  std::size_t recovered_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace igra::chain
