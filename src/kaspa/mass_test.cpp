#include "kaspa/mass.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"

namespace igra::kaspa {
namespace {

ScriptPublicKey p2pk_spk(std::uint8_t fill) {
  ScriptPublicKey spk;
  spk.script.push_back(0x20);
  spk.script.insert(spk.script.end(), 32, fill);
  spk.script.push_back(0xac);
  return spk;
}

// §8.2 worked example: v0 P2PK 1-in/2-out, no payload: size 316, compute mass 2036, fee >= 2036 sompi
// (Crescendo) and >= 203,600 sompi (Toccata).
Transaction worked_example() {
  Transaction tx;
  TransactionInput in;
  in.signature_script = core::Bytes(66, 0);  // OP_DATA_65 sig64 type
  in.compute_commit = SigOpCount{1};
  tx.inputs.push_back(in);
  for (int i = 0; i < 2; ++i) {
    TransactionOutput out;
    out.value = 50'000'000;
    out.script_public_key = p2pk_spk(static_cast<std::uint8_t>(i));
    tx.outputs.push_back(out);
  }
  return tx;
}

TEST(Mass, WorkedExample) {
  const Transaction tx = worked_example();
  EXPECT_EQ(transaction_estimated_serialized_size(tx), 316u);
  const auto m = calc_non_contextual_masses(tx);
  EXPECT_EQ(m.compute_mass, 2036u);
  EXPECT_EQ(m.transient_mass, 4u * 316u);
  EXPECT_EQ(minimum_relay_fee_crescendo(m), 2036u);
  EXPECT_EQ(minimum_relay_fee_toccata(m), 203'600u);
}

TEST(Mass, EstimatedSizeFormulaV1AndCovenant) {
  Transaction tx = worked_example();
  tx.version = 1;
  for (auto& in : tx.inputs) in.compute_commit = ComputeBudget{10};
  tx.outputs[0].covenant = CovenantBinding{0, core::Hash32{}};
  tx.payload = core::Bytes(10, 1);
  // +2 per v1 input, +34 per covenant output, + payload bytes.
  EXPECT_EQ(transaction_estimated_serialized_size(tx), 316u + 2 + 34 + 10);
  const auto m = calc_non_contextual_masses(tx);
  // size + 10 * Σ(2 + len(spk)) + 100 * Σ compute_budget
  EXPECT_EQ(m.compute_mass, 362u + 720u + 1000u);
  // Toccata fee: 100 * max(compute, 2 * size)
  EXPECT_EQ(minimum_relay_fee_toccata(m), 100u * std::max<std::uint64_t>(m.compute_mass, 2 * 362));
}

TEST(Mass, CoinbaseIsFree) {
  Transaction tx = worked_example();
  tx.subnetwork_id = subnetwork_coinbase();
  EXPECT_EQ(calc_non_contextual_masses(tx), NonContextualMasses{});
  EXPECT_EQ(calc_storage_mass(tx, std::vector<UtxoEntry>(1)), 0u);
}

TEST(Mass, StorageMassExamples) {
  // §8.1: 100 KAS in -> 50 + 50 KAS out gives 400 - 100 = 300.
  const UtxoCell in100[] = {{1, 100 * kSompiPerKaspa}};
  const UtxoCell out50x2[] = {{1, 50 * kSompiPerKaspa}, {1, 50 * kSompiPerKaspa}};
  EXPECT_EQ(calc_storage_mass(false, in100, out50x2), 300u);
  // Consolidation (more in than out) is free.
  const UtxoCell out100[] = {{1, 100 * kSompiPerKaspa}};
  const UtxoCell in50x2[] = {{1, 50 * kSompiPerKaspa}, {1, 50 * kSompiPerKaspa}};
  EXPECT_EQ(calc_storage_mass(false, in50x2, out100), 0u);
  // General (arithmetic) path: 3 inputs of 10 KAS, 3 outputs of 10 KAS: H_out = 3 * 1000,
  // |I| * floor(C / mean) = 3 * 1000 -> 0. Small outputs make it positive.
  const UtxoCell in3[] = {{1, 10 * kSompiPerKaspa}, {1, 10 * kSompiPerKaspa}, {1, 10 * kSompiPerKaspa}};
  const UtxoCell out3[] = {{1, 10 * kSompiPerKaspa}, {1, 10 * kSompiPerKaspa}, {1, 10 * kSompiPerKaspa}};
  EXPECT_EQ(calc_storage_mass(false, in3, out3), 0u);
  const UtxoCell out3small[] = {{1, 1'000'000}, {1, 3'000'000}, {1, 7'000'000}};
  // floor(1e12/1e6) + floor(1e12/3e6) + floor(1e12/7e6) - 3 * floor(1e12 / 1e9)
  EXPECT_EQ(calc_storage_mass(false, in3, out3small), 1'000'000u + 333'333u + 142'857u - 3u * 1'000u);
  // Integer division per element in the relaxed path: 1 input, 2 outputs of 3 and 7 sompi-millions.
  const UtxoCell in1[] = {{1, 10'000'000}};
  const UtxoCell out2[] = {{1, 3'000'000}, {1, 7'000'000}};
  EXPECT_EQ(calc_storage_mass(false, in1, out2), 333'333u + 142'857u - 100'000u);
  // Plurality 2 counts as p^2 = 4 in the harmonic terms.
  const UtxoCell out_p2[] = {{2, 4'000'000}};
  EXPECT_EQ(calc_storage_mass(false, in1, out_p2), 1'000'000u - 100'000u);
  // A zero-valued output is incomputable.
  const UtxoCell out_zero[] = {{1, 0}};
  EXPECT_FALSE(calc_storage_mass(false, in1, out_zero).has_value());
}

TEST(Mass, Plurality) {
  EXPECT_EQ(utxo_plurality(p2pk_spk(0), false), 1u);   // 63 + 34 = 97
  ScriptPublicKey big;
  big.script = core::Bytes(38, 0);
  EXPECT_EQ(utxo_plurality(big, false), 2u);  // 63 + 38 = 101
  EXPECT_EQ(utxo_plurality(p2pk_spk(0), true), 2u);  // + 32 covenant id
  ScriptPublicKey p37;
  p37.script = core::Bytes(37, 0);
  EXPECT_EQ(utxo_plurality(p37, false), 1u);  // exactly 100
}

TEST(Mass, StorageMassOfTransaction) {
  Transaction tx = worked_example();
  UtxoEntry e;
  e.amount = 100'000'000;  // 1 KAS
  e.script_public_key = p2pk_spk(9);
  const UtxoEntry entries[] = {e};
  // Two outputs of 0.5 KAS: 2 * 1e12/5e7 - 1e12/1e8 = 40000 - 10000.
  EXPECT_EQ(calc_storage_mass(tx, entries), 30'000u);
  EXPECT_FALSE(calc_storage_mass(tx, std::span<const UtxoEntry>()).has_value());
}

TEST(Mass, RelayFeeRules) {
  EXPECT_EQ(minimum_required_relay_fee(0, 1000), 1000u);  // zero -> the per-kg rate
  EXPECT_EQ(minimum_required_relay_fee(2036, 1000), 2036u);
  EXPECT_EQ(minimum_required_relay_fee(UINT64_MAX, 100'000), kMaxSompi);
  // Toccata: transient normalized with ceil(transient / 2).
  EXPECT_EQ(minimum_relay_fee_toccata({10, 31}), 100u * 16u);
}

TEST(Mass, Dust) {
  TransactionOutput out;
  out.script_public_key = p2pk_spk(1);
  // total = 52 + 148 = 200; dust iff value * 1000 / 600 < 1000 <=> value < 600.
  out.value = 599;
  EXPECT_TRUE(is_output_dust(out));
  out.value = 600;
  EXPECT_FALSE(is_output_dust(out));
  out.script_public_key.script = {0x6a, 0x01, 0x02};  // OP_RETURN
  EXPECT_TRUE(is_output_dust(out));
  out.script_public_key.script = {0x02, 0x01};  // push past the end
  EXPECT_TRUE(is_output_dust(out));
  EXPECT_TRUE(is_unspendable_script(core::hex_or_die("4d0100")));
  EXPECT_FALSE(is_unspendable_script(core::hex_or_die("4c0101")));
}

}  // namespace
}  // namespace igra::kaspa
