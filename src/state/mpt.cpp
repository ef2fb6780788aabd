#include "state/mpt.hpp"

#include <algorithm>
#include <cstring>
#include <span>

#include "core/keccak.hpp"
#include "core/rlp.hpp"
#include "state/mpt_node.hpp"

namespace igra::state {

namespace {

struct Entry {
  core::ByteView key;
  core::ByteView value;
};

std::uint8_t nibble_at(core::ByteView key, std::size_t i) noexcept {
  const std::uint8_t b = key[i / 2];
  return (i & 1) ? static_cast<std::uint8_t>(b & 0x0f) : static_cast<std::uint8_t>(b >> 4);
}

// Lexicographic byte order (a proper prefix sorts first). Written out because GCC 12 warns spuriously
// (-Wstringop-overread) on std::vector's operator< inlined into stable_sort.
bool key_less(const core::Bytes& a, const core::Bytes& b) noexcept {
  const std::size_t n = std::min(a.size(), b.size());
  const int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  return c < 0 || (c == 0 && a.size() < b.size());
}

// RLP of the node covering `es` (sorted, distinct keys, non-empty values; all share their first `depth`
// nibbles). Sorted order gives two facts used below: the common prefix of the whole range is the common
// prefix of its first and last keys, and a key that ends at `depth` (a branch value) comes first.
core::Bytes encode_subtrie(std::span<const Entry> es, std::size_t depth) {
  const Entry& first = es.front();
  if (es.size() == 1) return encode_leaf(NibbleView{first.key, depth, 2 * first.key.size()}, first.value);

  const Entry& last = es.back();
  const std::size_t limit = 2 * std::min(first.key.size(), last.key.size());
  std::size_t common = depth;
  while (common < limit && nibble_at(first.key, common) == nibble_at(last.key, common)) ++common;
  if (common > depth) {
    // Two or more keys that agree beyond depth: the node below the shared run is necessarily a branch.
    const core::Bytes child = encode_subtrie(es, common);
    return encode_extension(NibbleView{first.key, depth, common}, NodeRef::of_encoded(child));
  }

  std::array<NodeRef, 16> children;
  core::ByteView value;
  std::size_t i = 0;
  if (2 * first.key.size() == depth) {
    value = first.value;
    i = 1;
  }
  while (i < es.size()) {
    const std::uint8_t nib = nibble_at(es[i].key, depth);
    std::size_t j = i + 1;
    while (j < es.size() && nibble_at(es[j].key, depth) == nib) ++j;
    children[nib] = NodeRef::of_encoded(encode_subtrie(es.subspan(i, j - i), depth + 1));
    i = j;
  }
  return encode_branch(children, value);
}

}  // namespace

core::Hash32 mpt_root(std::vector<std::pair<core::Bytes, core::Bytes>> entries) {
  // Stable sort keeps duplicates in input order, so the last of each run of equal keys is the one that wins.
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return key_less(a.first, b.first); });
  std::vector<Entry> es;
  es.reserve(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i + 1 < entries.size() && entries[i + 1].first == entries[i].first) continue;
    if (entries[i].second.empty()) continue;
    es.push_back(Entry{entries[i].first, entries[i].second});
  }
  if (es.empty()) return kEmptyTrieRoot;
  return root_hash_of(encode_subtrie(es, 0));
}

core::Hash32 secure_mpt_root(std::vector<std::pair<core::Bytes, core::Bytes>> entries) {
  for (auto& [key, value] : entries) {
    const core::Hash32 h = core::keccak256(key);
    key.assign(h.begin(), h.end());
  }
  return mpt_root(std::move(entries));
}

core::Hash32 ordered_trie_root(const std::vector<core::Bytes>& items) {
  std::vector<std::pair<core::Bytes, core::Bytes>> entries;
  entries.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) entries.emplace_back(core::rlp_encode_uint(i), items[i]);
  return mpt_root(std::move(entries));
}

}  // namespace igra::state
