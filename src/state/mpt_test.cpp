// Merkle-Patricia trie roots against ethereum/tests TrieTests (trietest, trieanyorder, their secureTrie
// variants and hex_encoded_securetrie_test), plus node-encoding and API-property tests.
//
// Not run: trietestnextprev.json. It checks next/previous-key iteration over a trie, which this one-shot
// root builder has no notion of (it exposes roots only).
#include "state/mpt.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "core/rlp.hpp"
#include "state/mpt_node.hpp"
#include "state/trie_fixture_testing.hpp"
#include "support/testing.hpp"

using namespace igra::core;
using namespace igra::state;
using nlohmann::json;

namespace {

using igra::state::testing::fixture_bytes;
using igra::state::testing::fixture_entries;

std::filesystem::path trie_dir() { return igra::testing::unpacked_fixture("ethereum-tests.tar.xz") / "TrieTests"; }

// Runs every case of one file; returns the number of cases run.
int run_file(const std::string& name, bool secure) {
  const json doc = igra::testing::load_json(trie_dir() / name);
  int n = 0;
  for (const auto& [case_name, c] : doc.items()) {
    auto entries = fixture_entries(c.at("in"));
    const Hash32 root = secure ? secure_mpt_root(entries) : mpt_root(entries);
    EXPECT_EQ(to_hex(root, true), c.at("root").get<std::string>()) << name << " / " << case_name;
    ++n;
  }
  return n;
}

TEST(MptFixtures, TrieTest) { EXPECT_EQ(run_file("trietest.json", false), 5); }
TEST(MptFixtures, TrieAnyOrder) { EXPECT_EQ(run_file("trieanyorder.json", false), 7); }
TEST(MptFixtures, TrieTestSecure) { EXPECT_EQ(run_file("trietest_secureTrie.json", true), 3); }
TEST(MptFixtures, TrieAnyOrderSecure) { EXPECT_EQ(run_file("trieanyorder_secureTrie.json", true), 7); }
TEST(MptFixtures, HexEncodedSecure) { EXPECT_EQ(run_file("hex_encoded_securetrie_test.json", true), 3); }

// Every .json in TrieTests is either run above or deliberately skipped; a new file fails this test.
TEST(MptFixtures, AllFilesAccountedFor) {
  const std::vector<std::string> known = {"trietest.json", "trieanyorder.json", "trietest_secureTrie.json",
                                          "trieanyorder_secureTrie.json", "hex_encoded_securetrie_test.json",
                                          "trietestnextprev.json" /* iteration, skipped */};
  for (const auto& e : std::filesystem::directory_iterator(trie_dir())) {
    const std::string f = e.path().filename().string();
    EXPECT_NE(std::find(known.begin(), known.end(), f), known.end()) << "unhandled fixture " << f;
  }
}

TEST(Mpt, EmptyRoot) {
  EXPECT_EQ(kEmptyTrieRoot, keccak256(rlp_encode_bytes({})));
  EXPECT_EQ(mpt_root({}), kEmptyTrieRoot);
  EXPECT_EQ(secure_mpt_root({}), kEmptyTrieRoot);
  EXPECT_EQ(ordered_trie_root({}), kEmptyTrieRoot);
  // Only empty values: every key is absent.
  EXPECT_EQ(mpt_root({{Bytes{1}, Bytes{}}, {Bytes{2}, Bytes{}}}), kEmptyTrieRoot);
}

TEST(Mpt, LastDuplicateWins) {
  const Bytes k{0xab}, a{1}, b{2};
  EXPECT_EQ(mpt_root({{k, a}, {k, b}}), mpt_root({{k, b}}));
  EXPECT_EQ(mpt_root({{k, a}, {k, {}}}), kEmptyTrieRoot);
  EXPECT_EQ(mpt_root({{k, {}}, {k, a}}), mpt_root({{k, a}}));
}

TEST(Mpt, SecureEqualsHashedKeys) {
  std::vector<std::pair<Bytes, Bytes>> raw = {{Bytes{1, 2, 3}, Bytes{9}}, {Bytes{4}, Bytes(40, 7)}};
  std::vector<std::pair<Bytes, Bytes>> hashed;
  for (auto& [k, v] : raw) {
    const Hash32 h = keccak256(k);
    hashed.emplace_back(Bytes(h.begin(), h.end()), v);
  }
  EXPECT_EQ(secure_mpt_root(raw), mpt_root(hashed));
}

TEST(Mpt, OrderIndependent) {
  std::mt19937_64 rng(42);
  std::vector<std::pair<Bytes, Bytes>> entries;
  for (int i = 0; i < 300; ++i) {
    Bytes k(1 + rng() % 6), v(1 + rng() % 50);
    for (auto& b : k) b = static_cast<std::uint8_t>(rng() % 4);  // small alphabet: many shared prefixes
    for (auto& b : v) b = static_cast<std::uint8_t>(rng());
    entries.emplace_back(k, v);
  }
  // Deduplicate keeping the last, so shuffling cannot change which value wins.
  std::vector<std::pair<Bytes, Bytes>> unique;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it)
    if (std::none_of(unique.begin(), unique.end(), [&](const auto& u) { return u.first == it->first; }))
      unique.push_back(*it);
  const Hash32 expected = mpt_root(unique);
  EXPECT_EQ(mpt_root(entries), expected);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(unique.begin(), unique.end(), rng);
    EXPECT_EQ(mpt_root(unique), expected);
  }
}

