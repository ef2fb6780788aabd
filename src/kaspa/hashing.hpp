#pragma once
// Kaspa's consensus serialization primitives (rusty-kaspa consensus/core/src/hashing/mod.rs, HasherExtensions)
// and the domain-separated hashers (crypto/hashes/src/hashers.rs).
//
// A "sink" is anything with `void update(core::ByteView)`: core::Blake2b, core::Blake3, crypto::Sha256, and the
// BytesSink / CountingSink adapters below. Writers stream straight into the sink; nothing is buffered here.
#include <cstdint>
#include <span>
#include <string_view>

#include "core/blake2b.hpp"
#include "core/blake3.hpp"
#include "core/bytes.hpp"
#include "crypto/sha256.hpp"

namespace igra::kaspa {

// --- Domains ------------------------------------------------------------------------------------------
// BLAKE2b-256 keyed with the ASCII domain as the key.
inline constexpr std::string_view kDomainTransactionHash = "TransactionHash";
inline constexpr std::string_view kDomainTransactionId = "TransactionID";
inline constexpr std::string_view kDomainTransactionSigningHash = "TransactionSigningHash";
inline constexpr std::string_view kDomainBlockHash = "BlockHash";
inline constexpr std::string_view kDomainMerkleBranchHash = "MerkleBranchHash";
inline constexpr std::string_view kDomainMuHashElement = "MuHashElement";
inline constexpr std::string_view kDomainMuHashFinalize = "MuHashFinalize";
inline constexpr std::string_view kDomainPersonalMessageSigningHash = "PersonalMessageSigningHash";
inline constexpr std::string_view kDomainCovenantId = "CovenantID";
// SHA-256 pre-fed with SHA256(domain).
inline constexpr std::string_view kDomainTransactionSigningHashEcdsa = "TransactionSigningHashECDSA";
// BLAKE3 keyed_hash with the ASCII domain right-padded with zeros to 32 bytes (Toccata).
inline constexpr std::string_view kDomainPayloadDigest = "PayloadDigest";
inline constexpr std::string_view kDomainTransactionRest = "TransactionRest";
inline constexpr std::string_view kDomainTransactionV1Id = "TransactionV1Id";
inline constexpr std::string_view kDomainSeqCommitMerkleBranch = "SeqCommitmentMerkleBranchHash";
inline constexpr std::string_view kDomainSeqCommitLaneKey = "SeqCommitLaneKey";
inline constexpr std::string_view kDomainSeqCommitLaneTip = "SeqCommitLaneTip";
inline constexpr std::string_view kDomainSeqCommitActivityLeaf = "SeqCommitActivityLeaf";
inline constexpr std::string_view kDomainSeqCommitMergesetContext = "SeqCommitMergesetContext";
inline constexpr std::string_view kDomainSeqCommitMinerPayloadLeaf = "SeqCommitMinerPayloadLeaf";
inline constexpr std::string_view kDomainSeqCommitActivityRoot = "SeqCommitActivityRoot";
inline constexpr std::string_view kDomainSeqCommitActiveLeaf = "SeqCommitActiveLeaf";
inline constexpr std::string_view kDomainSeqCommitActiveNode = "SeqCommitActiveNode";
inline constexpr std::string_view kDomainSeqCommitActiveCollapsedNode = "SeqCommitActiveCollapsedNode";

// A fresh BLAKE2b-256 hasher keyed with `domain` (e.g. kDomainTransactionHash).
inline core::Blake2b blake2b_domain_hasher(std::string_view domain) noexcept {
  return core::Blake2b(32, core::as_bytes(domain));
}
// A fresh BLAKE3 keyed hasher for a Toccata domain (e.g. kDomainPayloadDigest).
inline core::Blake3 blake3_domain_hasher(std::string_view domain) noexcept {
  return core::Blake3::keyed_domain(domain);
}
// A SHA-256 hasher already fed SHA256("TransactionSigningHashECDSA"); feed the data and finalize.
crypto::Sha256 ecdsa_signing_hasher() noexcept;

// --- Sinks -------------------------------------------------------------------------------------------
// Appends everything to a byte vector (used for preimages).
struct BytesSink {
  core::Bytes& out;
  void update(core::ByteView v) { core::append(out, v); }
};
// Only counts bytes.
struct CountingSink {
  std::uint64_t count = 0;
  void update(core::ByteView v) noexcept { count += v.size(); }
};

// --- HasherExtensions --------------------------------------------------------------------------------
// Chaining writer over a sink: HashWriter(h).write_u16(v).write_var_bytes(b) ...
template <typename Sink>
class HashWriter {
 public:
  explicit HashWriter(Sink& sink) noexcept : sink_(sink) {}

  HashWriter& update(core::ByteView v) {
    sink_.update(v);
    return *this;
  }
  template <std::size_t N>
  HashWriter& update(const core::FixedBytes<N>& v) {
    sink_.update(v.view());
    return *this;
  }
  HashWriter& write_u8(std::uint8_t v) {
    sink_.update(core::ByteView(&v, 1));
    return *this;
  }
  HashWriter& write_bool(bool v) { return write_u8(v ? 1 : 0); }
  HashWriter& write_u16(std::uint16_t v) { return write_le(v); }
  HashWriter& write_u32(std::uint32_t v) { return write_le(v); }
  HashWriter& write_u64(std::uint64_t v) { return write_le(v); }
  // Lengths are always u64 little-endian (no varints anywhere in consensus hashing).
  HashWriter& write_len(std::uint64_t n) { return write_le(n); }
  HashWriter& write_var_bytes(core::ByteView b) {
    write_len(b.size());
    sink_.update(b);
    return *this;
  }
  HashWriter& write_var_array(std::span<const core::Hash32> hashes) {
    write_len(hashes.size());
    for (const auto& h : hashes) sink_.update(h.view());
    return *this;
  }
  // Big-endian bytes with leading zeros stripped, written as var-bytes (0 -> just the 8-byte zero length).
  HashWriter& write_blue_work(core::ByteView big_endian) {
    std::size_t start = 0;
    while (start < big_endian.size() && big_endian[start] == 0) ++start;
    return write_var_bytes(big_endian.subspan(start));
  }

 private:
  template <typename T>
  HashWriter& write_le(T v) {
    std::uint8_t b[sizeof(T)];
    for (std::size_t i = 0; i < sizeof(T); ++i) b[i] = static_cast<std::uint8_t>(v >> (8 * i));
    sink_.update(core::ByteView(b, sizeof(T)));
    return *this;
  }
  Sink& sink_;
};

template <typename Sink>
HashWriter(Sink&) -> HashWriter<Sink>;

}  // namespace igra::kaspa
