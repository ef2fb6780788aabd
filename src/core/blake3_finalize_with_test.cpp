// Blake3::finalize_with(tail) equals copy + update(tail) + finalize() for every prefix/tail split around the
// 64-byte block and 1 KiB chunk boundaries, in hash and keyed modes.
#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <random>
#include <vector>

#include "core/blake3.hpp"
#include "core/hex.hpp"

namespace igra::core {
namespace {

TEST(Blake3, FinalizeWithMatchesCopyUpdateFinalize) {
  std::mt19937_64 rng(3);
  Bytes data(5000);
  for (auto& b : data) b = static_cast<std::uint8_t>(rng());
  for (bool keyed : {false, true}) {
    const Blake3 fresh = keyed ? Blake3::keyed_domain("PayloadDigest") : Blake3();
    for (std::size_t prefix : {0, 1, 63, 64, 65, 127, 128, 500, 959, 960, 961, 1020, 1023, 1024, 1025, 2047, 2048,
                               2049, 3072, 3100, 4096}) {
      Blake3 mid = fresh;
      mid.update(ByteView(data.data(), prefix));
      for (std::size_t tail = 0; tail <= 130; ++tail) {
        Blake3 copy = mid;
        const ByteView t(data.data() + prefix, tail);
        copy.update(t);
        ASSERT_EQ(to_hex(mid.finalize_with(t)), to_hex(copy.finalize()))
            << "keyed=" << keyed << " prefix=" << prefix << " tail=" << tail;
      }
      // A long tail that crosses chunk boundaries takes the general path.
      Blake3 copy = mid;
      copy.update(ByteView(data.data() + prefix, 900));
      EXPECT_EQ(to_hex(mid.finalize_with(ByteView(data.data() + prefix, 900))), to_hex(copy.finalize()));
    }
  }
}

// finalize_with_lanes: eight different tails of one length give the eight copy + update + finalize results, for
// the same prefix/tail splits (block and chunk boundaries, tree parents) in both modes.
TEST(Blake3, FinalizeWithLanesMatchesOneLaneAtATime) {
  std::mt19937_64 rng(4);
  Bytes data(5000);
  for (auto& b : data) b = static_cast<std::uint8_t>(rng());
  for (bool keyed : {false, true}) {
    const Blake3 fresh = keyed ? Blake3::keyed_domain("TransactionV1Id") : Blake3();
    for (std::size_t prefix : {0, 1, 63, 64, 65, 500, 960, 1000, 1023, 1024, 1025, 2048, 3100}) {
      Blake3 mid = fresh;
      mid.update(ByteView(data.data(), prefix));
      for (std::size_t tail : {0, 1, 4, 31, 32, 63, 64, 65, 100, 130, 900}) {
        Bytes tails(Blake3::kLanes * tail);
        for (auto& b : tails) b = static_cast<std::uint8_t>(rng());
        Hash32 out[Blake3::kLanes];
        mid.finalize_with_lanes(tails.data(), tail, out);
        for (std::size_t l = 0; l < Blake3::kLanes; ++l) {
          Blake3 copy = mid;
          copy.update(ByteView(tails.data() + l * tail, tail));
          ASSERT_EQ(to_hex(out[l]), to_hex(copy.finalize()))
              << "keyed=" << keyed << " prefix=" << prefix << " tail=" << tail << " lane=" << l;
        }
      }
    }
  }
}

// search_nonce_chain (8 and 16 lanes, whichever the CPU has) finds the same first nonce as the plain sequential
// search with copy + update + finalize, for payload prefixes around block and chunk boundaries (tree parents),
// prefixes of 0-5 bytes (the vector filter checks only the first word), wrapping nonces and odd try counts; it
// declines the layouts it does not handle (the tail straddling a block or starting a new chunk).
TEST(Blake3, SearchNonceChainMatchesSequentialSearch) {
  std::mt19937_64 rng(5);
  Bytes data(4000);
  for (auto& b : data) b = static_cast<std::uint8_t>(rng());
  Hash32 suffix;
  for (auto& b : suffix) b = static_cast<std::uint8_t>(rng());
  const Blake3 second = Blake3::keyed_domain("TransactionV1Id");
  auto digest = [&](const Blake3& first, std::uint32_t n) {
    Blake3 a = first;
    const std::uint8_t nb[4] = {static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
                                static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
    a.update(ByteView(nb, 4));
    const Hash32 d1 = a.finalize();
    Blake3 b = second;
    b.update(d1.view());
    b.update(suffix.view());
    return b.finalize();
  };
  auto sequential = [&](const Blake3& first, ByteView prefix, std::uint32_t start,
                        std::uint64_t tries) -> std::optional<std::pair<std::uint32_t, Hash32>> {
    for (std::uint64_t i = 0; i < tries; ++i) {
      const std::uint32_t n = start + static_cast<std::uint32_t>(i);
      const Hash32 d = digest(first, n);
      if (prefix.empty() || std::memcmp(d.data(), prefix.data(), prefix.size()) == 0) return std::make_pair(n, d);
    }
    return std::nullopt;
  };
  std::vector<unsigned> widths;
  for (unsigned w : {8u, 16u}) {
    const Blake3 probe;
    if (probe.search_nonce_chain(second, suffix, ByteView(), 0, 1, w).supported) widths.push_back(w);
  }
  if (widths.empty()) GTEST_SKIP() << "no AVX2 / AVX-512 on this CPU";
  int searched = 0;
  for (bool keyed : {false, true}) {
    const Blake3 fresh = keyed ? Blake3::keyed_domain("PayloadDigest") : Blake3();
    for (std::size_t len : {0, 1, 3, 59, 60, 61, 63, 64, 65, 110, 128, 1019, 1020, 1021, 1024, 1025, 2048, 3100}) {
      Blake3 first = fresh;
      first.update(ByteView(data.data(), len));
      // The layouts it handles: the 4-byte tail fits in the chunk's last block.
      const std::size_t in_chunk = len == 0 ? 0 : (len - 1) % 1024 + 1;
      const std::size_t in_block = in_chunk == 0 ? 0 : (in_chunk - 1) % 64 + 1;
      const bool expect_supported = in_chunk + 4 <= 1024 && (in_block == 64 || in_block + 4 <= 64);
      // A 5-byte prefix: the digest of a chosen nonce, searched from 37 before it.
      const std::uint32_t target = static_cast<std::uint32_t>(rng());
      const Hash32 t = digest(first, target);
      const Bytes five(t.begin(), t.begin() + 5);
      const std::uint8_t one[1] = {t[0]};
      const std::uint8_t two[2] = {0x97, 0xb1};
      struct Case {
        ByteView prefix;
        std::uint32_t start;
        std::uint64_t tries;
      };
      const Case cases[] = {{ByteView(), 7, 3},
                            {ByteView(one, 1), 0xfffffff0u, 1000},
                            {ByteView(two, 2), static_cast<std::uint32_t>(rng()), 300'001},
                            {ByteView(five), target - 37, 41},
                            {ByteView(five), target - 37, 37},  // stops just before it: nothing
                            {ByteView(five), target - 37, 45}};
      for (unsigned w : widths) {
        for (const auto& c : cases) {
          const auto r = first.search_nonce_chain(second, suffix, c.prefix, c.start, c.tries, w);
          ASSERT_EQ(r.supported, expect_supported) << "len=" << len << " lanes=" << w;
          if (!r.supported) continue;
          ++searched;
          const auto want = sequential(first, c.prefix, c.start, c.tries);
          ASSERT_EQ(r.found.has_value(), want.has_value()) << "len=" << len << " lanes=" << w << " prefix=" << c.prefix.size();
          if (want) {
            EXPECT_EQ(r.found->first, want->first) << "len=" << len << " lanes=" << w;
            EXPECT_EQ(to_hex(r.found->second), to_hex(want->second));
          }
        }
      }
    }
  }
  EXPECT_GT(searched, 100);
}

}  // namespace
}  // namespace igra::core
