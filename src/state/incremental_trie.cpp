#include "state/incremental_trie.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <thread>

#include "core/keccak.hpp"
#include "core/rlp.hpp"
#include "state/mpt.hpp"
#include "state/tables.hpp"

namespace igra::state {

using core::Bytes;
using core::ByteView;
using Nibbles = std::vector<std::uint8_t>;

struct IncrementalTrie::Node {
  enum class Kind : std::uint8_t { kStub, kLeaf, kExtension, kBranch };
  Kind kind = Kind::kStub;
  bool dirty = false;       // differs from its stored row (or has none yet)
  bool from_store = false;  // has a row at the path where it was loaded
  bool hashed = false;      // ref and rlp are current
  Nibbles path;             // leaf remainder / extension path
  Bytes value;              // leaf value / branch value
  std::array<std::unique_ptr<Node>, 16> children;  // branch; extension uses children[0]
  // A branch loaded from the store keeps the references of its children here instead of allocating a
  // stub node for each (a bottom branch has ~15 children, an update descends into one). For each slot
  // at most one of children[i] and (*refs)[i] is set; child() turns a reference into a stub on demand.
  std::unique_ptr<std::array<NodeRef, 16>> refs;
  NodeRef ref;              // valid when hashed (always for stubs)
  Bytes rlp;                // valid when hashed and not a stub (a non-root node gives it to its row in take_writes)
};

namespace {

using Node = IncrementalTrie::Node;

Nibbles to_nibbles(ByteView key) {
  Nibbles n(2 * key.size());
  for (std::size_t i = 0; i < key.size(); ++i) {
    n[2 * i] = key[i] >> 4;
    n[2 * i + 1] = key[i] & 0x0f;
  }
  return n;
}

// Packs nibbles into bytes so that mpt_node.hpp's NibbleView can address them (an odd count starts at
// nibble 1 of a zero-padded first byte).
struct PackedNibbles {
  Bytes bytes;
  NibbleView view;
};
PackedNibbles pack(const std::uint8_t* nibbles, std::size_t count) {
  PackedNibbles p;
  const std::size_t odd = count & 1;
  p.bytes.assign((count + odd) / 2, 0);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t k = i + odd;
    if (k & 1)
      p.bytes[k / 2] |= nibbles[i];
    else
      p.bytes[k / 2] |= static_cast<std::uint8_t>(nibbles[i] << 4);
  }
  p.view = NibbleView{core::ByteView(p.bytes), odd, odd + count};
  return p;
}

std::unique_ptr<Node> make_leaf(const std::uint8_t* rest, std::size_t count, ByteView value) {
  auto n = std::make_unique<Node>();
  n->kind = Node::Kind::kLeaf;
  n->dirty = true;
  n->path.assign(rest, rest + count);
  n->value.assign(value.begin(), value.end());
  return n;
}

std::unique_ptr<Node> make_extension(Nibbles path, std::unique_ptr<Node> child) {
  auto n = std::make_unique<Node>();
  n->kind = Node::Kind::kExtension;
  n->dirty = true;
  n->path = std::move(path);
  n->children[0] = std::move(child);
  return n;
}

// The last step of inserting `value` at a leaf or extension that diverges from the key after `common`
// nibbles: the new branch (already holding the old node) gets the value, and is wrapped in an extension for
// the shared prefix.
std::unique_ptr<Node> finish_split(std::unique_ptr<Node> branch, const std::uint8_t* rest, std::size_t rest_len,
                                   std::size_t common, ByteView value) {
  if (common == rest_len)
    branch->value.assign(value.begin(), value.end());
  else
    branch->children[rest[common]] = make_leaf(rest + common + 1, rest_len - common - 1, value);
  if (common > 0) return make_extension(Nibbles(rest, rest + common), std::move(branch));
  return branch;
}

std::size_t common_prefix(const Nibbles& a, const std::uint8_t* b, std::size_t b_len) {
  const std::size_t n = std::min(a.size(), b_len);
  std::size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

std::unique_ptr<Node> stub_of(const NodeRef& ref) {
  auto n = std::make_unique<Node>();
  n->kind = Node::Kind::kStub;
  n->ref = ref;
  n->hashed = true;
  return n;
}

// The child slot i of a branch, turning a stored reference into a stub node first.
std::unique_ptr<Node>& child(Node& n, int i) {
  if (!n.children[i] && n.refs && !(*n.refs)[i].is_empty()) {
    n.children[i] = stub_of((*n.refs)[i]);
    (*n.refs)[i] = NodeRef();
  }
  return n.children[i];
}

core::Result<NodeRef> ref_of_item(const core::RlpItem& item) {
  if (!item.is_list) {
    if (item.payload.empty()) return NodeRef();
    if (item.payload.size() != 32) return core::make_error("trie node: child reference of bad length");
    return NodeRef::of_hash(core::Hash32::from_view(item.payload));
  }
  if (item.raw.size() > NodeRef::kMaxInline) return core::make_error("trie node: inline child of 32 bytes or more");
  return NodeRef::of_encoded(item.raw);
}

// Byte-wise order (a proper prefix first), written out because GCC 12 warns spuriously
// (-Wstringop-overread) on std::vector's operator< inlined into std::sort.
bool bytes_less(const Bytes& a, const Bytes& b) noexcept {
  const std::size_t n = std::min(a.size(), b.size());
  const int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  return c < 0 || (c == 0 && a.size() < b.size());
}

// Where touch() records the stale rows of the thread it runs on while put_batch runs on two threads
// (nullptr: the trie's own list).
thread_local std::vector<Bytes>* tl_deleted = nullptr;

std::string path_hex(const std::vector<std::uint8_t>& path) {
  static const char* kDigits = "0123456789abcdef";
  std::string s;
  for (auto n : path) s.push_back(kDigits[n & 15]);
  return s.empty() ? "<root>" : s;
}

}  // namespace

core::Result<DecodedNode> decode_node(ByteView rlp) {
  IGRA_TRY(auto reader, core::RlpReader::of_encoded_list(rlp));
  std::array<core::RlpItem, 17> items;  // a node has 2 or 17; no allocation per decoded node
  std::size_t count = 0;
  while (!reader.empty()) {
    if (count == items.size()) return core::make_error("trie node: list of more than 17 items");
    IGRA_TRY(items[count], reader.next());
    ++count;
  }
  DecodedNode d;
  if (count == 2) {
    if (items[0].is_list) return core::make_error("trie node: path is a list");
    IGRA_TRY(auto hp, hex_prefix_decode(items[0].payload));
    d.path = std::move(hp.nibbles);
    if (hp.is_leaf) {
      if (items[1].is_list) return core::make_error("trie node: leaf value is a list");
      d.kind = DecodedNode::Kind::kLeaf;
      d.value.assign(items[1].payload.begin(), items[1].payload.end());
    } else {
      if (d.path.empty()) return core::make_error("trie node: empty extension path");
      d.kind = DecodedNode::Kind::kExtension;
      IGRA_TRY(d.children[0], ref_of_item(items[1]));
      if (d.children[0].is_empty()) return core::make_error("trie node: extension without child");
    }
    return d;
  }
  if (count == 17) {
    d.kind = DecodedNode::Kind::kBranch;
    for (int i = 0; i < 16; ++i) {
      IGRA_TRY(d.children[i], ref_of_item(items[i]));
    }
    if (items[16].is_list) return core::make_error("trie node: branch value is a list");
    d.value.assign(items[16].payload.begin(), items[16].payload.end());
    return d;
  }
  return core::make_error("trie node: list of " + std::to_string(count) + " items");
}

IncrementalTrie::IncrementalTrie(NodeStore* store) noexcept : store_(store), root_loaded_(store == nullptr) {}
IncrementalTrie::~IncrementalTrie() = default;
IncrementalTrie::IncrementalTrie(IncrementalTrie&&) noexcept = default;
IncrementalTrie& IncrementalTrie::operator=(IncrementalTrie&&) noexcept = default;

core::Result<void> IncrementalTrie::ensure_root() {
  if (root_loaded_) return {};
  root_loaded_ = true;
  IGRA_TRY(auto row, store_->load(tables::path_key(nullptr, 0)));
  if (!row) return {};  // no row at the root path: the empty trie
  IGRA_TRY(auto d, decode_node(*row));
  root_ = std::make_unique<Node>();
  root_->kind = Node::Kind::kStub;
  root_->ref = NodeRef::of_encoded(*row);
  root_->hashed = true;
  return resolve(root_, nullptr, 0);
}

core::Result<void> IncrementalTrie::resolve(std::unique_ptr<Node>& slot, const std::uint8_t* path, std::size_t len) {
  Node& n = *slot;
  if (n.kind != Node::Kind::kStub) return {};
  if (store_ == nullptr) return core::make_error(core::ErrorCode::kInternal, "trie: stub without a store");
  IGRA_TRY(auto row, store_->load(tables::path_key(path, len)));
  if (!row)
    return core::make_error(core::ErrorCode::kNotFound, "trie: missing node at path " + path_hex(Nibbles(path, path + len)));
  // The row must be the node the parent refers to: catches a store that is out of step with its parent.
  if (!store_->trusted() && !(NodeRef::of_encoded(*row) == n.ref))
    return core::make_error(core::ErrorCode::kInternal, "trie: node at path " + path_hex(Nibbles(path, path + len)) +
                                                            " does not match its parent's reference");
  IGRA_TRY(auto d, decode_node(*row));
  switch (d.kind) {
    case DecodedNode::Kind::kLeaf: n.kind = Node::Kind::kLeaf; break;
    case DecodedNode::Kind::kExtension: n.kind = Node::Kind::kExtension; break;
    case DecodedNode::Kind::kBranch: n.kind = Node::Kind::kBranch; break;
  }
  n.path = std::move(d.path);
  n.value = std::move(d.value);
  if (n.kind == Node::Kind::kExtension) {
    n.children[0] = stub_of(d.children[0]);
  } else if (n.kind == Node::Kind::kBranch) {
    n.refs = std::make_unique<std::array<NodeRef, 16>>(d.children);
  }
  n.rlp = std::move(*row);
  n.from_store = true;
  n.dirty = false;
  n.hashed = true;
  return {};
}

void IncrementalTrie::touch(Node& n, const std::uint8_t* path, std::size_t len) {
  n.hashed = false;
  if (n.dirty) return;
  n.dirty = true;
  // The row at the node's current path is now stale (the node changes or moves); a node that ends up at
  // the same path is written again after the deletes.
  if (n.from_store) (tl_deleted != nullptr ? *tl_deleted : deleted_).push_back(tables::path_key(path, len));
  n.from_store = false;
}

core::Result<void> IncrementalTrie::put(ByteView key, ByteView value) {
  IGRA_TRY_VOID(ensure_root());
  ++edits_since_hash_;
  const Nibbles k = to_nibbles(key);
  if (value.empty()) {
    IGRA_TRY(bool changed, remove(root_, k, 0));
    (void)changed;
    return {};
  }
  return insert(root_, k, 0, value);
}

core::Result<void> IncrementalTrie::put_batch(const std::vector<std::pair<core::Hash32, Bytes>>& updates,
                                              const Spawn& spawn) {
  IGRA_TRY_VOID(ensure_root());
  if (updates.size() < kParallelPutKeys || !spawn || !root_ || root_->kind != Node::Kind::kBranch) {
    for (const auto& [k, v] : updates) IGRA_TRY_VOID(put(k.view(), v));
    return {};
  }
  edits_since_hash_ += updates.size();
  // The root branch changes whatever happens below it (as put() does, it is touched first).
  touch(*root_, nullptr, 0);
  std::array<std::vector<std::size_t>, 16> groups;  // update indices by first nibble, in order
  for (std::size_t i = 0; i < updates.size(); ++i) groups[updates[i].first[0] >> 4].push_back(i);
  // Two shares of about equal size: the biggest groups first, each to the lighter share.
  std::array<int, 16> order;
  for (int i = 0; i < 16; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](int a, int b) { return groups[a].size() > groups[b].size(); });
  std::vector<int> mine, theirs;
  std::size_t mine_n = 0, theirs_n = 0;
  for (int nib : order) {
    if (groups[nib].empty()) continue;
    child(*root_, nib);  // a stored reference becomes a stub now, not concurrently
    if (mine_n <= theirs_n) {
      mine.push_back(nib);
      mine_n += groups[nib].size();
    } else {
      theirs.push_back(nib);
      theirs_n += groups[nib].size();
    }
  }
  bool removed_any = false;
  auto apply = [&](const std::vector<int>& nibbles, bool& removed) -> core::Result<void> {
    for (int nib : nibbles) {
      std::unique_ptr<Node>& slot = root_->children[nib];
      for (std::size_t i : groups[nib]) {
        const Nibbles k = to_nibbles(updates[i].first.view());
        if (updates[i].second.empty()) {
          IGRA_TRY(bool changed, remove(slot, k, 1));
          removed = removed || changed;
        } else {
          IGRA_TRY_VOID(insert(slot, k, 1, updates[i].second));
        }
      }
    }
    return {};
  };
  core::Result<void> helper_result;
  std::vector<Bytes> helper_deleted;
  bool helper_removed = false;
  std::thread helper = theirs.empty() ? std::thread() : spawn([&] {
    tl_deleted = &helper_deleted;
    helper_result = apply(theirs, helper_removed);
    tl_deleted = nullptr;
  });
  auto own = apply(mine, removed_any);
  if (helper.joinable()) helper.join();
  for (auto& d : helper_deleted) deleted_.push_back(std::move(d));
  IGRA_TRY_VOID(own);
  IGRA_TRY_VOID(helper_result);
  // A subtrie that emptied may leave the root with one entry: normalized once here as put() does per key.
  if (removed_any || helper_removed) {
    bool any = !root_->value.empty();
    for (int i = 0; i < 16 && !any; ++i) any = root_->children[i] || (root_->refs && !(*root_->refs)[i].is_empty());
    if (!any) {
      root_.reset();  // every key went: the empty trie (the root's row is already marked stale)
    } else {
      IGRA_TRY_VOID(normalize_branch(root_, {}));
    }
  }
  return {};
}

