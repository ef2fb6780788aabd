#include "kaspa/tx_id.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace igra::kaspa {

core::Bytes transaction_preimage(const Transaction& tx, TxEncodingFlags flags) {
  core::Bytes out;
  out.reserve(transaction_preimage_size(tx, flags));
  BytesSink sink{out};
  write_transaction(sink, tx, flags);
  return out;
}

std::uint64_t transaction_preimage_size(const Transaction& tx, TxEncodingFlags flags) {
  CountingSink sink;
  write_transaction(sink, tx, flags);
  return sink.count;
}

core::Hash32 transaction_hash(const Transaction& tx) {
  auto h = blake2b_domain_hasher(kDomainTransactionHash);
  write_transaction(h, tx, kTxEncodeFull);
  return h.finalize32();
}

core::Hash32 transaction_hash_pre_crescendo(const Transaction& tx) {
  auto h = blake2b_domain_hasher(kDomainTransactionHash);
  write_transaction(h, tx, kTxExcludeMassCommit);
  return h.finalize32();
}

TransactionId transaction_id(const Transaction& tx) {
  return tx.version == kTxVersionClassic ? transaction_id_v0(tx) : transaction_id_v1(tx);
}

TransactionId transaction_id_v0(const Transaction& tx) {
  auto h = blake2b_domain_hasher(kDomainTransactionId);
  write_transaction(h, tx, kTxExcludeSignatureScript | kTxExcludeMassCommit);
  return h.finalize32();
}

core::Hash32 payload_digest(core::ByteView payload) {
  auto h = blake3_domain_hasher(kDomainPayloadDigest);
  h.update(payload);
  return h.finalize();
}

core::Hash32 v1_rest_digest(const Transaction& tx) {
  auto h = blake3_domain_hasher(kDomainTransactionRest);
  write_transaction(h, tx, kTxExcludePayload | kTxExcludeSignatureScript | kTxExcludeMassCommit);
  return h.finalize();
}

TransactionId v1_id_from_digests(const core::Hash32& payload_digest_value, const core::Hash32& rest_digest) {
  auto h = blake3_domain_hasher(kDomainTransactionV1Id);
  h.update(payload_digest_value.view());
  h.update(rest_digest.view());
  return h.finalize();
}

TransactionId transaction_id_v1(const Transaction& tx) {
  return v1_id_from_digests(payload_digest(tx.payload), v1_rest_digest(tx));
}

TransactionId transaction_id_legacy(const Transaction& tx) {
  const TxEncodingFlags flags =
      tx.is_coinbase() ? kTxEncodeFull : (kTxExcludeSignatureScript | kTxExcludeMassCommit);
  auto h = blake2b_domain_hasher(kDomainTransactionId);
  write_transaction(h, tx, flags | kTxLegacyV0Layout);
  return h.finalize32();
}

core::Hash32 transaction_hash_legacy(const Transaction& tx) {
  auto h = blake2b_domain_hasher(kDomainTransactionHash);
  write_transaction(h, tx, kTxEncodeFull | kTxLegacyV0Layout);
  return h.finalize32();
}

// --- IdMiner -------------------------------------------------------------------------------------------

namespace {
// Feeds everything but the last `skip_tail` bytes of the stream into `inner`.
template <typename Inner>
struct TruncatingSink {
  Inner& inner;
  std::uint64_t limit;  // bytes to pass through
  std::uint64_t seen = 0;
  void update(core::ByteView v) {
    if (seen >= limit) {
      seen += v.size();
      return;
    }
    const std::uint64_t room = limit - seen;
    const std::size_t take = v.size() < room ? v.size() : static_cast<std::size_t>(room);
    inner.update(v.first(take));
    seen += v.size();
  }
};
}  // namespace

core::Result<IdMiner> IdMiner::create(const Transaction& tx) {
  if (tx.version > kTxVersionToccata)
    return core::make_error(core::ErrorCode::kUnsupported,
                            "id miner: unsupported transaction version " + std::to_string(tx.version));
  if (tx.payload.size() < kNonceSize)
    return core::make_error("id miner: payload has " + std::to_string(tx.payload.size()) +
                            " bytes, needs at least 4 for the nonce");
  IdMiner m;
  m.version_ = tx.version;
  if (tx.version == kTxVersionClassic) {
    // The payload is the last field of the v0 id preimage, so the nonce is its last 4 bytes.
    const TxEncodingFlags flags = kTxExcludeSignatureScript | kTxExcludeMassCommit;
    const std::uint64_t total = transaction_preimage_size(tx, flags);
    m.v0_prefix_ = blake2b_domain_hasher(kDomainTransactionId);
    TruncatingSink<core::Blake2b> sink{m.v0_prefix_, total - kNonceSize};
    write_transaction(sink, tx, flags);
  } else {
    m.v1_rest_digest_ = v1_rest_digest(tx);
    m.v1_payload_prefix_ = blake3_domain_hasher(kDomainPayloadDigest);
    m.v1_payload_prefix_.update(core::ByteView(tx.payload.data(), tx.payload.size() - kNonceSize));
    m.v1_id_hasher_ = blake3_domain_hasher(kDomainTransactionV1Id);
  }
  return m;
}

