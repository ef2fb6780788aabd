#pragma once
// Canonical script construction (rusty-kaspa crypto/txscript/src/script_builder.rs, standard.rs,
// standard/multisig.rs @v1.1.0) and the standard scripts built with it.
#include <cstdint>
#include <optional>
#include <span>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "crypto/secp256k1.hpp"
#include "kaspa/transaction.hpp"

namespace igra::kaspa {

inline constexpr std::size_t kMaxScriptSize = 10'000;
inline constexpr std::size_t kMaxScriptElementSize = 520;
inline constexpr std::size_t kMaxPubKeysPerMultisig = 20;

// Script-number encoding: little-endian magnitude, sign in the top bit of the last byte, minimal length
// (0 -> empty). i64::MIN takes 9 bytes (the engine and the builder reject it).
core::Bytes encode_script_num(std::int64_t value);

// Bytes that add_data() would append for `data` (opcode + length field + data).
std::size_t canonical_data_size(core::ByteView data) noexcept;

// Fluent builder. The first failing call is remembered and later calls are ignored; build() reports it.
// Errors: "script builder: adding ... would exceed the maximum script size of 10000",
//         "script builder: data element of N bytes exceeds the maximum element size of 520".
class ScriptBuilder {
 public:
  ScriptBuilder& add_op(std::uint8_t opcode);
  ScriptBuilder& add_ops(core::ByteView opcodes);
  // Minimal push: empty -> OP_0, {1..16} -> OP_1..OP_16, {0x81} -> OP_1NEGATE, up to 75 bytes OP_DATA_n, then
  // OP_PUSHDATA1/2/4. {0x00} is pushed as OP_DATA_1 0x00 (keeps the byte; see the .cpp).
  ScriptBuilder& add_data(core::ByteView data);
  // OP_0, OP_1NEGATE, OP_1..OP_16 or a minimal push of the script number.
  ScriptBuilder& add_i64(std::int64_t value);
  // The value as little-endian bytes with trailing zero bytes removed, pushed with add_data
  // (the form OP_CHECKLOCKTIMEVERIFY / OP_CHECKSEQUENCEVERIFY read).
  ScriptBuilder& add_lock_time(std::uint64_t lock_time);
  ScriptBuilder& add_sequence(std::uint64_t sequence);

  const core::Bytes& script() const noexcept { return script_; }
  bool ok() const noexcept { return !error_.has_value(); }
  core::Result<core::Bytes> build() const;

 private:
  ScriptBuilder& add_u64(std::uint64_t v);
  bool fail(std::string message);
  core::Bytes script_;
  std::optional<core::Error> error_;
};

// --- Standard script public keys ---------------------------------------------------------------------
// 20 <x-only key> ac
ScriptPublicKey p2pk_script(const crypto::XOnlyPublicKey& key);
// 21 <compressed key> ab
ScriptPublicKey p2pk_ecdsa_script(const crypto::CompressedPublicKey& key);
// aa 20 <BLAKE2b-256(redeem_script), unkeyed> 87
ScriptPublicKey p2sh_script(core::ByteView redeem_script);
ScriptPublicKey p2sh_script_from_hash(const core::Hash32& redeem_script_hash);

// --- Redeem scripts ----------------------------------------------------------------------------------
// OP_m <k1> ... <kn> OP_n OP_CHECKMULTISIG (Schnorr, 32-byte keys) or OP_CHECKMULTISIGECDSA (33-byte keys).
// Errors: no keys, m > n, n > 20, wrong key length (m = 0 is accepted, as in rusty-kaspa).
core::Result<core::Bytes> multisig_redeem_script(std::size_t required, std::span<const core::Bytes> keys,
                                                 bool ecdsa = false);
core::Result<core::Bytes> multisig_redeem_script(std::size_t required,
                                                 std::span<const crypto::XOnlyPublicKey> keys);
core::Result<core::Bytes> multisig_redeem_script_ecdsa(std::size_t required,
                                                       std::span<const crypto::CompressedPublicKey> keys);
// <lock_time> OP_CHECKLOCKTIMEVERIFY <multisig>. Kaspa's CLTV pops its operand, so there is no OP_DROP.
core::Result<core::Bytes> cltv_multisig_redeem_script(std::uint64_t lock_time, std::size_t required,
                                                      std::span<const core::Bytes> keys, bool ecdsa = false);
core::Result<core::Bytes> cltv_multisig_redeem_script(std::uint64_t lock_time, std::size_t required,
                                                      std::span<const crypto::XOnlyPublicKey> keys);

// --- Signature scripts -------------------------------------------------------------------------------
// P2PK: a single push of the 65-byte signature (64-byte signature ‖ sighash type).
core::Result<core::Bytes> p2pk_signature_script(core::ByteView signature_with_type);
// P2SH: `pushes` (an already encoded push-only script, e.g. the signatures) followed by a push of the redeem
// script (rusty-kaspa pay_to_script_hash_signature_script).
core::Result<core::Bytes> p2sh_signature_script(core::ByteView redeem_script, core::ByteView pushes);
// P2SH: each signature pushed in order, then the redeem script.
core::Result<core::Bytes> p2sh_signature_script(core::ByteView redeem_script,
                                                std::span<const core::Bytes> signatures);

}  // namespace igra::kaspa
