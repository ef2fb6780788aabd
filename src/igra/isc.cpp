#include "igra/isc.hpp"

#include <cstring>

#include "core/blake2b.hpp"

namespace igra::igra {

core::Hash32 isc(const core::Hash32& parent_isc, const core::Hash32& accepted_id_merkle_root, std::uint64_t daa_score,
                 std::uint64_t timestamp_ms) noexcept {
  std::uint8_t buf[80];
  std::memcpy(buf, parent_isc.data(), 32);
  std::memcpy(buf + 32, accepted_id_merkle_root.data(), 32);
  for (int i = 0; i < 8; ++i) buf[64 + i] = static_cast<std::uint8_t>(daa_score >> (8 * i));
  for (int i = 0; i < 8; ++i) buf[72 + i] = static_cast<std::uint8_t>(timestamp_ms >> (8 * i));
  return core::blake2b_256_keyed("IgraSequencingCommitment", core::ByteView(buf, sizeof buf));
}

}  // namespace igra::igra
