#include "chain/state_view_reader.hpp"

#include "core/hex.hpp"
#include "state/mpt.hpp"

namespace igra::chain {

std::optional<evm::AccountInfo> StateViewReader::read_account(const core::Address20& addr) const {
  auto r = block_ ? view_.account(addr, *block_) : view_.head_account(addr);
  if (!r) return fail(r.error()), std::nullopt;
  if (!*r) return std::nullopt;
  const auto& a = **r;
  evm::AccountInfo info;
  info.nonce = a.nonce;
  info.balance = a.balance;
  info.code_hash = a.code_hash;
  info.has_storage = !(a.storage_root == state::kEmptyTrieRoot || a.storage_root == core::Hash32{});
  return info;
}

core::uint256 StateViewReader::read_storage(const core::Address20& addr, const core::uint256& key) const {
  auto r = block_ ? view_.storage(addr, key.to_be32(), *block_) : view_.head_storage(addr, key.to_be32());
  if (!r) return fail(r.error()), core::uint256{};
  return *r;
}

core::Bytes StateViewReader::read_code(const core::Hash32& code_hash) const {
  if (code_hash == evm::kEmptyCodeHash) return {};
  auto r = view_.code_by_hash(code_hash);
  if (!r) return fail(r.error()), core::Bytes{};
  if (!*r) {
    fail(core::Error{core::ErrorCode::kInternal, "state db: code " + core::to_hex(code_hash) + " missing"});
    return {};
  }
  return std::move(**r);
}

std::optional<core::Hash32> StateViewReader::block_hash(std::uint64_t n) const {
  auto r = view_.canonical_hash(n);
  if (!r) return fail(r.error()), std::nullopt;
  return *r;
}

}  // namespace igra::chain