TransactionId IdMiner::id_with_nonce(std::uint32_t nonce) const noexcept {
  const std::uint8_t nb[kNonceSize] = {static_cast<std::uint8_t>(nonce >> 24), static_cast<std::uint8_t>(nonce >> 16),
                                       static_cast<std::uint8_t>(nonce >> 8), static_cast<std::uint8_t>(nonce)};
  if (version_ == kTxVersionClassic) {
    core::Blake2b h = v0_prefix_;
    h.update(core::ByteView(nb, kNonceSize));
    return h.finalize32();
  }
  // finalize_with copies only the current chunk's state (not the whole 1.9 KB hasher) when the tail stays in it.
  const core::Hash32 pd = v1_payload_prefix_.finalize_with(core::ByteView(nb, kNonceSize));
  std::uint8_t digests[64];
  std::memcpy(digests, pd.data(), 32);
  std::memcpy(digests + 32, v1_rest_digest_.data(), 32);
  return v1_id_hasher_.finalize_with(core::ByteView(digests, 64));
}

std::optional<std::pair<std::uint32_t, TransactionId>> IdMiner::find_nonce(core::ByteView prefix, std::uint32_t start,
                                                                           std::uint64_t max_tries,
                                                                           core::Blake2bBackend backend) const noexcept {
  if (prefix.size() > 32) return std::nullopt;
  if (version_ == kTxVersionClassic) return find_nonce_v0(prefix, start, max_tries, backend);
  // 16 (AVX-512) or 8 (AVX2) nonces at a time with the message words built in registers (Blake3::search_nonce_chain)
  // whenever the nonce lands in the payload's last block; the same first match as the sequential search.
  if (backend != core::Blake2bBackend::kScalar) {
    const unsigned lanes = backend == core::Blake2bBackend::kAvx512 ? 16 : 8;
    auto r = v1_payload_prefix_.search_nonce_chain(v1_id_hasher_, v1_rest_digest_, prefix, start, max_tries, lanes);
    if (!r.supported && lanes == 16)
      r = v1_payload_prefix_.search_nonce_chain(v1_id_hasher_, v1_rest_digest_, prefix, start, max_tries, 8);
    if (r.supported) return r.found;
  }
  std::uint32_t nonce = start;
  std::uint64_t i = 0;
  // Otherwise eight nonces at a time: both BLAKE3 finalizations of the eight run side by side (Blake3::finalize_with_lanes);
  // the lanes are checked in nonce order, so the first match is the sequential one.
  constexpr std::size_t kL = core::Blake3::kLanes;
  if (backend != core::Blake2bBackend::kScalar) {
    std::uint8_t tails[kL][kNonceSize];
    std::uint8_t digests[kL][64];
    core::Hash32 pd[kL], ids[kL];
    for (; i + kL <= max_tries; i += kL, nonce += static_cast<std::uint32_t>(kL)) {
      for (std::size_t l = 0; l < kL; ++l) {
        const std::uint32_t n = nonce + static_cast<std::uint32_t>(l);
        tails[l][0] = static_cast<std::uint8_t>(n >> 24);
        tails[l][1] = static_cast<std::uint8_t>(n >> 16);
        tails[l][2] = static_cast<std::uint8_t>(n >> 8);
        tails[l][3] = static_cast<std::uint8_t>(n);
      }
      v1_payload_prefix_.finalize_with_lanes(&tails[0][0], kNonceSize, pd);
      for (std::size_t l = 0; l < kL; ++l) {
        std::memcpy(digests[l], pd[l].data(), 32);
        std::memcpy(digests[l] + 32, v1_rest_digest_.data(), 32);
      }
      v1_id_hasher_.finalize_with_lanes(&digests[0][0], 64, ids);
      for (std::size_t l = 0; l < kL; ++l) {
        if (prefix.empty() || std::memcmp(ids[l].data(), prefix.data(), prefix.size()) == 0)
          return std::make_pair(nonce + static_cast<std::uint32_t>(l), ids[l]);
      }
    }
  }
  for (; i < max_tries; ++i, ++nonce) {
    const TransactionId id = id_with_nonce(nonce);
    bool match = true;
    for (std::size_t k = 0; k < prefix.size(); ++k) {
      if (id[k] != prefix[k]) {
        match = false;
        break;
      }
    }
    if (match) return std::make_pair(nonce, id);
  }
  return std::nullopt;
}

