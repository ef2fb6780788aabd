#pragma once
// GetFeeEstimate for the simnet (rusty-kaspa mining/src/feerate: RpcFeeEstimate { priority_bucket,
// normal_buckets, low_buckets }, each bucket { feerate (sompi per gram), estimated_seconds }).
//
// Model: block space is taken by pool transactions in fee-rate order (as select_for_block does), one block's
// mass capacity per block interval. A fee rate f waits for the mass of pool transactions with a fee rate ≥ f,
// so its estimated time is ceil((mass_ahead + 1) / capacity) block intervals. Buckets:
//   priority: the lowest fee rate still fitting the next block (the minimum relay fee rate if the pool fits
//             in one block), raised by 10% above the marginal pool fee rate when the pool overflows a block
//   normal:   fitting within normal_target_seconds (60 s)
//   low:      fitting within low_target_seconds (3600 s)
// Every fee rate is at least the minimum relay fee rate (1 sompi/gram Crescendo, 100 Toccata) and the buckets
// are non-increasing (priority ≥ normal ≥ low).
#include <cstdint>
#include <vector>

#include "simnet/mempool.hpp"

namespace igra::simnet {

struct FeerateBucket {
  double feerate = 0;            // sompi per gram
  double estimated_seconds = 0;
};

struct FeeEstimate {
  FeerateBucket priority_bucket;
  std::vector<FeerateBucket> normal_buckets;
  std::vector<FeerateBucket> low_buckets;
};

struct FeeEstimatorConfig {
  double blocks_per_second = 10.0;
  std::uint64_t block_mass_capacity = kaspa::kBlockComputeMassLimit;
  double minimum_feerate = 1.0;  // the policy's minimum relay fee per gram
  double normal_target_seconds = 60.0;
  double low_target_seconds = 3600.0;

  // Minimum fee rate of a standardness policy: minimum_relay_fee_per_kg / 1000.
  static FeeEstimatorConfig for_policy(const StandardnessPolicy& policy, double blocks_per_second = 10.0);
};

FeeEstimate estimate_fees(const Mempool& mempool, const FeeEstimatorConfig& config = {});

}  // namespace igra::simnet
