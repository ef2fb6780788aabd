// libFuzzer target: strict RLP decoding of arbitrary input. Whatever decodes must re-encode to exactly the
// input (canonical encodings are unique), and rlp_validate must agree with the recursive decoder.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/rlp.hpp"

namespace {

using namespace igra::core;

constexpr std::size_t kMaxDepth = 512;

struct Node {
  bool is_list = false;
  ByteView data;
  std::vector<Node> children;
};

// Recursive strict decode; false on any error (including nesting beyond kMaxDepth).
bool decode(const RlpItem& item, std::size_t depth, Node& out) {
  out.is_list = item.is_list;
  if (!item.is_list) {
    auto b = rlp_bytes(item);
    if (!b) std::abort();  // a string item always has bytes
    out.data = *b;
    // Integer readers must never crash, and must agree with the leading-zero / width rules.
    auto u64 = rlp_uint64(item);
    auto u256 = rlp_uint256(item);
    const bool canonical_int = out.data.empty() || out.data[0] != 0;
    if (u64.ok() != (canonical_int && out.data.size() <= 8)) std::abort();
    if (u256.ok() != (canonical_int && out.data.size() <= 32)) std::abort();
    if (u256.ok() && u256->to_be_trimmed() != Bytes(out.data.begin(), out.data.end())) std::abort();
    if (u64.ok() && uint256(*u64) != *u256) std::abort();
    return true;
  }
  if (depth + 1 > kMaxDepth) return false;
  RlpReader r(item.payload);
  while (!r.empty()) {
    auto child = r.next();
    if (!child) return false;
    out.children.emplace_back();
    if (!decode(*child, depth + 1, out.children.back())) return false;
  }
  return r.finish().ok();
}

void encode(RlpEncoder& e, const Node& n) {
  if (!n.is_list) {
    e.add_bytes(n.data);
    return;
  }
  const auto l = e.begin_list();
  for (const auto& c : n.children) encode(e, c);
  e.end_list(l);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView in(data, size);
  // Header parsing of a prefix must never read out of bounds.
  if (auto prefix = rlp_parse_item(in); prefix.ok()) {
    if (prefix->raw.data() != data || prefix->raw.size() > size) std::abort();
  }
  Node root;
  auto top = rlp_decode(in);
  const bool ok = top.ok() && decode(*top, 0, root);
  const bool validated = rlp_validate(in, kMaxDepth).ok();
  if (ok != validated) {
    std::fprintf(stderr, "recursive decode (%d) and rlp_validate (%d) disagree\n", ok, validated);
    std::abort();
  }
  if (!ok) return 0;
  RlpEncoder e;
  encode(e, root);
  const Bytes out = std::move(e).finish();
  if (out.size() != size || (size != 0 && std::memcmp(out.data(), data, size) != 0)) {
    std::fprintf(stderr, "re-encoding differs from the input\n");
    std::abort();
  }
  return 0;
}
