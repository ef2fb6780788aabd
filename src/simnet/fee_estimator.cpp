#include "simnet/fee_estimator.hpp"

#include <algorithm>
#include <cmath>

namespace igra::simnet {

FeeEstimatorConfig FeeEstimatorConfig::for_policy(const StandardnessPolicy& policy, double blocks_per_second) {
  FeeEstimatorConfig c;
  c.blocks_per_second = blocks_per_second;
  c.minimum_feerate = static_cast<double>(policy.minimum_relay_fee_per_kg) / 1000.0;
  return c;
}

FeeEstimate estimate_fees(const Mempool& mempool, const FeeEstimatorConfig& config) {
  struct Item {
    double rate;
    std::uint64_t mass;
  };
  std::vector<Item> items;
  for (const MempoolEntry* e : mempool.entries()) items.push_back({e->fee_rate(), e->mass()});
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.rate > b.rate; });

  const double capacity = static_cast<double>(std::max<std::uint64_t>(config.block_mass_capacity, 1));
  const double interval = 1.0 / std::max(config.blocks_per_second, 1e-9);

  // Seconds until a tx paying `rate` is included: the pool mass with a fee rate ≥ rate goes first.
  auto seconds_for = [&](double rate) {
    double ahead = 0;
    for (const auto& it : items) {
      if (it.rate < rate) break;
      ahead += static_cast<double>(it.mass);
    }
    return std::ceil((ahead + 1.0) / capacity) * interval;
  };
  // The lowest fee rate whose wait is within `blocks` block intervals: the marginal rate at the point the
  // cumulative pool mass reaches blocks·capacity (+10%), or the minimum when the pool is smaller.
  auto rate_within = [&](double blocks) {
    const double budget = blocks * capacity;
    double cumulative = 0;
    for (const auto& it : items) {
      cumulative += static_cast<double>(it.mass);
      if (cumulative >= budget) return std::max(config.minimum_feerate, it.rate * 1.1);
    }
    return config.minimum_feerate;
  };

  FeeEstimate out;
  const double normal_blocks = std::max(1.0, std::floor(config.normal_target_seconds / interval));
  const double low_blocks = std::max(normal_blocks, std::floor(config.low_target_seconds / interval));
  const double p = rate_within(1.0);
  const double n = std::min(p, rate_within(normal_blocks));
  const double l = std::min(n, rate_within(low_blocks));
  out.priority_bucket = {p, seconds_for(p)};
  out.normal_buckets.push_back({n, seconds_for(n)});
  out.low_buckets.push_back({l, seconds_for(l)});
  return out;
}

}  // namespace igra::simnet
