#include "state/mpt_node.hpp"

#include "core/keccak.hpp"
#include "core/rlp.hpp"

namespace igra::state {

core::Bytes hex_prefix_encode(NibbleView path, bool is_leaf) {
  const std::size_t n = path.size();
  const bool odd = (n & 1) != 0;
  core::Bytes out;
  out.reserve(n / 2 + 1);
  const std::uint8_t flag = static_cast<std::uint8_t>((is_leaf ? 2 : 0) + (odd ? 1 : 0));
  std::size_t i = 0;
  if (odd) {
    out.push_back(static_cast<std::uint8_t>((flag << 4) | path[0]));
    i = 1;
  } else {
    out.push_back(static_cast<std::uint8_t>(flag << 4));
  }
  for (; i < n; i += 2) out.push_back(static_cast<std::uint8_t>((path[i] << 4) | path[i + 1]));
  return out;
}

core::Result<HexPrefixPath> hex_prefix_decode(core::ByteView encoded) {
  if (encoded.empty()) return core::make_error("hex-prefix: empty encoding");
  const std::uint8_t flag = encoded[0] >> 4;
  if (flag > 3) return core::make_error("hex-prefix: flag nibble " + std::to_string(flag) + " above 3");
  const bool odd = (flag & 1) != 0;
  if (!odd && (encoded[0] & 0x0f) != 0) return core::make_error("hex-prefix: non-zero pad nibble");
  HexPrefixPath out;
  out.is_leaf = (flag & 2) != 0;
  out.nibbles.reserve(2 * encoded.size());
  if (odd) out.nibbles.push_back(encoded[0] & 0x0f);
  for (std::size_t i = 1; i < encoded.size(); ++i) {
    out.nibbles.push_back(encoded[i] >> 4);
    out.nibbles.push_back(encoded[i] & 0x0f);
  }
  return out;
}

NodeRef NodeRef::of_encoded(core::ByteView node_rlp) noexcept {
  NodeRef r;
  if (node_rlp.size() <= kMaxInline) {
    std::copy(node_rlp.begin(), node_rlp.end(), r.buf_.begin());
    r.len_ = static_cast<std::uint8_t>(node_rlp.size());
    return r;
  }
  return of_hash(core::keccak256(node_rlp));
}

NodeRef NodeRef::of_hash(const core::Hash32& h) noexcept {
  NodeRef r;
  r.buf_[0] = 0xa0;  // RLP string header for 32 bytes
  std::copy(h.begin(), h.end(), r.buf_.begin() + 1);
  r.len_ = 33;
  return r;
}

core::Bytes encode_leaf(NibbleView path, core::ByteView value) {
  core::RlpEncoder e;
  const auto l = e.begin_list();
  e.add_bytes(hex_prefix_encode(path, true));
  e.add_bytes(value);
  e.end_list(l);
  return std::move(e).finish();
}

core::Bytes encode_extension(NibbleView path, const NodeRef& child) {
  core::RlpEncoder e;
  const auto l = e.begin_list();
  e.add_bytes(hex_prefix_encode(path, false));
  e.add_raw(child.encoding());
  e.end_list(l);
  return std::move(e).finish();
}

core::Bytes encode_branch(const std::array<NodeRef, 16>& children, core::ByteView value) {
  core::RlpEncoder e;
  const auto l = e.begin_list();
  for (const NodeRef& c : children) e.add_raw(c.encoding());
  e.add_bytes(value);
  e.end_list(l);
  return std::move(e).finish();
}

core::Hash32 root_hash_of(core::ByteView root_node_rlp) noexcept { return core::keccak256(root_node_rlp); }

}  // namespace igra::state
