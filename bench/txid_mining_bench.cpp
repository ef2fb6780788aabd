// Kaspa transaction-id nonce mining (kaspa-protocol.md §2.4): tries per second on one core.
//
// The relayer mines a 4-byte big-endian nonce at the end of the payload until the id has a wanted prefix.
//   naive     : set_payload_nonce + transaction_id(tx) each try (serializes the whole id preimage every time)
//   midstate  : IdMiner::id_with_nonce (v0: cached BLAKE2b state up to the nonce, ~1 compression per try;
//               v1: cached rest digest + BLAKE3 payload prefix, ~2 compressions per try)
//   find_nonce: IdMiner::find_nonce with an unreachable 8-byte prefix (the tight loop, no per-call overhead;
//               v0 runs the multi-lane BLAKE2b kernel of the best backend when integrated)
//   simd/<be> : v0: the same search as a loop over core::Blake2bFinalBatch (one multi-lane compression per step)
//               with a forced backend: scalar (1 lane), avx2 (4 lanes), avx512 (8 lanes); v1: IdMiner::find_nonce
//               with that backend: scalar (one nonce at a time), avx2 (8 lanes), avx512 (16 lanes) of
//               Blake3::search_nonce_chain
// Shapes: "250B" = v0 id preimage of 250 bytes (1 P2PK input, 1 P2PK output, 84-byte payload) and the same
// fields as a v1 tx; "600B" = a 600-byte payload for comparison.
//
// After the Google Benchmark output a table prints tries/s (best of the repetitions, CPU time; run with e.g.
// --benchmark_repetitions=3) and the ratios over naive. The target is >= 8M v0 tries/s/core.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "core/blake2b.hpp"
#include "core/blake2b_multi.hpp"
#include "core/blake3.hpp"
#include "core/bytes.hpp"
#include "core/hex.hpp"
#include "kaspa/hashing.hpp"
#include "kaspa/script_builder.hpp"
#include "kaspa/transaction.hpp"
#include "kaspa/tx_id.hpp"

