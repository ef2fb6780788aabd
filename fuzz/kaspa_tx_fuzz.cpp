// libFuzzer target: strict transaction decoding (kaspa/tx_codec). Whatever decodes must re-encode to the same
// bytes, and id, hash, masses and sighashes must be computable without crashing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "kaspa/mass.hpp"
#include "kaspa/sighash.hpp"
#include "kaspa/tx_codec.hpp"
#include "kaspa/tx_id.hpp"
#include "kaspa/tx_json.hpp"

// Keeps the computed values observable so they are not optimized away.
volatile std::uint8_t g_kaspa_tx_fuzz_sink = 0;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace igra::kaspa;
  const igra::core::ByteView input(data, size);
  auto tx = decode_transaction(input);
  if (!tx) return 0;

  const igra::core::Bytes again = encode_transaction(*tx);
  if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();

  std::uint8_t sink = 0;
  sink ^= transaction_id(*tx)[0];
  sink ^= transaction_hash(*tx)[0];
  sink ^= transaction_id_legacy(*tx)[0];
  const auto masses = calc_non_contextual_masses(*tx);
  sink ^= static_cast<std::uint8_t>(masses.compute_mass ^ masses.transient_mass);
  sink ^= static_cast<std::uint8_t>(minimum_relay_fee_toccata(masses));

  std::vector<UtxoEntry> entries(tx->inputs.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    entries[i].amount = 1 + i;
    if (!tx->outputs.empty()) entries[i].script_public_key = tx->outputs[i % tx->outputs.size()].script_public_key;
  }
  if (auto storage = calc_storage_mass(*tx, entries)) sink ^= static_cast<std::uint8_t>(*storage);
  for (const auto& out : tx->outputs) sink ^= static_cast<std::uint8_t>(is_output_dust(out));

  SigHashReusedValues reused;
  const std::size_t n = tx->inputs.size() < 4 ? tx->inputs.size() : 4;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t t = data[i % size];
    auto type = sighash_type_from_u8(t);
    if (!type) continue;
    auto h = schnorr_sighash(*tx, entries, i, *type, reused);
    if (!h) std::abort();
    sink ^= (*h)[0];
  }

  if (tx->payload.size() >= 4 && tx->payload.size() < 4096) {
    auto miner = IdMiner::create(*tx);
    if (!miner) std::abort();
    const std::uint32_t nonce = igra::core::load_be<std::uint32_t>(tx->payload.data() + tx->payload.size() - 4);
    if (miner->id_with_nonce(nonce) != transaction_id(*tx)) std::abort();
  }

  // JSON forms round-trip too.
  auto from_vec = transaction_from_vector_json(transaction_to_vector_json(*tx));
  if (!from_vec || encode_transaction(*from_vec) != again) std::abort();
  auto from_rpc = transaction_from_rpc_json(transaction_to_rpc_json(*tx));
  if (!from_rpc || encode_transaction(*from_rpc) != again) std::abort();
  g_kaspa_tx_fuzz_sink = sink;
  return 0;
}
