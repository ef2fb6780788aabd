#include "state/account.hpp"

#include "core/rlp.hpp"
#include "state/mpt.hpp"

namespace igra::state {

core::Bytes encode_account(const Account& a) {
  core::RlpEncoder e;
  const auto l = e.begin_list();
  e.add_uint(a.nonce);
  e.add_uint(a.balance);
  e.add_bytes(a.storage_root.is_zero() ? kEmptyTrieRoot.view() : a.storage_root.view());
  e.add_bytes(a.code_hash.view());
  e.end_list(l);
  return std::move(e).finish();
}

core::Result<Account> decode_account(core::ByteView rlp) {
  IGRA_TRY(auto r, core::RlpReader::of_encoded_list(rlp));
  Account a;
  IGRA_TRY(a.nonce, r.read_uint64());
  IGRA_TRY(a.balance, r.read_uint256());
  IGRA_TRY(a.storage_root, r.read_fixed<32>());
  IGRA_TRY(a.code_hash, r.read_fixed<32>());
  IGRA_TRY_VOID(r.finish());
  return a;
}

core::Bytes encode_storage_value(const core::uint256& v) {
  if (v.is_zero()) return {};
  return core::rlp_encode_bytes(v.to_be_trimmed());
}

core::Result<core::uint256> decode_storage_value(core::ByteView rlp) {
  if (rlp.empty()) return core::uint256{};
  IGRA_TRY(auto item, core::rlp_decode(rlp));
  return core::rlp_uint256(item);
}

}  // namespace igra::state
