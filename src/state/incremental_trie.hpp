#pragma once
// A Merkle-Patricia trie that is updated in place: it loads only the nodes on the paths of the keys that
// change (one point read per node, by path, from a NodeStore), edits them in memory, and rehashes only
// the edited nodes. Untouched subtries are represented by their stored reference and never read.
//
// Every node of the trie has a row in the store keyed by its nibble path (tables.hpp "path"), also nodes
// that their parent inlines. Because the node set of a Merkle-Patricia trie is a function of its key/value
// set alone, applying the same key/value changes in any order (or reverting them) yields exactly the same
// rows and root as a from-scratch build; unwinding a block is therefore "apply the old values".
//
// Node byte layout comes from mpt_node.hpp, shared with the one-shot builder in mpt.cpp.
#include <array>
#include <functional>
#include <memory>
#include <thread>
#include <optional>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "state/mpt_node.hpp"

namespace igra::state {

// Read access to the rows of one trie.
class NodeStore {
 public:
  virtual ~NodeStore() = default;
  // The node RLP stored under `path` (tables::path_key without any table prefix), or nullopt.
  virtual core::Result<std::optional<core::Bytes>> load(core::ByteView path) = 0;
  // True when the rows were written by the same writer, in the same transactions as the rows that refer to
  // them (the node's own database): a loaded node is then not re-hashed to check it against its parent's
  // reference. Stores of other origin keep the check (a keccak per loaded node).
  virtual bool trusted() const noexcept { return false; }
};

// The row changes that bring a store from the state it was loaded from to the edited trie.
struct TrieWrites {
  bool wipe = false;                                        // delete every row of this trie first
  std::vector<core::Bytes> deletes;                         // path keys (after the wipe)
  std::vector<std::pair<core::Bytes, core::Bytes>> puts;    // path key -> node RLP (after the deletes)
  bool empty() const noexcept { return !wipe && deletes.empty() && puts.empty(); }
};

class IncrementalTrie {
 public:
  // `store` may be null: an initially empty trie kept in memory only.
  explicit IncrementalTrie(NodeStore* store) noexcept;
  ~IncrementalTrie();
  IncrementalTrie(IncrementalTrie&&) noexcept;
  IncrementalTrie& operator=(IncrementalTrie&&) noexcept;

  // Sets key to value; an empty value removes the key. Keys are raw (callers hash for secure tries).
  core::Result<void> put(core::ByteView key, core::ByteView value);
  core::Result<void> erase(core::ByteView key) { return put(key, {}); }

  // Starts `work` on another thread, set up so that the trie's store can be read there (StateDb gives the
  // thread its own read transaction), and returns the thread to join.
  using Spawn = std::function<std::thread(std::function<void()> work)>;
  // The same as put() for each (key, value) in order, with the same result. When the root is a branch and
  // there are at least kParallelPutKeys updates, the keys are grouped by their first nibble and the groups
  // are applied on two threads (the calling one and one from `spawn`): the subtries below the root's
  // children share no node. Keys must be non-empty; a key given twice keeps its last value.
  static constexpr std::size_t kParallelPutKeys = 256;
  core::Result<void> put_batch(const std::vector<std::pair<core::Hash32, core::Bytes>>& updates, const Spawn& spawn);
  // Empties the trie without reading it (storage wipe). The store's rows go away via TrieWrites::wipe.
  void clear();

  // Root hash of the current contents (rehashes the edited nodes).
  core::Result<core::Hash32> root_hash();
  // The rows to write so that the store holds the current contents; afterwards the trie is clean (the
  // written rows count as stored), so it can keep being edited.
  core::Result<TrieWrites> take_writes();

  // Merkle proof of `key`: the RLP of every node from the root along the key's path that is referenced by
  // hash (the root always; inlined nodes are inside their parent), as eth_getProof returns them. Works for
  // absent keys too (the nodes that show the absence).
  core::Result<std::vector<core::Bytes>> prove(core::ByteView key);

  struct Node;

 private:
  core::Result<void> ensure_root();
  core::Result<void> resolve(std::unique_ptr<Node>& slot, const std::uint8_t* path, std::size_t len);
  void touch(Node& n, const std::uint8_t* path, std::size_t len);
  core::Result<void> insert(std::unique_ptr<Node>& slot, const std::vector<std::uint8_t>& key, std::size_t depth,
                            core::ByteView value);
  core::Result<bool> remove(std::unique_ptr<Node>& slot, const std::vector<std::uint8_t>& key, std::size_t depth);
  core::Result<void> normalize_branch(std::unique_ptr<Node>& slot, std::vector<std::uint8_t> path);
  static NodeRef hash_node(Node& n);
  void hash_in_parallel();
  void collect(Node& n, std::vector<std::uint8_t>& path, TrieWrites& out);

  NodeStore* store_ = nullptr;
  std::unique_ptr<Node> root_;
  bool root_loaded_ = false;
  bool wiped_ = false;
  std::vector<core::Bytes> deleted_;
  // Root hashes after at least this many edits hash the top branch's dirty subtrees on two threads.
  static constexpr std::size_t kParallelHashEdits = 512;
  std::size_t edits_since_hash_ = 0;
};

// Decodes a stored node (for proof verification and tools). Children are returned as their references.
struct DecodedNode {
  enum class Kind { kLeaf, kExtension, kBranch } kind = Kind::kLeaf;
  std::vector<std::uint8_t> path;        // leaf / extension
  core::Bytes value;                     // leaf / branch value
  std::array<NodeRef, 16> children{};    // branch; extension uses children[0]
};
core::Result<DecodedNode> decode_node(core::ByteView rlp);

// Verifies a proof produced by prove() against `root`: returns the value under `key` (empty = absent) or
// an error when the proof is inconsistent with the root.
core::Result<core::Bytes> verify_proof(const core::Hash32& root, core::ByteView key,
                                       const std::vector<core::Bytes>& proof);

}  // namespace igra::state