void IncrementalTrie::clear() {
  root_loaded_ = true;
  root_.reset();
  wiped_ = store_ != nullptr;
  deleted_.clear();
}

core::Result<void> IncrementalTrie::insert(std::unique_ptr<Node>& slot, const Nibbles& key, std::size_t depth,
                                           ByteView value) {
  const std::uint8_t* rest = key.data() + depth;
  const std::size_t rest_len = key.size() - depth;
  if (!slot) {
    slot = make_leaf(rest, rest_len, value);
    return {};
  }
  if (slot->kind == Node::Kind::kStub) IGRA_TRY_VOID(resolve(slot, key.data(), depth));
  Node& n = *slot;
  switch (n.kind) {
    case Node::Kind::kBranch: {
      touch(n, key.data(), depth);
      if (rest_len == 0) {
        n.value.assign(value.begin(), value.end());
        return {};
      }
      return insert(child(n, rest[0]), key, depth + 1, value);
    }
    case Node::Kind::kLeaf: {
      const std::size_t common = common_prefix(n.path, rest, rest_len);
      if (common == n.path.size() && common == rest_len) {
        if (n.value.size() == value.size() && std::equal(value.begin(), value.end(), n.value.begin())) return {};
        touch(n, key.data(), depth);
        n.value.assign(value.begin(), value.end());
        return {};
      }
      touch(n, key.data(), depth);
      auto branch = std::make_unique<Node>();
      branch->kind = Node::Kind::kBranch;
      branch->dirty = true;
      std::unique_ptr<Node> old = std::move(slot);
      if (common == old->path.size()) {
        branch->value = std::move(old->value);
      } else {
        const std::uint8_t nib = old->path[common];
        old->path.erase(old->path.begin(), old->path.begin() + static_cast<std::ptrdiff_t>(common) + 1);
        branch->children[nib] = std::move(old);
      }
      slot = finish_split(std::move(branch), rest, rest_len, common, value);
      return {};
    }
    case Node::Kind::kExtension: {
      const std::size_t common = common_prefix(n.path, rest, rest_len);
      touch(n, key.data(), depth);
      if (common == n.path.size()) return insert(n.children[0], key, depth + common, value);
      auto branch = std::make_unique<Node>();
      branch->kind = Node::Kind::kBranch;
      branch->dirty = true;
      std::unique_ptr<Node> ext = std::move(slot);
      const std::uint8_t nib = ext->path[common];
      if (common + 1 < ext->path.size()) {
        // The lower part keeps pointing at the same child, from a new (shorter) extension.
        Nibbles lower(ext->path.begin() + static_cast<std::ptrdiff_t>(common) + 1, ext->path.end());
        branch->children[nib] = make_extension(std::move(lower), std::move(ext->children[0]));
      } else {
        branch->children[nib] = std::move(ext->children[0]);
      }
      slot = finish_split(std::move(branch), rest, rest_len, common, value);
      return {};
    }
    case Node::Kind::kStub: break;
  }
  return core::make_error(core::ErrorCode::kInternal, "trie: unresolved node");
}

