#include "kaspa/header.hpp"

#include <string>

#include "core/hex.hpp"
#include "kaspa/hashing.hpp"

namespace igra::kaspa {

BlueWork blue_work_from_u64(std::uint64_t v) noexcept {
  BlueWork w;
  for (std::size_t i = 0; i < 8; ++i) w[23 - i] = static_cast<std::uint8_t>(v >> (8 * i));
  return w;
}

core::Result<BlueWork> blue_work_from_hex(std::string_view hex) {
  auto b = core::from_hex(hex);
  if (!b) return b.error().context("blue work");
  if (b->size() > BlueWork::size())
    return core::make_error(core::ErrorCode::kOutOfRange,
                            "blue work: " + std::to_string(b->size()) + " bytes, at most 24 allowed");
  BlueWork w;
  std::copy(b->begin(), b->end(), w.begin() + static_cast<std::ptrdiff_t>(BlueWork::size() - b->size()));
  return w;
}

std::string blue_work_to_hex(const BlueWork& w) {
  std::size_t start = 0;
  while (start < BlueWork::size() && w[start] == 0) ++start;
  return core::to_hex(w.view().subspan(start));
}

namespace {
template <typename Sink>
void write_header(Sink& sink, const BlockHeader& h, std::uint64_t nonce, std::uint64_t timestamp) {
  HashWriter w(sink);
  w.write_u16(h.version).write_len(h.parents_by_level.size());
  for (const auto& level : h.parents_by_level) w.write_var_array(level);
  w.update(h.hash_merkle_root)
      .update(h.accepted_id_merkle_root)
      .update(h.utxo_commitment)
      .write_u64(timestamp)
      .write_u32(h.bits)
      .write_u64(nonce)
      .write_u64(h.daa_score)
      .write_u64(h.blue_score)
      .write_blue_work(h.blue_work.view())
      .update(h.pruning_point);
}
}  // namespace

core::Hash32 header_hash_override_nonce_time(const BlockHeader& h, std::uint64_t nonce, std::uint64_t timestamp) {
  auto hasher = blake2b_domain_hasher(kDomainBlockHash);
  write_header(hasher, h, nonce, timestamp);
  return hasher.finalize32();
}

core::Hash32 header_hash(const BlockHeader& h) { return header_hash_override_nonce_time(h, h.nonce, h.timestamp); }

core::Bytes header_preimage(const BlockHeader& h) {
  core::Bytes out;
  BytesSink sink{out};
  write_header(sink, h, h.nonce, h.timestamp);
  return out;
}

}  // namespace igra::kaspa
