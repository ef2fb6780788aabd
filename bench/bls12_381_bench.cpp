// Cost of the BLS12-381 precompiles (EIP-2537) and the KZG point evaluation (EIP-4844) over blst, for the
// gas schedule's benefit: pairing check with 2 pairs, G1 MSM of 128 pairs, MAP_FP_TO_G1, MAP_FP2_TO_G2, and the
// point evaluation precompile on a valid mainnet-style proof. Inputs are valid subgroup points made with the map
// precompiles from fixed field elements, so every call runs the full arithmetic.
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "core/hex.hpp"
#include "crypto/bls12_381.hpp"
#include "crypto/kzg.hpp"

using namespace igra;
using core::Bytes;

namespace {

Bytes fp(std::uint64_t seed) {
  Bytes out(64, 0);
  // Byte 16 (the top of the value) stays zero, so the element is below p.
  for (std::size_t i = 17; i < 64; ++i) {
    out[i] = static_cast<std::uint8_t>((seed * 0x9e3779b97f4a7c15ULL) >> (i % 8 * 8));
  }
  return out;
}

Bytes g1_point(std::uint64_t seed) { return *crypto::bls12_map_fp_to_g1(fp(seed)); }
Bytes g2_point(std::uint64_t seed) {
  Bytes u = fp(seed);
  const Bytes v = fp(seed + 1000);
  u.insert(u.end(), v.begin(), v.end());
  return *crypto::bls12_map_fp2_to_g2(u);
}
Bytes scalar(std::uint64_t seed) {
  Bytes s(32);
  for (std::size_t i = 0; i < 32; ++i) s[i] = static_cast<std::uint8_t>((seed + i) * 0xa5a5a5a5ULL >> (i % 4 * 8));
  return s;
}
void append(Bytes& out, const Bytes& v) { out.insert(out.end(), v.begin(), v.end()); }

void check(bool ok, benchmark::State& state) {
  if (!ok) state.SkipWithError("precompile failed");
}

void BM_Bls12PairingCheck2(benchmark::State& state) {
  Bytes in;
  for (std::uint64_t i = 0; i < 2; ++i) {
    append(in, g1_point(i));
    append(in, g2_point(i));
  }
  for (auto _ : state) {
    auto r = crypto::bls12_pairing_check(in);
    check(r.ok(), state);
    benchmark::DoNotOptimize(r);
  }
  state.counters["gas"] = static_cast<double>(crypto::bls12_pairing_gas(in.size()));
}
BENCHMARK(BM_Bls12PairingCheck2)->Unit(benchmark::kMicrosecond);

void BM_Bls12G1Msm(benchmark::State& state) {
  Bytes in;
  for (std::int64_t i = 0; i < state.range(0); ++i) {
    append(in, g1_point(static_cast<std::uint64_t>(i)));
    append(in, scalar(static_cast<std::uint64_t>(i)));
  }
  for (auto _ : state) {
    auto r = crypto::bls12_g1_msm(in);
    check(r.ok(), state);
    benchmark::DoNotOptimize(r);
  }
  state.counters["gas"] = static_cast<double>(crypto::bls12_g1_msm_gas(in.size()));
}
BENCHMARK(BM_Bls12G1Msm)->Arg(1)->Arg(128)->Unit(benchmark::kMicrosecond);

void BM_Bls12G2Msm(benchmark::State& state) {
  Bytes in;
  for (std::int64_t i = 0; i < state.range(0); ++i) {
    append(in, g2_point(static_cast<std::uint64_t>(i)));
    append(in, scalar(static_cast<std::uint64_t>(i)));
  }
  for (auto _ : state) {
    auto r = crypto::bls12_g2_msm(in);
    check(r.ok(), state);
    benchmark::DoNotOptimize(r);
  }
  state.counters["gas"] = static_cast<double>(crypto::bls12_g2_msm_gas(in.size()));
}
BENCHMARK(BM_Bls12G2Msm)->Arg(1)->Arg(128)->Unit(benchmark::kMicrosecond);

void BM_Bls12MapFpToG1(benchmark::State& state) {
  const Bytes in = fp(7);
  for (auto _ : state) {
    auto r = crypto::bls12_map_fp_to_g1(in);
    check(r.ok(), state);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Bls12MapFpToG1)->Unit(benchmark::kMicrosecond);

void BM_Bls12MapFp2ToG2(benchmark::State& state) {
  Bytes in = fp(7);
  append(in, fp(8));
  for (auto _ : state) {
    auto r = crypto::bls12_map_fp2_to_g2(in);
    check(r.ok(), state);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Bls12MapFp2ToG2)->Unit(benchmark::kMicrosecond);

void BM_Bls12G1Add(benchmark::State& state) {
  Bytes in = g1_point(1);
  append(in, g1_point(2));
  for (auto _ : state) {
    auto r = crypto::bls12_g1_add(in);
    check(r.ok(), state);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Bls12G1Add)->Unit(benchmark::kMicrosecond);

// A valid input from the EEST Cancun suite (tests/cancun/eip4844_blobs test_valid_inputs, "mainnet_1").
void BM_KzgPointEvaluation(benchmark::State& state) {
  const Bytes in = core::hex_or_die(
      "018156b94fe9735e573bab36dad05d60feb720d424ccd20aaf719343c31e4246019123bcb9d06356701f7be08b4494625b87a7b02e"
      "dc566126fb81f6306e915f6c2eb1e94c2532935b8465351ba1bd88eabe2b3fa1aadff7d1cd816e8315bd38a9546d41993e10df2a74"
      "29b8490394ea9ee62807bae6f326d1044a51581306f58d4b9dfd5931e044688855280ff3799ea2ea83d9391e0ee42e0c650acc7a1f"
      "842a7d385189485ddb4fd54ade3d9fd50d608167dca6c776aad4b8ad5c20691bfe");
  for (auto _ : state) {
    auto r = crypto::kzg_point_evaluation(in);
    check(r.ok(), state);
    benchmark::DoNotOptimize(r);
  }
  state.counters["gas"] = static_cast<double>(crypto::kzg_point_evaluation_gas());
}
BENCHMARK(BM_KzgPointEvaluation)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