core::Result<bool> IncrementalTrie::remove(std::unique_ptr<Node>& slot, const Nibbles& key, std::size_t depth) {
  if (!slot) return false;
  const std::uint8_t* rest = key.data() + depth;
  const std::size_t rest_len = key.size() - depth;
  if (slot->kind == Node::Kind::kStub) IGRA_TRY_VOID(resolve(slot, key.data(), depth));
  Node& n = *slot;
  switch (n.kind) {
    case Node::Kind::kLeaf: {
      if (n.path.size() != rest_len || !std::equal(n.path.begin(), n.path.end(), rest)) return false;
      touch(n, key.data(), depth);
      slot.reset();
      return true;
    }
    case Node::Kind::kExtension: {
      if (n.path.size() > rest_len || !std::equal(n.path.begin(), n.path.end(), rest)) return false;
      IGRA_TRY(bool changed, remove(n.children[0], key, depth + n.path.size()));
      if (!changed) return false;
      touch(n, key.data(), depth);
      Node& child = *n.children[0];  // a branch had two or more entries, so something remains
      if (child.kind == Node::Kind::kLeaf || child.kind == Node::Kind::kExtension) {
        // The branch below collapsed into a leaf or extension: merge it into this extension. The child is
        // already dirty (it was rebuilt by the collapse), so it holds no row to delete.
        Nibbles path = std::move(n.path);
        path.insert(path.end(), child.path.begin(), child.path.end());
        std::unique_ptr<Node> c = std::move(n.children[0]);
        c->path = std::move(path);
        c->hashed = false;
        slot = std::move(c);
      }
      return true;
    }
    case Node::Kind::kBranch: {
      if (rest_len == 0) {
        if (n.value.empty()) return false;
        touch(n, key.data(), depth);
        n.value.clear();
      } else {
        IGRA_TRY(bool changed, remove(child(n, rest[0]), key, depth + 1));
        if (!changed) return false;
        touch(n, key.data(), depth);
      }
      IGRA_TRY_VOID(normalize_branch(slot, Nibbles(key.begin(), key.begin() + depth)));
      return true;
    }
    case Node::Kind::kStub: break;
  }
  return core::make_error(core::ErrorCode::kInternal, "trie: unresolved node");
}

