#pragma once
// An append-only file of simnet blocks: the embedded Kaspa history of `igrad dev`, which otherwise lives in
// memory only. Replaying the file into a fresh simnet (SimnetNode::attach_journal) rebuilds the same DAG, so a
// dev chain can be stopped and resumed.
//
// File layout: the 8-byte magic "IGRASJ01", then one record per block in the order the simnet added them
// (parents before children): u32le n, n bytes of the block as a protowire RpcBlock (kaspa/rpc/convert.hpp,
// the form kaspad's RPC uses), the first 4 bytes of keccak256 of those bytes. Appends are flushed to the
// kernel per block (a killed process loses nothing); a torn or corrupt tail, as a power loss may leave it, is
// cut off on open.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "simnet/block.hpp"

namespace igra::simnet {

class BlockJournal {
 public:
  static constexpr std::size_t kMaxRecord = 64u << 20;

  // Opens or creates the file. The complete records are returned in *blocks (in file order); a torn tail is
  // truncated away and *dropped_tail_bytes says how much was cut.
  static core::Result<std::unique_ptr<BlockJournal>> open(const std::string& path, std::vector<Block>* blocks,
                                                          std::size_t* dropped_tail_bytes = nullptr);
  ~BlockJournal();
  BlockJournal(const BlockJournal&) = delete;
  BlockJournal& operator=(const BlockJournal&) = delete;

  core::Result<void> append(const Block& block);
  // fdatasync: the records appended so far survive a power loss.
  core::Result<void> sync();
  const std::string& path() const noexcept { return path_; }

 private:
  BlockJournal(std::string path, std::FILE* f) : path_(std::move(path)), file_(f) {}
  std::string path_;
  std::FILE* file_ = nullptr;
};

}  // namespace igra::simnet