// Ordered trie: keys are rlp(0), rlp(1), ... (note rlp(0) = 0x80, so index 0 sorts after 1..127).
TEST(Mpt, OrderedTrieRootMatchesExplicitKeys) {
  std::vector<Bytes> items;
  std::vector<std::pair<Bytes, Bytes>> entries;
  for (std::uint64_t i = 0; i < 300; ++i) {
    items.push_back(Bytes(1 + i % 70, static_cast<std::uint8_t>(i)));
    entries.emplace_back(rlp_encode_uint(i), items.back());
  }
  EXPECT_EQ(ordered_trie_root(items), mpt_root(entries));
}

// A single short entry: the root node is a leaf shorter than 32 bytes, yet the root is still its hash.
TEST(Mpt, SmallRootIsHashedNotInlined) {
  // Leaf [hp(leaf, 1 2 3 4) = 0x20 0x12 0x34, 0x56], written out by hand.
  const Bytes expected_leaf = hex_or_die("c58320123456");
  EXPECT_EQ(encode_leaf(NibbleView::of(hex_or_die("1234")), Bytes{0x56}), expected_leaf);
  EXPECT_EQ(mpt_root({{hex_or_die("1234"), Bytes{0x56}}}), keccak256(expected_leaf));
}

// Yellow Paper appendix C examples, both flags, odd and even lengths, the empty path.
TEST(MptNode, HexPrefix) {
  const Bytes a = hex_or_die("012345"), b = hex_or_die("0f1cb8");
  EXPECT_EQ(hex_prefix_encode(NibbleView::of(a).drop(1), false), hex_or_die("112345"));
  EXPECT_EQ(hex_prefix_encode(NibbleView::of(a), false), hex_or_die("00012345"));
  EXPECT_EQ(hex_prefix_encode(NibbleView::of(b), true), hex_or_die("200f1cb8"));
  EXPECT_EQ(hex_prefix_encode(NibbleView::of(b).drop(1), true), hex_or_die("3f1cb8"));
  EXPECT_EQ(hex_prefix_encode(NibbleView::of(a).sub(0, 0), false), hex_or_die("00"));
  EXPECT_EQ(hex_prefix_encode(NibbleView::of(a).sub(0, 0), true), hex_or_die("20"));

  auto d = hex_prefix_decode(hex_or_die("3f1cb8"));
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->is_leaf);
  EXPECT_EQ(d->nibbles, (std::vector<std::uint8_t>{0xf, 1, 0xc, 0xb, 8}));
  d = hex_prefix_decode(hex_or_die("00012345"));
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->is_leaf);
  EXPECT_EQ(d->nibbles, (std::vector<std::uint8_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_FALSE(hex_prefix_decode({}).ok());
  EXPECT_FALSE(hex_prefix_decode(hex_or_die("40")).ok());  // flag 4
  EXPECT_FALSE(hex_prefix_decode(hex_or_die("01")).ok());  // even with a non-zero pad nibble
}

TEST(MptNode, NodeRefInlinesBelow32Bytes) {
  const Bytes small(31, 0xc0), big(32, 0xc0);
  const NodeRef s = NodeRef::of_encoded(small), h = NodeRef::of_encoded(big);
  EXPECT_FALSE(s.is_hash());
  EXPECT_EQ(Bytes(s.encoding().begin(), s.encoding().end()), small);
  ASSERT_TRUE(h.is_hash());
  EXPECT_EQ(h.hash(), keccak256(big));
  EXPECT_EQ(h.encoding()[0], 0xa0);
  EXPECT_TRUE(NodeRef().is_empty());
  EXPECT_EQ(NodeRef::of_hash(keccak256(big)), h);
}

TEST(MptNode, BranchLayout) {
  std::array<NodeRef, 16> children;
  EXPECT_EQ(encode_branch(children, {}), hex_or_die("d18080808080808080808080808080808080"));
  children[3] = NodeRef::of_encoded(hex_or_die("c20102"));
  EXPECT_EQ(encode_branch(children, Bytes{0x7f}), hex_or_die("d3808080c201028080808080808080808080807f"));
}

// ordered_trie_root against real blocks: the transactionsRoot (header field 4) and, from Shanghai on, the
// withdrawalsRoot (header field 16) of every block in execution-apis' chain.rlp (a hive chain with legacy,
// access-list, dynamic-fee, blob and set-code transactions). Typed transactions sit in the block as RLP
// strings whose payload is the envelope; legacy ones as lists whose raw encoding is the trie value.
TEST(MptBlocks, TransactionAndWithdrawalRoots) {
  const auto path = igra::testing::unpacked_fixture("execution-apis-tests.tar.xz") / "tests" / "chain.rlp";
  std::ifstream f(path, std::ios::binary);
  ASSERT_TRUE(f) << path;
  const Bytes chain((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  RlpReader blocks(chain);  // chain.rlp is a concatenation of block encodings
  int n_blocks = 0, n_txs = 0, n_withdrawal_roots = 0;
  while (!blocks.empty()) {
    auto block = blocks.read_list();
    ASSERT_TRUE(block.ok()) << block.error().message;
    auto header = block->read_list();
    ASSERT_TRUE(header.ok());
    std::vector<ByteView> fields;
    while (!header->empty()) {
      auto it = header->next();
      ASSERT_TRUE(it.ok());
      fields.push_back(it->raw);
    }
    auto txs = block->read_list();
    ASSERT_TRUE(txs.ok());
    std::vector<Bytes> items;
    while (!txs->empty()) {
      auto it = txs->next();
      ASSERT_TRUE(it.ok());
      const ByteView v = it->is_list ? it->raw : it->payload;
      items.emplace_back(v.begin(), v.end());
    }
    auto tx_root = rlp_fixed<32>(*rlp_decode(fields.at(4)));
    ASSERT_TRUE(tx_root.ok());
    EXPECT_EQ(ordered_trie_root(items), *tx_root) << "block " << n_blocks;
    n_txs += static_cast<int>(items.size());

    ASSERT_TRUE(block->next().ok());  // uncles
    if (!block->empty()) {
      auto ws = block->read_list();
      ASSERT_TRUE(ws.ok());
      std::vector<Bytes> witems;
      while (!ws->empty()) {
        auto it = ws->next();
        ASSERT_TRUE(it.ok());
        witems.emplace_back(it->raw.begin(), it->raw.end());
      }
      auto w_root = rlp_fixed<32>(*rlp_decode(fields.at(16)));
      ASSERT_TRUE(w_root.ok());
      EXPECT_EQ(ordered_trie_root(witems), *w_root) << "block " << n_blocks;
      ++n_withdrawal_roots;
    }
    ++n_blocks;
  }
  EXPECT_GT(n_blocks, 40);
  EXPECT_GT(n_txs, 40);
  EXPECT_GT(n_withdrawal_roots, 5);
  std::printf("checked %d blocks, %d transactions, %d withdrawal roots\n", n_blocks, n_txs, n_withdrawal_roots);
}

}  // namespace