// A branch left with fewer than two entries is not canonical: turn it into a leaf or an extension.
core::Result<void> IncrementalTrie::normalize_branch(std::unique_ptr<Node>& slot, Nibbles path) {
  Node& n = *slot;
  int count = 0, only = -1;
  for (int i = 0; i < 16; ++i)
    if (n.children[i] || (n.refs && !(*n.refs)[i].is_empty())) {
      ++count;
      only = i;
    }
  if (count + (n.value.empty() ? 0 : 1) >= 2) return {};
  if (count == 0) {
    // Only the value is left: a leaf with an empty remainder (variable-length keys only).
    auto leaf = make_leaf(nullptr, 0, n.value);
    slot = std::move(leaf);
    return {};
  }
  // One child and no value: the child absorbs the branch's nibble.
  path.push_back(static_cast<std::uint8_t>(only));
  IGRA_TRY_VOID(resolve(child(n, only), path.data(), path.size()));
  Node& child = *n.children[only];
  if (child.kind == Node::Kind::kBranch) {
    slot = make_extension(Nibbles{static_cast<std::uint8_t>(only)}, std::move(n.children[only]));
    return {};
  }
  // Leaf or extension: it moves up one nibble, so its row at the old path goes away.
  touch(child, path.data(), path.size());
  std::unique_ptr<Node> c = std::move(n.children[only]);
  c->path.insert(c->path.begin(), static_cast<std::uint8_t>(only));
  slot = std::move(c);
  return {};
}

