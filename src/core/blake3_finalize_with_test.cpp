// Blake3::finalize_with(tail) equals copy + update(tail) + finalize() for every prefix/tail split around the
// 64-byte block and 1 KiB chunk boundaries, in hash and keyed modes.
#include <gtest/gtest.h>

#include <random>

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

}  // namespace
}  // namespace igra::core
