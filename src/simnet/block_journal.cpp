#include "simnet/block_journal.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "core/keccak.hpp"
#include "kaspa/header.hpp"
#include "kaspa/rpc/convert.hpp"
#include "kaspa/rpc/proto/messages.pb.h"

namespace igra::simnet {

namespace {

constexpr std::string_view kMagic = "IGRASJ01";

core::Error io_error(const std::string& what, const std::string& path) {
  return core::Error{core::ErrorCode::kIo, "simnet journal " + path + ": " + what + ": " + std::strerror(errno)};
}

void put_u32le(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
std::uint32_t get_u32le(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 | static_cast<std::uint32_t>(p[2]) << 16 |
         static_cast<std::uint32_t>(p[3]) << 24;
}

}  // namespace

core::Result<std::unique_ptr<BlockJournal>> BlockJournal::open(const std::string& path, std::vector<Block>* blocks,
                                                               std::size_t* dropped_tail_bytes) {
  if (dropped_tail_bytes) *dropped_tail_bytes = 0;
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::FILE* f = std::fopen(path.c_str(), "a+b");
  if (!f) return io_error("open", path);
  std::unique_ptr<BlockJournal> j(new BlockJournal(path, f));
  if (std::fseek(f, 0, SEEK_END) != 0) return io_error("seek", path);
  const long size = std::ftell(f);
  if (size < 0) return io_error("tell", path);
  if (size == 0) {
    if (std::fwrite(kMagic.data(), 1, kMagic.size(), f) != kMagic.size() || std::fflush(f) != 0)
      return io_error("write", path);
    return j;
  }
  std::rewind(f);
  char magic[8];
  if (std::fread(magic, 1, sizeof magic, f) != sizeof magic || std::string_view(magic, 8) != kMagic)
    return core::make_error(core::ErrorCode::kInvalidArgument, "simnet journal " + path + ": not a block journal");
  long good = static_cast<long>(kMagic.size());
  std::vector<std::uint8_t> buf;
  for (;;) {
    std::uint8_t len_bytes[4];
    if (std::fread(len_bytes, 1, 4, f) != 4) break;
    const std::uint32_t n = get_u32le(len_bytes);
    if (n == 0 || n > kMaxRecord) break;
    buf.resize(static_cast<std::size_t>(n) + 4);
    if (std::fread(buf.data(), 1, buf.size(), f) != buf.size()) break;
    const core::Hash32 check = core::keccak256(core::ByteView(buf.data(), n));
    if (std::memcmp(check.data(), buf.data() + n, 4) != 0) break;
    protowire::RpcBlock pb;
    if (!pb.ParseFromArray(buf.data(), static_cast<int>(n))) break;
    auto rb = kaspa::rpc::block_from_proto(pb);
    if (!rb) break;
    if (blocks) {
      Block b;
      b.header = rb->header;
      for (auto& tx : rb->transactions) b.transactions.push_back(std::move(tx.transaction));
      blocks->push_back(std::move(b));
    }
    good += static_cast<long>(4 + buf.size());
  }
  if (good < size) {
    if (::ftruncate(::fileno(f), good) != 0) return io_error("truncate", path);
    if (dropped_tail_bytes) *dropped_tail_bytes = static_cast<std::size_t>(size - good);
  }
  if (std::fseek(f, 0, SEEK_END) != 0) return io_error("seek", path);
  return j;
}

BlockJournal::~BlockJournal() {
  if (!file_) return;
  (void)sync();
  std::fclose(file_);
}

core::Result<void> BlockJournal::append(const Block& block) {
  kaspa::rpc::Block rb;
  rb.header = block.header;
  rb.hash = kaspa::header_hash(block.header);
  for (const auto& tx : block.transactions) rb.transactions.push_back({tx, std::nullopt});
  protowire::RpcBlock pb;
  kaspa::rpc::to_proto(rb, &pb);
  std::string payload;
  if (!pb.SerializeToString(&payload)) return core::make_error("simnet journal: cannot serialize a block");
  if (payload.empty() || payload.size() > kMaxRecord)
    return core::make_error("simnet journal: block of " + std::to_string(payload.size()) + " bytes");
  std::string rec;
  rec.reserve(payload.size() + 8);
  put_u32le(rec, static_cast<std::uint32_t>(payload.size()));
  rec += payload;
  const core::Hash32 check = core::keccak256(core::as_bytes(payload));
  rec.append(reinterpret_cast<const char*>(check.data()), 4);
  if (std::fwrite(rec.data(), 1, rec.size(), file_) != rec.size() || std::fflush(file_) != 0)
    return io_error("append", path_);
  return {};
}

core::Result<void> BlockJournal::sync() {
  if (std::fflush(file_) != 0 || ::fdatasync(::fileno(file_)) != 0) return io_error("sync", path_);
  return {};
}

}  // namespace igra::simnet