std::optional<std::pair<std::uint32_t, TransactionId>> IdMiner::find_nonce_parallel(core::ByteView prefix,
                                                                                    std::uint32_t start,
                                                                                    std::uint64_t max_tries,
                                                                                    unsigned threads) const {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  // A 2-byte prefix takes ~65k tries on average: below a few chunks, threads cost more than they save.
  constexpr std::uint64_t kChunk = 1u << 14;
  if (threads == 1 || max_tries <= 2 * kChunk) return find_nonce(prefix, start, max_tries);
  const std::uint64_t chunks = (max_tries + kChunk - 1) / kChunk;
  std::atomic<std::uint64_t> next{0};
  std::atomic<std::uint64_t> best_chunk{chunks};  // the lowest chunk with a match so far
  std::mutex mu;
  std::optional<std::pair<std::uint32_t, TransactionId>> best;
  auto work = [&] {
    for (;;) {
      const std::uint64_t c = next.fetch_add(1);
      if (c >= chunks || c >= best_chunk.load()) return;
      const std::uint64_t tries = std::min(kChunk, max_tries - c * kChunk);
      auto r = find_nonce(prefix, static_cast<std::uint32_t>(start + c * kChunk), tries);
      if (!r) continue;
      std::lock_guard lk(mu);
      if (c < best_chunk.load()) {
        best_chunk = c;
        best = r;
      }
      return;
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  return best;
}

std::optional<std::pair<std::uint32_t, TransactionId>> IdMiner::find_nonce_v0(core::ByteView prefix, std::uint32_t start,
                                                                              std::uint64_t max_tries,
                                                                              core::Blake2bBackend backend) const noexcept {
  using core::Blake2bFinalBatch;
  // Lane l of each step hashes nonce + l; the lanes are checked in order, so the first match is the sequential one.
  Blake2bFinalBatch batch(v0_prefix_, kNonceSize, backend);
  const std::size_t lanes = batch.lanes();
  // The digest is the little-endian encoding of the final chaining words: test the first (up to) 8 prefix bytes
  // against word 0 and confirm the rest on the bytes of a candidate.
  const std::size_t head = prefix.size() < 8 ? prefix.size() : 8;
  std::uint64_t want = 0, mask = 0;
  for (std::size_t k = 0; k < head; ++k) {
    want |= static_cast<std::uint64_t>(prefix[k]) << (8 * k);
    mask |= std::uint64_t{0xff} << (8 * k);
  }
  alignas(64) std::uint64_t h[8][Blake2bFinalBatch::kMaxLanes];
  std::uint32_t nonce = start;
  std::uint64_t remaining = max_tries;
  while (remaining > 0) {
    for (std::size_t l = 0; l < lanes; ++l) {
      // The big-endian nonce bytes as a little-endian integer: a byte swap.
      const std::uint32_t n = nonce + static_cast<std::uint32_t>(l);
      const std::uint32_t le = (n >> 24) | ((n >> 8) & 0xff00u) | ((n << 8) & 0xff0000u) | (n << 24);
      batch.set_tail_le64(l, le);
    }
    batch.compute_words(h);
    const std::size_t valid = remaining < lanes ? static_cast<std::size_t>(remaining) : lanes;
    for (std::size_t l = 0; l < valid; ++l) {
      if ((h[0][l] & mask) != want) continue;
      TransactionId id;
      for (std::size_t i = 0; i < 32; ++i) id[i] = static_cast<std::uint8_t>(h[i / 8][l] >> (8 * (i % 8)));
      bool match = true;
      for (std::size_t k = head; k < prefix.size(); ++k) {
        if (id[k] != prefix[k]) {
          match = false;
          break;
        }
      }
      if (match) return std::make_pair(nonce + static_cast<std::uint32_t>(l), id);
    }
    remaining -= valid;
    nonce += static_cast<std::uint32_t>(lanes);
  }
  return std::nullopt;
}

core::Result<void> set_payload_nonce(Transaction& tx, std::uint32_t nonce) {
  if (tx.payload.size() < IdMiner::kNonceSize)
    return core::make_error("set_payload_nonce: payload has " + std::to_string(tx.payload.size()) +
                            " bytes, needs at least 4");
  const std::size_t at = tx.payload.size() - IdMiner::kNonceSize;
  for (std::size_t i = 0; i < IdMiner::kNonceSize; ++i)
    tx.payload[at + i] = static_cast<std::uint8_t>(nonce >> (8 * (IdMiner::kNonceSize - 1 - i)));
  return {};
}

}  // namespace igra::kaspa
