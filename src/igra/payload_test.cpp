#include "igra/payload.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"
#include "igra/isc.hpp"
#include "kaspa/lock_script.hpp"

namespace igra::igra {
namespace {

TEST(Payload, EntryPayloadMatchesThePublishedVector) {
  // igra-protocol.md 2.1 (BridgeDoc): recipient 0x5f10...fba8, 1 KAS, nonce 1.
  const auto recipient = core::fixed_from_hex<20>("5f102e8aFf08F647681de13009AB313fDC55fBA8").value();
  const auto p = make_entry_payload(recipient, 100'000'000, 1);
  EXPECT_EQ(core::to_hex(p), "925f102e8aff08f647681de13009ab313fdc55fba800e1f5050000000000000001");
  auto e = parse_entry_payload(p);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->recipient, recipient);
  EXPECT_EQ(e->amount_sompi, 100'000'000u);
  core::Bytes longer = p;
  longer.push_back(0);
  EXPECT_FALSE(parse_entry_payload(longer).ok());
  EXPECT_FALSE(parse_entry_payload(core::ByteView(p.data(), 32)).ok());
}

kaspa::Transaction entry_tx(const NetworkParams& n, std::uint64_t payload_amount, std::uint64_t out_value,
                            bool lock_first = true) {
  kaspa::Transaction tx;
  kaspa::TransactionOutput lock{out_value, n.lock_script, std::nullopt};
  kaspa::TransactionOutput change{5, kaspa::ScriptPublicKey{0, core::Bytes{0x51}}, std::nullopt};
  if (lock_first) {
    tx.outputs = {lock, change};
  } else {
    tx.outputs = {change, lock};
  }
  tx.payload = make_entry_payload(core::Address20{}, payload_amount);
  return tx;
}

TEST(Payload, EntryRules) {
  const auto n = *builtin_network("mainnet");  // minimum 10 KAS
  EXPECT_TRUE(validate_entry(entry_tx(n, 1'000'000'000, 1'000'000'000), n, 0).ok());
  EXPECT_FALSE(validate_entry(entry_tx(n, 999'999'999, 999'999'999), n, 0).ok());      // below minimum
  EXPECT_FALSE(validate_entry(entry_tx(n, 1'000'000'000, 1'000'000'001), n, 0).ok());  // amount mismatch
  EXPECT_FALSE(validate_entry(entry_tx(n, 1'000'000'000, 1'000'000'000, false), n, 0).ok());  // lock at output 1
  auto wrong_script = entry_tx(n, 1'000'000'000, 1'000'000'000);
  wrong_script.outputs[0].script_public_key.script.back() ^= 1;
  EXPECT_FALSE(validate_entry(wrong_script, n, 0).ok());
  auto wrong_version = entry_tx(n, 1'000'000'000, 1'000'000'000);
  wrong_version.outputs[0].script_public_key.version = 1;
  EXPECT_FALSE(validate_entry(wrong_version, n, 0).ok());
  // Lock-script fork: after the fork DAA score only the new script counts.
  auto forked = n;
  forked.post_fork_lock_script = kaspa::ScriptPublicKey{0, core::Bytes{0xaa, 0x20}};
  forked.lock_script_fork_daa_score = 100;
  EXPECT_TRUE(validate_entry(entry_tx(n, 1'000'000'000, 1'000'000'000), forked, 99).ok());
  EXPECT_FALSE(validate_entry(entry_tx(n, 1'000'000'000, 1'000'000'000), forked, 100).ok());
}

TEST(Payload, Classification) {
  EXPECT_EQ(classify_payload(core::Bytes{}), PayloadKind::kNotIgra);
  EXPECT_EQ(classify_payload(core::Bytes{0x84, 0, 0, 0, 0}), PayloadKind::kNotIgra);
  EXPECT_EQ(classify_payload(core::Bytes{0x92}), PayloadKind::kEntry);
  EXPECT_EQ(classify_payload(core::Bytes{0x93}), PayloadKind::kExit);
  EXPECT_EQ(classify_payload(core::Bytes{0x94}), PayloadKind::kL2Tx);
  EXPECT_EQ(classify_payload(core::Bytes{0x95}), PayloadKind::kL2Tx);
  EXPECT_EQ(classify_payload(core::Bytes{0x9f}), PayloadKind::kService);
  for (std::uint8_t t : {0x90, 0x91, 0x96, 0x97, 0x98, 0x9e})
    EXPECT_EQ(classify_payload(core::Bytes{t}), PayloadKind::kReserved) << int(t);
}

TEST(Payload, UnzippedAndZippedL2Data) {
  const core::Bytes tx = core::from_hex("f86b808504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a0").value();
  auto a = l2_tx_bytes(make_payload(kTypeL2Tx, tx, 77));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, tx);
  auto z = l2_tx_bytes(make_payload(kTypeL2TxZipped, zlib_deflate(tx), 78));
  ASSERT_TRUE(z.ok()) << z.error().message;
  EXPECT_EQ(*z, tx);
  // 24,800 bytes is the limit for both forms.
  const core::Bytes max(kMaxL2DataBytes, 0x5a), over(kMaxL2DataBytes + 1, 0x5a);
  EXPECT_TRUE(l2_tx_bytes(make_payload(kTypeL2Tx, max)).ok());
  EXPECT_FALSE(l2_tx_bytes(make_payload(kTypeL2Tx, over)).ok());
  EXPECT_TRUE(l2_tx_bytes(make_payload(kTypeL2TxZipped, zlib_deflate(max))).ok());
  EXPECT_FALSE(l2_tx_bytes(make_payload(kTypeL2TxZipped, zlib_deflate(over))).ok());
  EXPECT_FALSE(l2_tx_bytes(core::Bytes{0x94, 0, 0, 0}).ok());  // shorter than header + nonce
  EXPECT_FALSE(l2_tx_bytes(make_payload(kTypeL2Tx, {})).ok());
}

