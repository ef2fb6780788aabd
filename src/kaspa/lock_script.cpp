#include "kaspa/lock_script.hpp"

#include <string>

#include "core/hex.hpp"
#include "kaspa/script_builder.hpp"
#include "kaspa/script_class.hpp"

namespace igra::kaspa {

core::Result<core::Bytes> entry_lock_redeem_script(const EntryLockPolicy& policy) {
  if (policy.unlock_time_ms < kLockTimeThreshold)
    return core::make_error("entry lock: unlock time " + std::to_string(policy.unlock_time_ms) +
                            " is below 500000000000 and would be read as a DAA score, not a millisecond timestamp");
  if (policy.keys.size() != kIgraEntryKeyCount)
    return core::make_error("entry lock: " + std::to_string(policy.keys.size()) + " keys, expected " +
                            std::to_string(kIgraEntryKeyCount));
  if (policy.required == 0 || policy.required > policy.keys.size())
    return core::make_error("entry lock: required signatures " + std::to_string(policy.required) +
                            " not in 1.." + std::to_string(policy.keys.size()));
  return cltv_multisig_redeem_script(policy.unlock_time_ms, policy.required,
                                     std::span<const crypto::XOnlyPublicKey>(policy.keys));
}

core::Result<ScriptPublicKey> entry_lock_script_public_key(const EntryLockPolicy& policy) {
  IGRA_TRY(core::Bytes redeem, entry_lock_redeem_script(policy));
  return p2sh_script(redeem);
}

core::Result<Address> entry_lock_address(const EntryLockPolicy& policy, Prefix prefix) {
  IGRA_TRY(ScriptPublicKey spk, entry_lock_script_public_key(policy));
  return extract_script_public_key_address(spk, prefix);
}

core::Result<ScriptPublicKey> parse_lock_script_public_key(std::string_view hex) {
  auto bytes = core::from_hex(hex);
  if (!bytes) return bytes.error().context("lock script");
  if (bytes->empty()) return core::make_error("lock script: empty");
  if (bytes->size() > kMaxScriptSize)
    return core::make_error("lock script: " + std::to_string(bytes->size()) + " bytes exceed " +
                            std::to_string(kMaxScriptSize));
  return ScriptPublicKey{0, std::move(*bytes)};
}

bool is_entry_lock_output(const TransactionOutput& output, const ScriptPublicKey& configured) noexcept {
  return output.script_public_key == configured;
}

}  // namespace igra::kaspa
