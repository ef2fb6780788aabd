#pragma once
// Merkle-Patricia trie node encoding (Yellow Paper, appendix C and D): nibble paths, hex-prefix encoding,
// the RLP of leaf / extension / branch nodes and the rule by which a parent refers to a child (inline when
// the child's RLP is shorter than 32 bytes, otherwise by its keccak256).
//
// This is the single place that knows the byte layout of trie nodes. The one-shot root builder (mpt.cpp)
// uses it, and the persistent incremental trie must use it too, so both always produce identical roots.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"

namespace igra::state {

// The nibbles [begin, end) of a byte string, high nibble of each byte first. A view: no allocation, so a
// builder can walk deep paths of long keys without copying them.
struct NibbleView {
  core::ByteView bytes;
  std::size_t begin = 0;
  std::size_t end = 0;

  static NibbleView of(core::ByteView b) noexcept { return NibbleView{b, 0, 2 * b.size()}; }
  std::size_t size() const noexcept { return end - begin; }
  bool empty() const noexcept { return end == begin; }
  // i-th nibble of the view (0-based, relative to begin).
  std::uint8_t operator[](std::size_t i) const noexcept {
    const std::size_t n = begin + i;
    const std::uint8_t b = bytes[n / 2];
    return (n & 1) ? static_cast<std::uint8_t>(b & 0x0f) : static_cast<std::uint8_t>(b >> 4);
  }
  // Nibbles [from, to) of this view (relative indices).
  NibbleView sub(std::size_t from, std::size_t to) const noexcept { return NibbleView{bytes, begin + from, begin + to}; }
  NibbleView drop(std::size_t n) const noexcept { return NibbleView{bytes, begin + n, end}; }
};

// Hex-prefix encoding (YP appendix C): flag nibble 2*is_leaf + odd, padded with a zero nibble when even.
core::Bytes hex_prefix_encode(NibbleView path, bool is_leaf);

struct HexPrefixPath {
  std::vector<std::uint8_t> nibbles;  // one nibble (0..15) per element
  bool is_leaf = false;
};
// Inverse of hex_prefix_encode. Rejects an empty input, a flag nibble above 3 and a non-zero pad nibble.
core::Result<HexPrefixPath> hex_prefix_decode(core::ByteView encoded);

// How a parent node embeds a child: the child's own RLP when that is shorter than 32 bytes, otherwise the
// RLP string of keccak256(child RLP) (33 bytes), or the empty string 0x80 for "no child". The stored bytes
// are already RLP, ready to be spliced verbatim into the parent's list. Fixed storage: no heap.
class NodeRef {
 public:
  static constexpr std::size_t kMaxInline = 31;

  // No child (an empty branch slot, or the root of an empty trie).
  NodeRef() noexcept : len_(1) { buf_[0] = 0x80; }
  // Reference to a node given its full RLP encoding (hashes it when it is 32 bytes or longer).
  static NodeRef of_encoded(core::ByteView node_rlp) noexcept;
  // Reference to a node known only by its hash (e.g. loaded from a database).
  static NodeRef of_hash(const core::Hash32& h) noexcept;

  bool is_empty() const noexcept { return len_ == 1 && buf_[0] == 0x80; }
  bool is_hash() const noexcept { return len_ == 33; }
  // The bytes to splice into the parent node's RLP list.
  core::ByteView encoding() const noexcept { return core::ByteView(buf_.data(), len_); }
  // The hash when is_hash().
  core::Hash32 hash() const noexcept { return core::Hash32::from_view(core::ByteView(buf_.data() + 1, 32)); }

  friend bool operator==(const NodeRef& a, const NodeRef& b) noexcept {
    return a.len_ == b.len_ && std::equal(a.buf_.begin(), a.buf_.begin() + a.len_, b.buf_.begin());
  }

 private:
  std::array<std::uint8_t, 33> buf_{};
  std::uint8_t len_ = 0;
};

// RLP of a leaf node: [hex_prefix(path, leaf), value]. value must not be empty (empty = absent).
core::Bytes encode_leaf(NibbleView path, core::ByteView value);
// RLP of an extension node: [hex_prefix(path, extension), child]; path is non-empty, child a branch.
core::Bytes encode_extension(NibbleView path, const NodeRef& child);
// RLP of a branch node: [child_0, ..., child_15, value] (value empty when no key ends here).
core::Bytes encode_branch(const std::array<NodeRef, 16>& children, core::ByteView value);

// RLP of the empty trie (the empty string).
inline core::Bytes encode_empty_node() { return core::Bytes{0x80}; }
// The root hash of a trie whose root node has this RLP: always keccak256, even when the node is shorter
// than 32 bytes (the root is never inlined).
core::Hash32 root_hash_of(core::ByteView root_node_rlp) noexcept;

}  // namespace igra::state