NodeRef IncrementalTrie::hash_node(Node& n) {
  if (n.hashed) return n.ref;
  switch (n.kind) {
    case Node::Kind::kLeaf: {
      const auto p = pack(n.path.data(), n.path.size());
      n.rlp = encode_leaf(p.view, n.value);
      break;
    }
    case Node::Kind::kExtension: {
      const NodeRef child = hash_node(*n.children[0]);
      const auto p = pack(n.path.data(), n.path.size());
      n.rlp = encode_extension(p.view, child);
      break;
    }
    case Node::Kind::kBranch: {
      std::array<NodeRef, 16> refs;
      for (int i = 0; i < 16; ++i)
        if (n.children[i])
          refs[i] = hash_node(*n.children[i]);
        else if (n.refs)
          refs[i] = (*n.refs)[i];
      n.rlp = encode_branch(refs, n.value);
      break;
    }
    case Node::Kind::kStub: return n.ref;
  }
  n.ref = NodeRef::of_encoded(n.rlp);
  n.hashed = true;
  return n.ref;
}

core::Result<core::Hash32> IncrementalTrie::root_hash() {
  IGRA_TRY_VOID(ensure_root());
  if (!root_) return kEmptyTrieRoot;
  if (edits_since_hash_ >= kParallelHashEdits && !root_->hashed) hash_in_parallel();
  edits_since_hash_ = 0;
  hash_node(*root_);
  return root_hash_of(root_->rlp);
}

