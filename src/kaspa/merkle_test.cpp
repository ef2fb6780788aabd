#include "kaspa/merkle.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"
#include "kaspa/tx_id.hpp"
#include "kaspa/tx_vectors_testing.hpp"

namespace igra::kaspa {
namespace {

using vectors_testing::hash_from;
using vectors_testing::kaspa_vectors;
using vectors_testing::tx_from_json;

TEST(Merkle, Vectors) {
  const auto& vecs = kaspa_vectors().at("merkle_vectors");
  ASSERT_EQ(vecs.size(), 3u);
  std::vector<Transaction> txs;
  int checked = 0;
  for (const auto& v : vecs) {
    const std::string name = v.at("name").get<std::string>();
    SCOPED_TRACE(name);
    if (name == "hash-merkle-root-5tx") {
      for (const auto& t : v.at("transactions")) txs.push_back(tx_from_json(t));
      ASSERT_EQ(txs.size(), 5u);
      const auto& hashes = v.at("tx_hashes_derived");
      for (std::size_t i = 0; i < txs.size(); ++i)
        EXPECT_EQ(core::to_hex(transaction_hash(txs[i])), hashes[i].get<std::string>());
      EXPECT_EQ(core::to_hex(calc_hash_merkle_root(txs)), v.at("expected_root").get<std::string>());
      EXPECT_EQ(core::to_hex(calc_hash_merkle_root(txs, false)), v.at("expected_root").get<std::string>());
      ++checked;
    } else if (name == "hash-merkle-root-5tx-first-tx-storage-mass-7") {
      ASSERT_EQ(txs.size(), 5u);
      std::vector<Transaction> modified = txs;
      modified[0].storage_mass = 7;
      EXPECT_EQ(core::to_hex(calc_hash_merkle_root(modified)), v.at("expected_root").get<std::string>());
      // The pre-Crescendo variant ignores the mass and keeps the original root.
      EXPECT_EQ(core::to_hex(calc_hash_merkle_root(modified, false)), vecs[0].at("expected_root").get<std::string>());
      ++checked;
    } else if (name == "kip15-example") {
      std::vector<core::Hash32> ids;
      for (const auto& id : v.at("accepted_tx_ids_in_acceptance_order")) ids.push_back(hash_from(id));
      EXPECT_EQ(core::to_hex(calc_merkle_root(ids)), v.at("merkle_root_of_ids").get<std::string>());
      // Spelled out per the note: H(H(a,b), H(c, ZERO)).
      EXPECT_EQ(calc_merkle_root(ids),
                merkle_branch_hash(merkle_branch_hash(ids[0], ids[1]), merkle_branch_hash(ids[2], core::Hash32{})));
      EXPECT_EQ(core::to_hex(calc_accepted_id_merkle_root_kip15(hash_from(v.at("parent_accepted_id_merkle_root")), ids)),
                v.at("expected_accepted_id_merkle_root").get<std::string>());
      ++checked;
    } else {
      ADD_FAILURE() << "unknown merkle vector " << name;
    }
  }
  EXPECT_EQ(checked, 3);
}

TEST(Merkle, ShapeRules) {
  EXPECT_EQ(calc_merkle_root({}), core::Hash32{});
  core::Hash32 a, b, c, d, e;
  a[0] = 1; b[0] = 2; c[0] = 3; d[0] = 4; e[0] = 5;
  const core::Hash32 one[] = {a};
  EXPECT_EQ(calc_merkle_root(one), a);
  const core::Hash32 five[] = {a, b, c, d, e};
  const core::Hash32 z{};
  // 5 leaves pad to 8: level1 (ab, cd, eZ, None), level2 (abcd, H(eZ, ZERO)).
  EXPECT_EQ(calc_merkle_root(five),
            merkle_branch_hash(merkle_branch_hash(merkle_branch_hash(a, b), merkle_branch_hash(c, d)),
                               merkle_branch_hash(merkle_branch_hash(e, z), z)));
  std::vector<core::Hash32> unsorted = {c, a, b};
  const core::Hash32 sorted[] = {a, b, c};
  EXPECT_EQ(calc_accepted_id_merkle_root_pre_crescendo(unsorted), calc_merkle_root(sorted));
}

}  // namespace
}  // namespace igra::kaspa
