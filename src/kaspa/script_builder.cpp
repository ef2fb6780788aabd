#include "kaspa/script_builder.hpp"

#include <string>

#include "core/blake2b.hpp"
#include "kaspa/script_opcodes.hpp"

namespace igra::kaspa {

namespace op = opcodes;

core::Bytes encode_script_num(std::int64_t value) {
  core::Bytes out;
  if (value == 0) return out;
  const bool negative = value < 0;
  std::uint64_t magnitude = negative ? (~static_cast<std::uint64_t>(value) + 1) : static_cast<std::uint64_t>(value);
  while (magnitude != 0) {
    out.push_back(static_cast<std::uint8_t>(magnitude & 0xff));
    magnitude >>= 8;
  }
  // If the top bit of the last byte is taken by the magnitude, add a byte for the sign.
  if (out.back() & 0x80)
    out.push_back(negative ? 0x80 : 0x00);
  else if (negative)
    out.back() |= 0x80;
  return out;
}

std::size_t canonical_data_size(core::ByteView data) noexcept {
  const std::size_t n = data.size();
  if (n == 0 || (n == 1 && ((data[0] >= 1 && data[0] <= 16) || data[0] == 0x81))) return 1;
  if (n <= op::kOpData75) return n + 1;
  if (n <= 0xff) return n + 2;
  if (n <= 0xffff) return n + 3;
  return n + 5;
}

bool ScriptBuilder::fail(std::string message) {
  if (!error_) error_ = core::make_error(core::ErrorCode::kOutOfRange, "script builder: " + std::move(message));
  return false;
}

ScriptBuilder& ScriptBuilder::add_op(std::uint8_t opcode) {
  if (error_) return *this;
  if (script_.size() + 1 > kMaxScriptSize) {
    fail("adding an opcode would exceed the maximum script size of " + std::to_string(kMaxScriptSize));
    return *this;
  }
  script_.push_back(opcode);
  return *this;
}

ScriptBuilder& ScriptBuilder::add_ops(core::ByteView opcodes) {
  if (error_) return *this;
  if (script_.size() + opcodes.size() > kMaxScriptSize) {
    fail("adding " + std::to_string(opcodes.size()) + " opcodes would exceed the maximum script size of " +
         std::to_string(kMaxScriptSize));
    return *this;
  }
  core::append(script_, opcodes);
  return *this;
}

ScriptBuilder& ScriptBuilder::add_data(core::ByteView data) {
  if (error_) return *this;
  const std::size_t size = canonical_data_size(data);
  if (script_.size() + size > kMaxScriptSize) {
    fail("adding " + std::to_string(size) + " bytes of data would exceed the maximum script size of " +
         std::to_string(kMaxScriptSize));
    return *this;
  }
  const std::size_t n = data.size();
  if (n > kMaxScriptElementSize) {
    fail("data element of " + std::to_string(n) + " bytes exceeds the maximum element size of " +
         std::to_string(kMaxScriptElementSize));
    return *this;
  }
  // {0x00} stays a one-byte push (OP_DATA_1 0x00): rusty-kaspa v1.1.0 turned it into OP_0, which pushes an
  // empty element instead; later versions (and the SDK) fixed that, and the v1.1.0 engine accepts both as minimal.
  if (n == 0) {
    script_.push_back(op::kOp0);
    return *this;
  }
  if (n == 1 && data[0] >= 1 && data[0] <= 16) {
    script_.push_back(op::small_int_opcode(data[0]));
    return *this;
  }
  if (n == 1 && data[0] == 0x81) {
    script_.push_back(op::kOp1Negate);
    return *this;
  }
  if (n <= op::kOpData75) {
    script_.push_back(static_cast<std::uint8_t>(n));
  } else if (n <= 0xff) {
    script_.push_back(op::kOpPushData1);
    script_.push_back(static_cast<std::uint8_t>(n));
  } else if (n <= 0xffff) {
    script_.push_back(op::kOpPushData2);
    core::put_le<std::uint16_t>(script_, static_cast<std::uint16_t>(n));
  } else {
    script_.push_back(op::kOpPushData4);
    core::put_le<std::uint32_t>(script_, static_cast<std::uint32_t>(n));
  }
  core::append(script_, data);
  return *this;
}

ScriptBuilder& ScriptBuilder::add_i64(std::int64_t value) {
  if (error_) return *this;
  if (script_.size() + 1 > kMaxScriptSize) {
    fail("adding integer " + std::to_string(value) + " would exceed the maximum script size of " +
         std::to_string(kMaxScriptSize));
    return *this;
  }
  if (value == 0) {
    script_.push_back(op::kOp0);
    return *this;
  }
  if (value == -1) {
    script_.push_back(op::kOp1Negate);
    return *this;
  }
  if (value >= 1 && value <= 16) {
    script_.push_back(op::small_int_opcode(static_cast<int>(value)));
    return *this;
  }
  const core::Bytes bytes = encode_script_num(value);
  if (bytes.size() > 8) {
    fail("integer " + std::to_string(value) + " does not fit in an 8-byte script number");
    return *this;
  }
  return add_data(bytes);
}

ScriptBuilder& ScriptBuilder::add_u64(std::uint64_t v) {
  core::Bytes le;
  core::put_le<std::uint64_t>(le, v);
  while (!le.empty() && le.back() == 0) le.pop_back();
  return add_data(le);
}

ScriptBuilder& ScriptBuilder::add_lock_time(std::uint64_t lock_time) { return add_u64(lock_time); }
ScriptBuilder& ScriptBuilder::add_sequence(std::uint64_t sequence) { return add_u64(sequence); }

core::Result<core::Bytes> ScriptBuilder::build() const {
  if (error_) return *error_;
  return script_;
}

// --- Standard scripts ---------------------------------------------------------------------------------

ScriptPublicKey p2pk_script(const crypto::XOnlyPublicKey& key) {
  ScriptPublicKey spk;
  spk.script.reserve(34);
  spk.script.push_back(op::kOpData32);
  core::append(spk.script, key.view());
  spk.script.push_back(op::kOpCheckSig);
  return spk;
}

ScriptPublicKey p2pk_ecdsa_script(const crypto::CompressedPublicKey& key) {
  ScriptPublicKey spk;
  spk.script.reserve(35);
  spk.script.push_back(op::kOpData33);
  core::append(spk.script, key.view());
  spk.script.push_back(op::kOpCheckSigEcdsa);
  return spk;
}

ScriptPublicKey p2sh_script_from_hash(const core::Hash32& redeem_script_hash) {
  ScriptPublicKey spk;
  spk.script.reserve(35);
  spk.script.push_back(op::kOpBlake2b);
  spk.script.push_back(op::kOpData32);
  core::append(spk.script, redeem_script_hash.view());
  spk.script.push_back(op::kOpEqual);
  return spk;
}

ScriptPublicKey p2sh_script(core::ByteView redeem_script) {
  return p2sh_script_from_hash(core::blake2b_256(redeem_script));
}

namespace {

core::Result<void> append_multisig(ScriptBuilder& b, std::size_t required, std::span<const core::Bytes> keys,
                                   bool ecdsa) {
  const std::size_t key_len = ecdsa ? 33 : 32;
  if (keys.empty()) return core::make_error("multisig: no public keys");
  if (required > keys.size())
    return core::make_error("multisig: " + std::to_string(required) + " required signatures but only " +
                            std::to_string(keys.size()) + " keys");
  if (keys.size() > kMaxPubKeysPerMultisig)
    return core::make_error("multisig: " + std::to_string(keys.size()) + " keys exceed the maximum of " +
                            std::to_string(kMaxPubKeysPerMultisig));
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (keys[i].size() != key_len)
      return core::make_error("multisig: key " + std::to_string(i) + " has " + std::to_string(keys[i].size()) +
                              " bytes, expected " + std::to_string(key_len));
  b.add_i64(static_cast<std::int64_t>(required));
  for (const auto& k : keys) b.add_data(k);
  b.add_i64(static_cast<std::int64_t>(keys.size()));
  b.add_op(ecdsa ? op::kOpCheckMultiSigEcdsa : op::kOpCheckMultiSig);
  return {};
}

template <std::size_t N>
std::vector<core::Bytes> to_bytes_list(std::span<const core::FixedBytes<N>> keys) {
  std::vector<core::Bytes> out;
  out.reserve(keys.size());
  for (const auto& k : keys) out.emplace_back(k.begin(), k.end());
  return out;
}

}  // namespace

core::Result<core::Bytes> multisig_redeem_script(std::size_t required, std::span<const core::Bytes> keys,
                                                 bool ecdsa) {
  ScriptBuilder b;
  IGRA_TRY_VOID(append_multisig(b, required, keys, ecdsa));
  return b.build();
}

core::Result<core::Bytes> multisig_redeem_script(std::size_t required,
                                                 std::span<const crypto::XOnlyPublicKey> keys) {
  const auto list = to_bytes_list<32>(keys);
  return multisig_redeem_script(required, list, false);
}

core::Result<core::Bytes> multisig_redeem_script_ecdsa(std::size_t required,
                                                       std::span<const crypto::CompressedPublicKey> keys) {
  const auto list = to_bytes_list<33>(keys);
  return multisig_redeem_script(required, list, true);
}

core::Result<core::Bytes> cltv_multisig_redeem_script(std::uint64_t lock_time, std::size_t required,
                                                      std::span<const core::Bytes> keys, bool ecdsa) {
  ScriptBuilder b;
  b.add_lock_time(lock_time).add_op(op::kOpCheckLockTimeVerify);
  IGRA_TRY_VOID(append_multisig(b, required, keys, ecdsa));
  return b.build();
}

core::Result<core::Bytes> cltv_multisig_redeem_script(std::uint64_t lock_time, std::size_t required,
                                                      std::span<const crypto::XOnlyPublicKey> keys) {
  const auto list = to_bytes_list<32>(keys);
  return cltv_multisig_redeem_script(lock_time, required, list, false);
}

core::Result<core::Bytes> p2pk_signature_script(core::ByteView signature_with_type) {
  ScriptBuilder b;
  b.add_data(signature_with_type);
  return b.build();
}

core::Result<core::Bytes> p2sh_signature_script(core::ByteView redeem_script, core::ByteView pushes) {
  ScriptBuilder b;
  b.add_ops(pushes).add_data(redeem_script);
  return b.build();
}

core::Result<core::Bytes> p2sh_signature_script(core::ByteView redeem_script,
                                                std::span<const core::Bytes> signatures) {
  ScriptBuilder b;
  for (const auto& s : signatures) b.add_data(s);
  b.add_data(redeem_script);
  return b.build();
}

}  // namespace igra::kaspa
