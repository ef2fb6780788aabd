#include "simnet/simnet.hpp"

#include <chrono>
#include <cmath>

namespace igra::simnet {

namespace {

std::vector<double> miner_weights(const std::vector<MinerConfig>& miners) {
  std::vector<double> w;
  for (const auto& m : miners) w.push_back(m.weight > 0 ? m.weight : 0.0);
  return w;
}

SimnetConfig normalized(SimnetConfig c) {
  if (c.miners.empty()) c.miners.push_back(MinerConfig{});
  if (!(c.blocks_per_second > 0)) c.blocks_per_second = 10.0;
  return c;
}

}  // namespace

Simnet::Simnet(SimnetConfig config)
    : config_(normalized(std::move(config))),
      consensus_(config_.consensus),
      views_(config_.miners.size()),
      withholding_(config_.miners.size(), 0),
      rng_(config_.seed),
      miner_pick_([&] {
        auto w = miner_weights(config_.miners);
        return std::discrete_distribution<std::size_t>(w.begin(), w.end());
      }()) {
  const std::uint64_t genesis_us = config_.consensus.genesis_timestamp_ms * 1000;
  if (config_.clock_mode == ClockMode::kFast) {
    auto vc = std::make_unique<VirtualClock>(genesis_us);
    virtual_clock_ = vc.get();
    clock_ = std::move(vc);
  } else {
    clock_ = std::make_unique<RealClock>();
  }
  next_block_us_ = clock_->now_us() + next_interval_us();
}

Simnet::~Simnet() { stop(); }

std::uint64_t Simnet::sample_delay_us() {
  if (config_.propagation_delay_ms == 0) return 0;
  const double mean = static_cast<double>(config_.propagation_delay_ms) * 1000.0;
  std::uniform_real_distribution<double> d(0.5 * mean, 1.5 * mean);
  return static_cast<std::uint64_t>(d(rng_));
}

std::uint64_t Simnet::next_interval_us() {
  if (config_.arrivals == BlockArrivals::kRegular)
    return static_cast<std::uint64_t>(1e6 / config_.blocks_per_second);
  std::exponential_distribution<double> d(config_.blocks_per_second / 1e6);
  const double v = d(rng_);
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(v));
}

void Simnet::deliver_locked(BlockId id, std::size_t from_miner, std::uint64_t now_us, bool immediate) {
  for (std::size_t m = 0; m < views_.size(); ++m) {
    if (m == from_miner) {
      views_[m].see(consensus_.dag(), id);
    } else {
      views_[m].deliver(id, immediate ? now_us : now_us + sample_delay_us());
    }
  }
}

core::Result<MinedBlock> Simnet::mine_one_locked(std::uint64_t now_us) {
  const std::size_t miner = views_.size() == 1 ? 0 : miner_pick_(rng_);
  MinerView& view = views_[miner];
  view.advance(consensus_.dag(), now_us);
  const std::vector<BlockId> parents = consensus_.pick_parents(view.tips());
  std::vector<kaspa::Transaction> txs;
  if (config_.tx_source) txs = config_.tx_source(config_.max_block_transactions);
  const auto& mc = config_.miners[miner];
  IGRA_TRY(Block block, consensus_.build_block(parents, mc.script_public_key, mc.extra_data, txs, now_us / 1000, rng_()));
  const bool withhold = withholding_[miner] != 0;
  IGRA_TRY(BlockId id, consensus_.add_block(std::make_shared<Block>(std::move(block)), !withhold));
  MinedBlock out{consensus_.dag().hash(id), id, miner, withhold};
  if (withhold) {
    view.see(consensus_.dag(), id);
    withheld_.push_back(id);
  } else {
    deliver_locked(id, miner, now_us);
  }
  return out;
}

core::Result<std::vector<MinedBlock>> Simnet::mine_blocks(std::size_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<MinedBlock> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t now;
    if (virtual_clock_) {
      now = next_block_us_;
      virtual_clock_->advance_to(now);
      next_block_us_ += next_interval_us();
    } else {
      now = clock_->now_us();
    }
    IGRA_TRY(MinedBlock b, mine_one_locked(now));
    out.push_back(b);
  }
  return out;
}

core::Result<std::vector<MinedBlock>> Simnet::run_for_ms(std::uint64_t duration_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<MinedBlock> out;
  if (!virtual_clock_) return core::make_error(core::ErrorCode::kUnsupported, "run_for_ms needs the fast clock mode");
  const std::uint64_t target = virtual_clock_->now_us() + duration_ms * 1000;
  while (next_block_us_ <= target) {
    const std::uint64_t now = next_block_us_;
    virtual_clock_->advance_to(now);
    next_block_us_ += next_interval_us();
    IGRA_TRY(MinedBlock b, mine_one_locked(now));
    out.push_back(b);
  }
  virtual_clock_->advance_to(target);
  return out;
}

void Simnet::advance_clock_to_ms(std::uint64_t ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!virtual_clock_ || ms * 1000 <= virtual_clock_->now_us()) return;
  virtual_clock_->advance_to(ms * 1000);
  if (next_block_us_ <= ms * 1000) next_block_us_ = ms * 1000 + next_interval_us();
}

void Simnet::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (running_) return;
  running_ = true;
  stop_requested_ = false;
  if (!virtual_clock_) next_block_us_ = clock_->now_us() + next_interval_us();
  thread_ = std::thread([this] { run_loop(); });
}

void Simnet::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_) return;
    stop_requested_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mu_);
  running_ = false;
}

void Simnet::run_loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_requested_) {
    const std::uint64_t scheduled = next_block_us_;
    if (virtual_clock_) {
      // Fast mode with a thread: no waiting, but let other callers take the lock between blocks.
      virtual_clock_->advance_to(scheduled);
      lock.unlock();
      std::this_thread::yield();
      lock.lock();
      if (stop_requested_) break;
    } else {
      const auto deadline = std::chrono::system_clock::time_point(std::chrono::microseconds(scheduled));
      if (cv_.wait_until(lock, deadline, [&] { return stop_requested_; })) break;
    }
    next_block_us_ = scheduled + next_interval_us();
    const std::uint64_t now = virtual_clock_ ? scheduled : clock_->now_us();
    (void)mine_one_locked(now);  // a failing template (cannot happen with valid state) is skipped
  }
}

core::Result<BlockHash> Simnet::submit_block(Block block) {
  std::lock_guard<std::mutex> lock(mu_);
  IGRA_TRY(BlockId id, consensus_.add_block(std::make_shared<Block>(std::move(block)), true));
  deliver_locked(id, views_.size(), clock_->now_us());
  return consensus_.dag().hash(id);
}

core::Result<Block> Simnet::block_template(const kaspa::ScriptPublicKey& miner_spk, core::ByteView extra_data) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<kaspa::Transaction> txs;
  if (config_.tx_source) txs = config_.tx_source(config_.max_block_transactions);
  const std::vector<BlockId> parents = consensus_.virtual_parents();
  return consensus_.build_block(parents, miner_spk, extra_data, txs, clock_->now_ms(), 0);
}

void Simnet::on_chain_changed(Consensus::ChainListener l) {
  std::lock_guard<std::mutex> lock(mu_);
  consensus_.on_chain_changed(std::move(l));
}

void Simnet::on_block_added(Consensus::BlockListener l) {
  std::lock_guard<std::mutex> lock(mu_);
  consensus_.on_block_added(std::move(l));
}

}  // namespace igra::simnet
