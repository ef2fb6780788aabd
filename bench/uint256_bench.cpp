// uint256 micro-benchmarks: multiplication, division, mulmod and exp on full-width random operands.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "core/uint256.hpp"

namespace {

using igra::core::uint256;

constexpr std::size_t kCount = 1024;

std::vector<uint256> operands(std::uint64_t seed, unsigned bits) {
  std::mt19937_64 rng(seed);
  std::vector<uint256> v(kCount);
  for (auto& x : v) {
    x = uint256::from_limbs(rng(), rng(), rng(), rng()) >> (256 - bits);
    if (x.is_zero()) x = uint256(1);
  }
  return v;
}

void BM_Mul(benchmark::State& state) {
  const auto a = operands(1, 256), b = operands(2, 256);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(a[i] * b[i]);
    i = (i + 1) % kCount;
  }
}
BENCHMARK(BM_Mul);

void BM_Add(benchmark::State& state) {
  const auto a = operands(1, 256), b = operands(2, 256);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(a[i] + b[i]);
    i = (i + 1) % kCount;
  }
}
BENCHMARK(BM_Add);

// Arg: bit width of the divisor (dividend is always 256 bits).
void BM_Div(benchmark::State& state) {
  const auto a = operands(3, 256), b = operands(4, static_cast<unsigned>(state.range(0)));
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(igra::core::udivrem(a[i], b[i]));
    i = (i + 1) % kCount;
  }
}
BENCHMARK(BM_Div)->Arg(64)->Arg(128)->Arg(192)->Arg(256);

// Arg: bit width of the modulus.
void BM_MulMod(benchmark::State& state) {
  const auto a = operands(5, 256), b = operands(6, 256), m = operands(7, static_cast<unsigned>(state.range(0)));
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(igra::core::mulmod(a[i], b[i], m[i]));
    i = (i + 1) % kCount;
  }
}
BENCHMARK(BM_MulMod)->Arg(64)->Arg(128)->Arg(256);

void BM_AddMod(benchmark::State& state) {
  const auto a = operands(5, 256), b = operands(6, 256), m = operands(7, 256);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(igra::core::addmod(a[i], b[i], m[i]));
    i = (i + 1) % kCount;
  }
}
BENCHMARK(BM_AddMod);

// Arg: bit width of the exponent.
void BM_Exp(benchmark::State& state) {
  const auto a = operands(8, 256), e = operands(9, static_cast<unsigned>(state.range(0)));
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(igra::core::exp(a[i], e[i]));
    i = (i + 1) % kCount;
  }
}
BENCHMARK(BM_Exp)->Arg(8)->Arg(64)->Arg(256);

}  // namespace

BENCHMARK_MAIN();