// Hashes the dirty subtrees below the top branch on two threads (they share no node), leaving the top
// levels to hash_node. The second thread takes every other dirty child, which balances the work for random
// (hashed) keys.
void IncrementalTrie::hash_in_parallel() {
  Node* top = root_.get();
  while (top->kind == Node::Kind::kExtension && top->children[0] && !top->children[0]->hashed) top = top->children[0].get();
  if (top->kind != Node::Kind::kBranch) return;
  std::vector<Node*> dirty;
  for (auto& c : top->children)
    if (c && !c->hashed) dirty.push_back(c.get());
  if (dirty.size() < 2) return;
  std::thread helper([&dirty] {
    for (std::size_t i = 1; i < dirty.size(); i += 2) hash_node(*dirty[i]);
  });
  for (std::size_t i = 0; i < dirty.size(); i += 2) hash_node(*dirty[i]);
  helper.join();
}

void IncrementalTrie::collect(Node& n, Nibbles& path, TrieWrites& out) {
  if (!n.dirty) return;  // clean nodes (and stubs) already have their rows; nothing below them changed
  // The row takes the node's RLP (the root keeps it for root_hash; prove() re-encodes a clean node that
  // gave its RLP away).
  if (path.empty())
    out.puts.emplace_back(tables::path_key(path.data(), path.size()), n.rlp);
  else
    out.puts.emplace_back(tables::path_key(path.data(), path.size()), std::move(n.rlp));
  n.dirty = false;
  n.from_store = true;
  const std::size_t base = path.size();
  if (n.kind == Node::Kind::kExtension) {
    path.insert(path.end(), n.path.begin(), n.path.end());
    collect(*n.children[0], path, out);
  } else if (n.kind == Node::Kind::kBranch) {
    for (int i = 0; i < 16; ++i) {
      if (!n.children[i]) continue;
      path.push_back(static_cast<std::uint8_t>(i));
      collect(*n.children[i], path, out);
      path.resize(base);
    }
  }
  path.resize(base);
}

