#include "kaspa/header.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"
#include "kaspa/hashing.hpp"
#include "kaspa/merkle.hpp"
#include "kaspa/tx_id.hpp"
#include "kaspa/tx_vectors_testing.hpp"

namespace igra::kaspa {
namespace {

using vectors_testing::hash_from;
using vectors_testing::kaspa_vectors;
using vectors_testing::tx_from_json;
using vectors_testing::header_from;
using vectors_testing::u64_from;


TEST(Header, GenesisVectors) {
  int headers = 0, coinbases = 0, blue_work_cases = 0;
  for (const auto& v : kaspa_vectors().at("header_vectors")) {
    SCOPED_TRACE(v.at("name").get<std::string>());
    if (v.contains("cases")) {
      for (const auto& c : v.at("cases")) {
        core::Bytes out;
        BytesSink sink{out};
        HashWriter(sink).write_blue_work(blue_work_from_u64(std::stoull(c.at("blue_work").get<std::string>())).view());
        EXPECT_EQ(core::to_hex(out), c.at("written_bytes_hex").get<std::string>());
        ++blue_work_cases;
      }
      continue;
    }
    const BlockHeader h = header_from(v.at("header"));
    EXPECT_EQ(core::to_hex(header_preimage(h)), v.at("hash_preimage_hex_derived").get<std::string>());
    EXPECT_EQ(core::to_hex(header_hash(h)), v.at("expected_hash").get<std::string>());
    ++headers;
    if (v.contains("coinbase_tx")) {
      const Transaction cb = tx_from_json(v.at("coinbase_tx"));
      if (v.value("coinbase_tx_hash_equals_hash_merkle_root", false)) {
        EXPECT_EQ(transaction_hash(cb), h.hash_merkle_root);
        const Transaction txs[] = {cb};
        EXPECT_EQ(calc_hash_merkle_root(txs), h.hash_merkle_root);
        ++coinbases;
      }
      EXPECT_EQ(core::to_hex(transaction_id(cb)), v.at("coinbase_tx_id_derived").get<std::string>());
      // For a valid coinbase (no inputs, mass 0) the v1.1.0 FULL-encoding id is the same.
      EXPECT_EQ(transaction_id_legacy(cb), transaction_id(cb));
    }
  }
  EXPECT_EQ(headers, 4);
  EXPECT_EQ(coinbases, 4);
  EXPECT_EQ(blue_work_cases, 2);
}

TEST(Header, FieldOrderAndParents) {
  BlockHeader h;
  h.parents_by_level = {{core::Hash32{}, core::Hash32{}}, {core::Hash32{}}};
  h.blue_work = blue_work_from_u64(123456);
  h.blue_score = 0x0102;
  const core::Bytes pre = header_preimage(h);
  // u16 version, u64 levels (2), level0: u64 2 + 64 bytes, level1: u64 1 + 32 bytes.
  EXPECT_EQ(core::to_hex(core::ByteView(pre).first(10)), "01000200000000000000");
  // Tail: u64 daa_score, u64 blue_score, blue work var-bytes, 32 pruning point.
  const std::size_t tail = pre.size() - 32 - 11 - 8;
  EXPECT_EQ(core::to_hex(core::ByteView(pre).subspan(tail, 19)), "0201000000000000" "030000000000000001e240");
  EXPECT_NE(header_hash_override_nonce_time(h, 1, 0), header_hash(h));
  EXPECT_EQ(header_hash_override_nonce_time(h, h.nonce, h.timestamp), header_hash(h));
}

TEST(Header, BlueWorkHex) {
  auto w = blue_work_from_hex("01e240");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, blue_work_from_u64(123456));
  EXPECT_EQ(blue_work_to_hex(*w), "01e240");
  EXPECT_EQ(blue_work_to_hex(BlueWork{}), "");
  EXPECT_FALSE(blue_work_from_hex(std::string(50, 'f')).ok());
}

}  // namespace
}  // namespace igra::kaspa
