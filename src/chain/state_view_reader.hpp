#pragma once
// The EVM's pre-state (evm::StateReader) over a state-database snapshot: the state after a given block
// (history indices and changesets), or the head state straight from the flat tables (what the next block
// executes on). StateReader has no error channel, so the first database error is kept; callers check error()
// after execution. The snapshot must outlive the reader.
#include <optional>

#include "core/error.hpp"
#include "evm/state.hpp"
#include "state/state_db.hpp"

namespace igra::chain {

class StateViewReader : public evm::StateReader {
 public:
  // `block`: read the state after this block; nullopt: the head state (flat tables).
  StateViewReader(state::StateView& view, std::optional<std::uint64_t> block) : view_(view), block_(block) {}

  std::optional<evm::AccountInfo> read_account(const core::Address20& addr) const override;
  core::uint256 read_storage(const core::Address20& addr, const core::uint256& key) const override;
  core::Bytes read_code(const core::Hash32& code_hash) const override;
  // The canonical hash of block n (BLOCKHASH), nullopt when not stored.
  std::optional<core::Hash32> block_hash(std::uint64_t n) const;
  const std::optional<core::Error>& error() const noexcept { return error_; }

 protected:
  void fail(const core::Error& e) const {
    if (!error_) error_ = e;
  }

 private:
  state::StateView& view_;
  std::optional<std::uint64_t> block_;
  mutable std::optional<core::Error> error_;
};

}  // namespace igra::chain
