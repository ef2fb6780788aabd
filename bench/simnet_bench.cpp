// Simnet fast mode: empty blocks per second (one miner, and four miners with propagation delay).
#include <benchmark/benchmark.h>

#include "simnet/simnet.hpp"

namespace {

using igra::simnet::MinerConfig;
using igra::simnet::Simnet;
using igra::simnet::SimnetConfig;

void BM_SimnetFastEmptyBlocks(benchmark::State& state) {
  SimnetConfig cfg;
  cfg.seed = 1;
  const auto miners = static_cast<std::size_t>(state.range(0));
  cfg.propagation_delay_ms = static_cast<std::uint32_t>(state.range(1));
  for (std::size_t i = 0; i < miners; ++i)
    cfg.miners.push_back(MinerConfig{{0, {0x51, static_cast<std::uint8_t>(i)}}, {}, 1.0});
  Simnet sim(cfg);
  constexpr std::size_t kBatch = 1000;
  for (auto _ : state) {
    auto r = sim.mine_blocks(kBatch);
    if (!r.ok()) state.SkipWithError(r.error().message.c_str());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
  state.counters["blocks_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * kBatch), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SimnetFastEmptyBlocks)->Args({1, 0})->Args({4, 300})->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