core::Result<TrieWrites> IncrementalTrie::take_writes() {
  IGRA_TRY(auto root, root_hash());
  (void)root;
  TrieWrites w;
  w.wipe = wiped_;
  w.deletes = std::move(deleted_);
  deleted_.clear();
  wiped_ = false;
  if (root_) {
    Nibbles path;
    collect(*root_, path, w);
  }
  // Most stale rows are rewritten at the same path (an edited branch stays where it is): drop those
  // deletes, since a delete followed by a put of the same key costs LMDB a page rebalance for nothing.
  if (!w.deletes.empty() && !w.puts.empty()) {
    std::sort(w.deletes.begin(), w.deletes.end(), bytes_less);
    std::vector<bool> rewritten(w.deletes.size(), false);
    for (const auto& [k, v] : w.puts) {
      auto it = std::lower_bound(w.deletes.begin(), w.deletes.end(), k, bytes_less);
      if (it != w.deletes.end() && *it == k) rewritten[static_cast<std::size_t>(it - w.deletes.begin())] = true;
    }
    std::size_t out = 0;
    for (std::size_t i = 0; i < w.deletes.size(); ++i)
      if (!rewritten[i]) w.deletes[out++] = std::move(w.deletes[i]);
    w.deletes.resize(out);
  }
  // Sorted puts walk the B-tree in order (each page is found once, neighbours are in cache).
  std::sort(w.puts.begin(), w.puts.end(), [](const auto& a, const auto& b) { return bytes_less(a.first, b.first); });
  return w;
}

core::Result<std::vector<Bytes>> IncrementalTrie::prove(ByteView key) {
  IGRA_TRY(auto root, root_hash());
  (void)root;
  std::vector<Bytes> proof;
  if (!root_) {
    proof.push_back(encode_empty_node());
    return proof;
  }
  const Nibbles k = to_nibbles(key);
  std::unique_ptr<Node>* slot = &root_;
  std::size_t depth = 0;
  bool by_hash = true;  // the root is always listed
  while (*slot) {
    IGRA_TRY_VOID(resolve(*slot, k.data(), depth));
    Node& n = **slot;
    if (n.rlp.empty()) {  // written out by take_writes: encode it again from its children's references
      n.hashed = false;
      hash_node(n);
    }
    if (by_hash) proof.push_back(n.rlp);
    if (n.kind == Node::Kind::kLeaf) break;
    if (n.kind == Node::Kind::kExtension) {
      if (n.path.size() > k.size() - depth || !std::equal(n.path.begin(), n.path.end(), k.begin() + depth)) break;
      depth += n.path.size();
      slot = &n.children[0];
    } else {
      if (depth == k.size()) break;
      slot = &child(n, k[depth]);
      depth += 1;
    }
    if (*slot) by_hash = (*slot)->ref.is_hash();
  }
  return proof;
}

core::Result<Bytes> verify_proof(const core::Hash32& root, ByteView key, const std::vector<Bytes>& proof) {
  if (proof.empty()) return core::make_error(core::ErrorCode::kVerifyFailed, "proof: empty");
  const Nibbles k = to_nibbles(key);
  if (root == kEmptyTrieRoot) return Bytes{};
  // Index the proof's nodes by hash; inline nodes are decoded from their parent's RLP directly.
  std::size_t next = 0;
  auto take = [&](const core::Hash32& h) -> core::Result<Bytes> {
    for (std::size_t i = next; i < proof.size(); ++i)
      if (core::keccak256(proof[i]) == h) {
        next = i + 1;
        return proof[i];
      }
    return core::make_error(core::ErrorCode::kVerifyFailed, "proof: missing node");
  };
  IGRA_TRY(Bytes cur, take(root));
  std::size_t depth = 0;
  for (;;) {
    IGRA_TRY(auto d, decode_node(cur));
    NodeRef child;
    if (d.kind == DecodedNode::Kind::kLeaf) {
      const bool match = d.path.size() == k.size() - depth && std::equal(d.path.begin(), d.path.end(), k.begin() + depth);
      return match ? d.value : Bytes{};
    }
    if (d.kind == DecodedNode::Kind::kExtension) {
      if (d.path.size() > k.size() - depth || !std::equal(d.path.begin(), d.path.end(), k.begin() + depth))
        return Bytes{};
      depth += d.path.size();
      child = d.children[0];
    } else {
      if (depth == k.size()) return d.value;
      child = d.children[k[depth]];
      depth += 1;
    }
    if (child.is_empty()) return Bytes{};
    if (child.is_hash()) {
      IGRA_TRY(cur, take(child.hash()));
    } else {
      const auto e = child.encoding();
      cur.assign(e.begin(), e.end());
    }
  }
}

}  // namespace igra::state