namespace {

using namespace igra;
using namespace igra::kaspa;

Transaction make_tx(std::uint16_t version, std::size_t payload_len) {
  Transaction tx;
  tx.version = version;
  TransactionInput in;
  for (std::size_t i = 0; i < 32; ++i) in.previous_outpoint.transaction_id[i] = static_cast<std::uint8_t>(i * 7 + 1);
  in.previous_outpoint.index = 1;
  in.sequence = 0;
  in.compute_commit = version == 0 ? ComputeCommit(SigOpCount{1}) : ComputeCommit(ComputeBudget{10});
  tx.inputs.push_back(in);
  TransactionOutput out;
  out.value = 123'456'789;
  crypto::XOnlyPublicKey key;
  for (std::size_t i = 0; i < 32; ++i) key[i] = static_cast<std::uint8_t>(0xa0 + i);
  out.script_public_key = p2pk_script(key);
  tx.outputs.push_back(out);
  if (version == 1) tx.subnetwork_id = subnetwork_lane(0x97b10000);
  tx.payload.resize(payload_len);
  for (std::size_t i = 0; i < payload_len; ++i) tx.payload[i] = static_cast<std::uint8_t>(i * 13 + 5);
  return tx;
}

// v0 id preimage length = 62 + 52*n_in + sum(18 + len(spk)) + len(payload) = 166 + payload for this shape.
constexpr std::size_t kPayload250 = 250 - 166;
constexpr std::size_t kPayload600 = 600;

void check_equivalence(const Transaction& base) {
  Transaction tx = base;
  auto miner = IdMiner::create(tx);
  if (!miner) {
    std::fprintf(stderr, "IdMiner::create failed: %s\n", miner.error().message.c_str());
    std::abort();
  }
  for (std::uint32_t n : {0u, 1u, 0x01020304u, 0xffffffffu}) {
    (void)set_payload_nonce(tx, n);
    if (miner->id_with_nonce(n) != transaction_id(tx)) {
      std::fprintf(stderr, "IdMiner mismatch for version %u nonce %u\n", base.version, n);
      std::abort();
    }
  }
}

void BM_Naive(benchmark::State& state, std::uint16_t version, std::size_t payload_len) {
  Transaction tx = make_tx(version, payload_len);
  check_equivalence(tx);
  std::uint32_t nonce = 0;
  for (auto _ : state) {
    (void)set_payload_nonce(tx, nonce++);
    TransactionId id = transaction_id(tx);
    benchmark::DoNotOptimize(id);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["preimage_bytes"] =
      static_cast<double>(transaction_preimage_size(tx, kTxExcludeSignatureScript | kTxExcludeMassCommit));
}

void BM_Midstate(benchmark::State& state, std::uint16_t version, std::size_t payload_len) {
  const Transaction tx = make_tx(version, payload_len);
  check_equivalence(tx);
  const auto miner = IdMiner::create(tx);
  std::uint32_t nonce = 0;
  for (auto _ : state) {
    TransactionId id = miner->id_with_nonce(nonce++);
    benchmark::DoNotOptimize(id);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_FindNonce(benchmark::State& state, std::uint16_t version, std::size_t payload_len) {
  const Transaction tx = make_tx(version, payload_len);
  const auto miner = IdMiner::create(tx);
  constexpr std::uint64_t kTries = 1 << 16;
  const std::uint8_t prefix[8] = {0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0xf8};  // p(match) ~ 2^-64
  std::uint32_t start = 0;
  for (auto _ : state) {
    auto r = miner->find_nonce(core::ByteView(prefix, 8), start, kTries);
    benchmark::DoNotOptimize(r);
    start += kTries;
  }
  state.SetItemsProcessed(state.iterations() * kTries);
}

// The v0 search of IdMiner::find_nonce written against the multi-lane API with a forced backend: the BLAKE2b
// mid-state of the id preimage up to the nonce, lanes() nonces per compression, lanes checked in order.
void BM_SimdMine(benchmark::State& state, std::uint16_t version, std::size_t payload_len,
                 core::Blake2bBackend backend) {
  if (!core::blake2b_backend_available(backend)) {
    state.SkipWithError("backend not available on this CPU");
    return;
  }
  const Transaction tx = make_tx(version, payload_len);
  if (version != 0) {
    const auto miner = IdMiner::create(tx);
    constexpr std::uint64_t kTries = 1 << 16;
    const std::uint8_t prefix[8] = {0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0xf8};
    std::uint32_t start = 0;
    for (auto _ : state) {
      auto r = miner->find_nonce(core::ByteView(prefix, 8), start, kTries, backend);
      benchmark::DoNotOptimize(r);
      start += kTries;
    }
    state.SetItemsProcessed(state.iterations() * kTries);
    return;
  }
  const core::Bytes pre = transaction_preimage(tx, kTxExcludeSignatureScript | kTxExcludeMassCommit);
  core::Blake2b mid = blake2b_domain_hasher(kDomainTransactionId);
  mid.update(core::ByteView(pre.data(), pre.size() - IdMiner::kNonceSize));
  core::Blake2bFinalBatch batch(mid, IdMiner::kNonceSize, backend);
  const std::size_t lanes = batch.lanes();
  constexpr std::uint64_t kTries = 1 << 16;
  const std::uint64_t want = 0xf8f9fafbfcfdfeffULL;  // prefix ff fe fd fc fb fa f9 f8, p(match) ~ 2^-64
  alignas(64) std::uint64_t h[8][core::Blake2bFinalBatch::kMaxLanes];
  std::uint32_t nonce = 0;
  std::uint64_t found = 0;
  for (auto _ : state) {
    for (std::uint64_t done = 0; done < kTries; done += lanes, nonce += static_cast<std::uint32_t>(lanes)) {
      for (std::size_t l = 0; l < lanes; ++l) {
        const std::uint32_t n = nonce + static_cast<std::uint32_t>(l);
        batch.set_tail_le64(l, (n >> 24) | ((n >> 8) & 0xff00u) | ((n << 8) & 0xff0000u) | (n << 24));
      }
      batch.compute_words(h);
      for (std::size_t l = 0; l < lanes; ++l) found += h[0][l] == want;
    }
  }
  benchmark::DoNotOptimize(found);
  state.SetItemsProcessed(state.iterations() * kTries);
}
BENCHMARK_CAPTURE(BM_SimdMine, v0_250B_scalar, std::uint16_t{0}, kPayload250, core::Blake2bBackend::kScalar);
BENCHMARK_CAPTURE(BM_SimdMine, v0_250B_avx2, std::uint16_t{0}, kPayload250, core::Blake2bBackend::kAvx2);
BENCHMARK_CAPTURE(BM_SimdMine, v0_250B_avx512, std::uint16_t{0}, kPayload250, core::Blake2bBackend::kAvx512);
BENCHMARK_CAPTURE(BM_SimdMine, v0_600B_scalar, std::uint16_t{0}, kPayload600, core::Blake2bBackend::kScalar);
BENCHMARK_CAPTURE(BM_SimdMine, v0_600B_avx2, std::uint16_t{0}, kPayload600, core::Blake2bBackend::kAvx2);
BENCHMARK_CAPTURE(BM_SimdMine, v0_600B_avx512, std::uint16_t{0}, kPayload600, core::Blake2bBackend::kAvx512);
BENCHMARK_CAPTURE(BM_SimdMine, v1_250B_scalar, std::uint16_t{1}, kPayload250, core::Blake2bBackend::kScalar);
BENCHMARK_CAPTURE(BM_SimdMine, v1_250B_avx2, std::uint16_t{1}, kPayload250, core::Blake2bBackend::kAvx2);
BENCHMARK_CAPTURE(BM_SimdMine, v1_250B_avx512, std::uint16_t{1}, kPayload250, core::Blake2bBackend::kAvx512);
BENCHMARK_CAPTURE(BM_SimdMine, v1_600B_scalar, std::uint16_t{1}, kPayload600, core::Blake2bBackend::kScalar);
BENCHMARK_CAPTURE(BM_SimdMine, v1_600B_avx2, std::uint16_t{1}, kPayload600, core::Blake2bBackend::kAvx2);
BENCHMARK_CAPTURE(BM_SimdMine, v1_600B_avx512, std::uint16_t{1}, kPayload600, core::Blake2bBackend::kAvx512);

// Floors: the cost of the primitives one try cannot avoid.
void BM_Floor_Blake2bCompress(benchmark::State& state) {
  std::uint64_t h[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  std::uint64_t m[16] = {};
  const std::uint64_t t[2] = {256, 0};
  for (auto _ : state) {
    core::blake2b_compress(12, h, m, t, true);
    m[0] = h[0];
    benchmark::DoNotOptimize(h);
  }
  state.SetItemsProcessed(state.iterations());
}
void BM_Floor_Blake3Keyed64(benchmark::State& state) {  // one keyed BLAKE3 of 64 bytes = 1 compression + setup
  std::uint8_t data[64] = {};
  for (auto _ : state) {
    const core::Hash32 out = core::blake3_keyed_domain("TransactionV1Id", core::ByteView(data, 64));
    data[0] = out[0];
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}
void BM_Floor_Blake3StateCopy(benchmark::State& state) {  // IdMiner v1 copies two of these per try
  const core::Blake3 src = core::Blake3::keyed_domain("PayloadDigest");
  for (auto _ : state) {
    core::Blake3 copy = src;
    benchmark::DoNotOptimize(copy);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["state_bytes"] = static_cast<double>(sizeof(core::Blake3));
}
// The multi-lane kernel alone: a v0-shaped mid-state ("TransactionID" key + 246 bytes), 4-byte tails.
void BM_Floor_Blake2bBatch(benchmark::State& state, core::Blake2bBackend backend) {
  if (!core::blake2b_backend_available(backend)) {
    state.SkipWithError("backend not available on this CPU");
    return;
  }
  core::Blake2b mid(32, core::as_bytes("TransactionID"));
  std::uint8_t prefix[246];
  for (std::size_t i = 0; i < sizeof(prefix); ++i) prefix[i] = static_cast<std::uint8_t>(i);
  mid.update(core::ByteView(prefix, sizeof(prefix)));
  core::Blake2bFinalBatch batch(mid, 4, backend);
  std::uint8_t out[core::Blake2bFinalBatch::kMaxLanes * 32];
  std::uint32_t nonce = 0;
  for (auto _ : state) {
    for (std::size_t l = 0; l < batch.lanes(); ++l, ++nonce) {
      const std::uint8_t nb[4] = {static_cast<std::uint8_t>(nonce >> 24), static_cast<std::uint8_t>(nonce >> 16),
                                  static_cast<std::uint8_t>(nonce >> 8), static_cast<std::uint8_t>(nonce)};
      batch.set_tail(l, nb);
    }
    batch.compute(out);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch.lanes()));
}
BENCHMARK_CAPTURE(BM_Floor_Blake2bBatch, scalar, core::Blake2bBackend::kScalar);
BENCHMARK_CAPTURE(BM_Floor_Blake2bBatch, avx2, core::Blake2bBackend::kAvx2);
BENCHMARK_CAPTURE(BM_Floor_Blake2bBatch, avx512, core::Blake2bBackend::kAvx512);
BENCHMARK(BM_Floor_Blake2bCompress);
BENCHMARK(BM_Floor_Blake3Keyed64);
BENCHMARK(BM_Floor_Blake3StateCopy);

BENCHMARK_CAPTURE(BM_Naive, v0_250B, std::uint16_t{0}, kPayload250);
BENCHMARK_CAPTURE(BM_Midstate, v0_250B, std::uint16_t{0}, kPayload250);
BENCHMARK_CAPTURE(BM_FindNonce, v0_250B, std::uint16_t{0}, kPayload250);
BENCHMARK_CAPTURE(BM_Naive, v1_250B, std::uint16_t{1}, kPayload250);
BENCHMARK_CAPTURE(BM_Midstate, v1_250B, std::uint16_t{1}, kPayload250);
BENCHMARK_CAPTURE(BM_FindNonce, v1_250B, std::uint16_t{1}, kPayload250);
BENCHMARK_CAPTURE(BM_Naive, v0_600B, std::uint16_t{0}, kPayload600);
BENCHMARK_CAPTURE(BM_Midstate, v0_600B, std::uint16_t{0}, kPayload600);
BENCHMARK_CAPTURE(BM_FindNonce, v0_600B, std::uint16_t{0}, kPayload600);
BENCHMARK_CAPTURE(BM_Naive, v1_600B, std::uint16_t{1}, kPayload600);
BENCHMARK_CAPTURE(BM_Midstate, v1_600B, std::uint16_t{1}, kPayload600);
BENCHMARK_CAPTURE(BM_FindNonce, v1_600B, std::uint16_t{1}, kPayload600);

// Console output as usual, plus the items/s of every run for the summary table.
class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> rates;  // "BM_Naive/v0_250B" -> items/s, best of the repetitions
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
      if (r.run_type != Run::RT_Iteration || r.error_occurred) continue;
      auto it = r.counters.find("items_per_second");
      if (it == r.counters.end()) continue;
      // Repetitions share run_name; keep the best (the machine may be shared, so the best is the least disturbed).
      double& best = rates[r.run_name.str()];
      if (it->second.value > best) best = it->second.value;
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  auto rate = [&](const std::string& name) {
    auto it = reporter.rates.find(name);
    return it == reporter.rates.end() ? 0.0 : it->second;
  };
  std::printf("\nKaspa txid nonce mining, single thread, tries/s (best of repetitions); best BLAKE2b backend: %s\n",
              core::blake2b_backend_name(core::blake2b_best_backend()));
  std::printf("%-8s %11s %11s %11s %11s %11s %11s %9s %9s %9s\n", "shape", "naive", "midstate", "find_nonce",
              "simd/scal", "simd/avx2", "simd/512", "mid/nai", "find/nai", "find/mid");
  for (const char* shape : {"v0_250B", "v1_250B", "v0_600B", "v1_600B"}) {
    const std::string sh(shape);
    const double naive = rate("BM_Naive/" + sh), mid = rate("BM_Midstate/" + sh), find = rate("BM_FindNonce/" + sh);
    const double s1 = rate("BM_SimdMine/" + sh + "_scalar"), s4 = rate("BM_SimdMine/" + sh + "_avx2"),
                 s8 = rate("BM_SimdMine/" + sh + "_avx512");
    if (naive == 0 && mid == 0 && find == 0 && s1 == 0 && s4 == 0 && s8 == 0) continue;
    auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
    std::printf("%-8s %11.0f %11.0f %11.0f %11.0f %11.0f %11.0f %8.2fx %8.2fx %8.2fx\n", shape, naive, mid, find, s1,
                s4, s8, ratio(mid, naive), ratio(find, naive), ratio(find, mid));
  }
  std::printf("floors: BLAKE2b compression %.0f/s; multi-lane final compressions (lanes/s): scalar %.0f, avx2 %.0f, "
              "avx512 %.0f\n        keyed BLAKE3 of 64 B %.0f/s, Blake3 state copy %.0f/s (sizeof(core::Blake3) = %zu)\n",
              rate("BM_Floor_Blake2bCompress"), rate("BM_Floor_Blake2bBatch/scalar"), rate("BM_Floor_Blake2bBatch/avx2"),
              rate("BM_Floor_Blake2bBatch/avx512"), rate("BM_Floor_Blake3Keyed64"), rate("BM_Floor_Blake3StateCopy"),
              sizeof(core::Blake3));
  const double v0 = rate("BM_FindNonce/v0_250B");
  if (v0 > 0) {
    std::printf("target v0 find_nonce >= 8,000,000 tries/s/core: %s (%.2fM)\n", v0 >= 8e6 ? "met" : "NOT met",
                v0 / 1e6);
  }
  return 0;
}
