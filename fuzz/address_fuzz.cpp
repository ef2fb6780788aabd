// libFuzzer target: arbitrary bytes as Kaspa addresses and as scripts.
//  * If an address decodes, re-encoding it gives back the input (lower-cased: all-upper-case input is accepted).
//  * The raw bech32 layer round-trips the same way.
//  * The same bytes as a script: parsing, push-only and class detection, the stand-alone engine and a
//    transaction-input engine (signature script + script public key split from the input) must not crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "kaspa/address.hpp"
#include "kaspa/script_builder.hpp"
#include "kaspa/script_class.hpp"
#include "kaspa/script_engine.hpp"

using namespace igra;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

void check_address(std::string_view text) {
  if (auto a = kaspa::decode_address(text)) {
    if (!a->is_valid()) std::abort();
    if (a->to_string() != lower(text)) std::abort();
    auto again = kaspa::decode_address(a->to_string());
    if (!again || !(*again == *a)) std::abort();
    auto spk = kaspa::pay_to_address_script(*a);
    if (!spk) std::abort();
    auto back = kaspa::extract_script_public_key_address(*spk, a->prefix);
    if (!back || !(*back == *a)) std::abort();
  }
  if (auto raw = kaspa::decode_raw_address(text)) {
    if (kaspa::encode_raw_address(raw->prefix, raw->version, raw->payload) != lower(text)) std::abort();
  }
}

void check_script(core::ByteView bytes) {
  auto parsed = kaspa::parse_script(bytes);
  const bool push_only = kaspa::is_push_only(bytes);
  if (push_only && !parsed) std::abort();
  (void)kaspa::classify_script_public_key(kaspa::ScriptPublicKey{0, core::Bytes(bytes.begin(), bytes.end())});

  {
    kaspa::ScriptEngine engine;
    const core::ByteView scripts[1] = {bytes};
    (void)engine.execute_scripts(scripts);
  }

  // Input mode: the first byte picks the split between signature script and script public key.
  if (bytes.empty()) return;
  const std::size_t split = std::min<std::size_t>(bytes[0], bytes.size() - 1);
  kaspa::Transaction tx;
  kaspa::TransactionInput in;
  in.signature_script.assign(bytes.begin() + 1, bytes.begin() + 1 + split);
  in.sequence = bytes.size() % 2 ? 0 : ~0ull;
  in.compute_commit = kaspa::SigOpCount{static_cast<std::uint8_t>(bytes.size() % 5)};
  tx.inputs.push_back(in);
  tx.outputs.push_back(kaspa::TransactionOutput{1, kaspa::ScriptPublicKey{0, {0x51}}, std::nullopt});
  tx.lock_time = bytes.size() % 3 == 0 ? 1000 : 1'775'001'600'000ull;
  std::vector<kaspa::UtxoEntry> utxos(1);
  utxos[0].amount = 100;
  utxos[0].script_public_key.script.assign(bytes.begin() + 1 + split, bytes.end());
  (void)kaspa::verify_input(tx, utxos, 0);
  // And as a P2SH spend whose redeem script is the whole input.
  if (bytes.size() <= kaspa::kMaxScriptElementSize) {
    utxos[0].script_public_key = kaspa::p2sh_script(bytes);
    kaspa::ScriptBuilder b;
    b.add_data(bytes);
    if (auto sig = b.build()) {
      tx.inputs[0].signature_script = *sig;
      (void)kaspa::verify_input(tx, utxos, 0);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_address(std::string_view(reinterpret_cast<const char*>(data), size));
  check_script(core::ByteView(data, size));
  return 0;
}