TEST(Payload, ZlibBombsAndGarbageAreRejectedWithinTheCap) {
  // 100 MB of zeros deflates to ~100 KB; the inflater stops at cap + 1 bytes.
  const core::Bytes bomb = zlib_deflate(core::Bytes(100'000'000, 0));
  auto r = zlib_inflate_capped(bomb, kMaxL2DataBytes);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("exceeds"), std::string::npos);
  const core::Bytes good = zlib_deflate(core::Bytes(1000, 7));
  core::Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_FALSE(zlib_inflate_capped(trailing, kMaxL2DataBytes).ok());
  EXPECT_FALSE(zlib_inflate_capped(core::ByteView(good.data(), good.size() - 3), kMaxL2DataBytes).ok());
  EXPECT_FALSE(zlib_inflate_capped(core::Bytes{1, 2, 3, 4, 5}, kMaxL2DataBytes).ok());
  EXPECT_FALSE(zlib_inflate_capped(core::Bytes{}, kMaxL2DataBytes).ok());
  auto ok = zlib_inflate_capped(good, kMaxL2DataBytes);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, core::Bytes(1000, 7));
}

TEST(Payload, PrefixAndLaneGate) {
  auto n = *builtin_network("mainnet");
  kaspa::TransactionId id;
  id[0] = 0x97;
  id[1] = 0xb1;
  EXPECT_TRUE(matches_prefix(id, n));
  id[1] = 0xb4;
  EXPECT_FALSE(matches_prefix(id, n));
  kaspa::Transaction v0, v1_lane, v1_native;
  v1_lane.version = 1;
  v1_lane.subnetwork_id = kaspa::subnetwork_lane(0x97b10000);
  v1_native.version = 1;
  const std::uint64_t t = *n.toccata_daa_score;
  EXPECT_TRUE(passes_lane_gate(v0, n, t - 1));
  EXPECT_FALSE(passes_lane_gate(v1_lane, n, t - 1));
  EXPECT_FALSE(passes_lane_gate(v0, n, t));
  EXPECT_TRUE(passes_lane_gate(v1_lane, n, t));
  EXPECT_FALSE(passes_lane_gate(v1_native, n, t));
}

TEST(Isc, MatchesBlake2bKeyedOracle) {
  // Expected value from Python: hashlib.blake2b(parent || amr || u64le daa || u64le ts,
  // key=b"IgraSequencingCommitment", digest_size=32), parent = bytes(range(32)), amr = 0xaa * 32,
  // daa = 366020005, ts = 1772021709123.
  core::Hash32 parent, amr;
  for (int i = 0; i < 32; ++i) parent[i] = static_cast<std::uint8_t>(i);
  for (auto& b : amr) b = 0xaa;
  EXPECT_EQ(core::to_hex(isc(parent, amr, 366020005, 1772021709123)),
            "535a5fdf6c2eeb1163e75c91e48a63e80f80a841169ecf7bff2d1b34a2b25eb1");
}

}  // namespace
}  // namespace igra::igra
