#include "kaspa/seq_commit.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"
#include "kaspa/hashing.hpp"
#include "kaspa/tx_vectors_testing.hpp"

namespace igra::kaspa {
namespace {

using vectors_testing::kaspa_vectors;

core::Hash32 h(std::uint8_t first) {
  core::Hash32 x;
  x[0] = first;
  return x;
}

TEST(SeqCommit, Kip21Vectors) {
  const auto& vecs = kaspa_vectors().at("kip21_vectors");
  ASSERT_EQ(vecs.size(), 4u);
  int checked = 0;
  for (const auto& v : vecs) {
    const std::string name = v.at("name").get<std::string>();
    SCOPED_TRACE(name);
    const std::string expected = v.at("expected").get<std::string>();
    if (name.rfind("lane_key(", 0) == 0) {
      auto id = core::fixed_from_hex<20>(v.at("input_hex").get<std::string>());
      ASSERT_TRUE(id.ok());
      EXPECT_EQ(core::to_hex(lane_key(*id)), expected);
      ++checked;
    } else if (name.rfind("activity_leaf(", 0) == 0) {
      // activity_leaf(tx_id=01||00*31, version=0, merge_idx=0); the preimage is given too.
      EXPECT_EQ(core::to_hex(activity_leaf(h(1), 0, 0)), expected);
      auto hasher = blake3_domain_hasher(kDomainSeqCommitActivityLeaf);
      hasher.update(core::hex_or_die(v.at("preimage_hex").get<std::string>()));
      EXPECT_EQ(core::to_hex(hasher.finalize()), expected);
      ++checked;
    } else if (name.rfind("seq_commit(", 0) == 0) {
      EXPECT_EQ(core::to_hex(seq_commit(h(1), h(2))), expected);
      ++checked;
    } else {
      ADD_FAILURE() << "unknown kip21 vector";
    }
  }
  EXPECT_EQ(checked, 4);
  EXPECT_EQ(lane_key(subnetwork_coinbase()),
            *core::fixed_from_hex<32>("8aa78027db66a16cb69692ee0af5cb76738ef80ad14c9d13920d7fa3cc40b9e4"));
}

TEST(SeqCommit, MerkleConventions) {
  EXPECT_EQ(activity_digest_lane({}), core::Hash32{});
  const core::Hash32 one[] = {h(1)};
  EXPECT_EQ(activity_digest_lane(one), h(1));
  const core::Hash32 two[] = {h(1), h(2)};
  EXPECT_EQ(activity_digest_lane(two), seq_commit_branch_hash(h(1), h(2)));
  EXPECT_EQ(miner_payload_root(two), seq_commit_branch_hash(h(1), h(2)));
  // H_seq is the same function for the three combining steps.
  EXPECT_EQ(seq_state_root(h(1), h(2)), seq_commit(h(1), h(2)));
  EXPECT_EQ(payload_and_context_digest(h(1), h(2)), seq_commit(h(1), h(2)));
  // Empty miner payload hashes to the empty PayloadDigest.
  EXPECT_EQ(core::to_hex(miner_payload_hash({})), "9c0ca2acb45e92ffe6ceb4ae29188b35c82d9676cdd3ce067fd6ccc30a9c4a38");
}

}  // namespace
}  // namespace igra::kaspa
