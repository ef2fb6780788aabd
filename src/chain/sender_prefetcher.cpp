#include "chain/sender_prefetcher.hpp"

#include <cstring>

#include "chain/transaction_codec.hpp"
#include "core/keccak.hpp"

namespace igra::chain {

std::size_t SenderPrefetcher::HashKey::operator()(const core::Hash32& h) const noexcept {
  std::size_t v;
  std::memcpy(&v, h.data() + 8, sizeof v);
  return v;
}

SenderPrefetcher::SenderPrefetcher() : thread_([this] { run(); }) {}

SenderPrefetcher::~SenderPrefetcher() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  thread_.join();
}

void SenderPrefetcher::submit(std::vector<core::Bytes> raw_txs) {
  {
    std::lock_guard lk(mu_);
    for (auto& raw : raw_txs) {
      const core::Hash32 h = core::keccak256(raw);
      auto [it, inserted] = items_.try_emplace(h);
      if (!inserted) continue;
      it->second.raw = std::move(raw);
      queue_.push_back(h);
    }
  }
  work_cv_.notify_one();
}

std::optional<core::Result<core::Address20>> SenderPrefetcher::lookup(const core::Hash32& tx_hash) {
  std::unique_lock lk(mu_);
  auto it = items_.find(tx_hash);
  if (it == items_.end()) return std::nullopt;
  if (it->second.state == State::kQueued) {
    it->second.state = State::kTaken;  // the caller recovers it; the worker skips it
    items_.erase(it);
    return std::nullopt;
  }
  if (it->second.state == State::kRunning) {
    done_cv_.wait(lk, [&] {
      auto j = items_.find(tx_hash);
      return j == items_.end() || j->second.state == State::kDone;
    });
    it = items_.find(tx_hash);
    if (it == items_.end()) return std::nullopt;
  }
  if (it->second.state != State::kDone) return std::nullopt;
  auto r = std::move(it->second.sender);
  items_.erase(it);
  return r;
}

void SenderPrefetcher::clear() {
  std::unique_lock lk(mu_);
  queue_.clear();
  // Items being recovered right now finish and are then dropped by the worker (they are no longer queued).
  for (auto it = items_.begin(); it != items_.end();) {
    if (it->second.state == State::kRunning) {
      ++it;
    } else {
      it = items_.erase(it);
    }
  }
}

std::size_t SenderPrefetcher::recovered_total() const {
  std::lock_guard lk(mu_);
  return recovered_;
}

void SenderPrefetcher::run() {
  std::unique_lock lk(mu_);
  for (;;) {
    work_cv_.wait(lk, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    const core::Hash32 h = queue_.front();
    queue_.pop_front();
    auto it = items_.find(h);
    if (it == items_.end() || it->second.state != State::kQueued) continue;
    it->second.state = State::kRunning;
    const core::Bytes raw = std::move(it->second.raw);
    lk.unlock();
    core::Result<core::Address20> sender = core::Error{};
    auto tx = decode_transaction(raw);
    sender = tx ? recover_sender(*tx) : core::Result<core::Address20>(tx.error());
    lk.lock();
    it = items_.find(h);
    if (it != items_.end()) {
      it->second.sender = std::move(sender);
      it->second.state = State::kDone;
      ++recovered_;
    }
    done_cv_.notify_all();
  }
}

}  // namespace igra::chain
