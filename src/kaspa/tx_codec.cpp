#include "kaspa/tx_codec.hpp"

#include <string>

#include "kaspa/tx_id.hpp"

namespace igra::kaspa {

core::Bytes encode_transaction(const Transaction& tx) { return transaction_preimage(tx, kTxEncodeFull); }

namespace {

class Reader {
 public:
  explicit Reader(core::ByteView data) noexcept : data_(data) {}
  std::size_t remaining() const noexcept { return data_.size() - pos_; }
  std::size_t pos() const noexcept { return pos_; }

  core::Result<core::ByteView> take(std::size_t n, const char* what) {
    if (remaining() < n)
      return core::make_error("tx codec: truncated " + std::string(what) + " at offset " + std::to_string(pos_) +
                              " (need " + std::to_string(n) + " bytes, have " + std::to_string(remaining()) + ")");
    core::ByteView v = data_.subspan(pos_, n);
    pos_ += n;
    return v;
  }
  template <typename T>
  core::Result<T> le(const char* what) {
    IGRA_TRY(auto v, take(sizeof(T), what));
    return core::load_le<T>(v.data());
  }
  template <std::size_t N>
  core::Result<core::FixedBytes<N>> fixed(const char* what) {
    IGRA_TRY(auto v, take(N, what));
    return core::FixedBytes<N>::from_view(v);
  }
  core::Result<core::Bytes> var_bytes(const char* what) {
    IGRA_TRY(auto len, le<std::uint64_t>(what));
    if (len > remaining())
      return core::make_error("tx codec: " + std::string(what) + " length " + std::to_string(len) + " at offset " +
                              std::to_string(pos_ - 8) + " exceeds the remaining " + std::to_string(remaining()) +
                              " bytes");
    IGRA_TRY(auto v, take(static_cast<std::size_t>(len), what));
    return core::Bytes(v.begin(), v.end());
  }
  // A count of items, each at least `min_item_size` bytes.
  core::Result<std::size_t> count(const char* what, std::size_t min_item_size) {
    IGRA_TRY(auto n, le<std::uint64_t>(what));
    if (n > kTxCodecMaxItems)
      return core::make_error(core::ErrorCode::kOutOfRange, "tx codec: " + std::string(what) + " " +
                                                                std::to_string(n) + " exceeds the cap of " +
                                                                std::to_string(kTxCodecMaxItems));
    if (n * min_item_size > remaining())
      return core::make_error("tx codec: " + std::string(what) + " " + std::to_string(n) + " needs at least " +
                              std::to_string(n * min_item_size) + " bytes, " + std::to_string(remaining()) +
                              " remain");
    return static_cast<std::size_t>(n);
  }

 private:
  core::ByteView data_;
  std::size_t pos_ = 0;
};

}  // namespace

core::Result<Transaction> decode_transaction(core::ByteView data) {
  Reader r(data);
  Transaction tx;
  IGRA_TRY(tx.version, r.le<std::uint16_t>("version"));
  if (tx.version > kTxVersionToccata)
    return core::make_error(core::ErrorCode::kUnsupported,
                            "tx codec: unsupported transaction version " + std::to_string(tx.version));
  const bool v1 = tx.version >= kTxVersionToccata;

  // Minimum sizes: input = 32 + 4 + 8 (script len) + 8 (sequence) + (v0: 1 sig-op byte | v1: 2 budget bytes).
  IGRA_TRY(auto n_in, r.count("input count", v1 ? 54 : 53));
  tx.inputs.resize(n_in);
  for (auto& in : tx.inputs) {
    IGRA_TRY(in.previous_outpoint.transaction_id, r.fixed<32>("outpoint transaction id"));
    IGRA_TRY(in.previous_outpoint.index, r.le<std::uint32_t>("outpoint index"));
    IGRA_TRY(in.signature_script, r.var_bytes("signature script"));
    if (!v1) {
      IGRA_TRY(auto sig_ops, r.le<std::uint8_t>("sig op count"));
      in.compute_commit = SigOpCount{sig_ops};
    }
    IGRA_TRY(in.sequence, r.le<std::uint64_t>("sequence"));
    if (v1) {
      IGRA_TRY(auto budget, r.le<std::uint16_t>("compute budget"));
      in.compute_commit = ComputeBudget{budget};
    }
  }

  // Minimum output = 8 + 2 + 8 (+1 covenant flag for v1).
  IGRA_TRY(auto n_out, r.count("output count", v1 ? 19 : 18));
  tx.outputs.resize(n_out);
  for (auto& out : tx.outputs) {
    IGRA_TRY(out.value, r.le<std::uint64_t>("output value"));
    IGRA_TRY(out.script_public_key.version, r.le<std::uint16_t>("script public key version"));
    IGRA_TRY(out.script_public_key.script, r.var_bytes("script public key"));
    if (v1) {
      const std::size_t at = r.pos();
      IGRA_TRY(auto has_cov, r.le<std::uint8_t>("covenant flag"));
      if (has_cov > 1)
        return core::make_error("tx codec: covenant flag " + std::to_string(has_cov) + " at offset " +
                                std::to_string(at) + " is not 0 or 1");
      if (has_cov == 1) {
        CovenantBinding cov;
        IGRA_TRY(cov.authorizing_input, r.le<std::uint16_t>("covenant authorizing input"));
        IGRA_TRY(cov.covenant_id, r.fixed<32>("covenant id"));
        out.covenant = cov;
      }
    }
  }

  IGRA_TRY(tx.lock_time, r.le<std::uint64_t>("lock time"));
  IGRA_TRY(tx.subnetwork_id, r.fixed<20>("subnetwork id"));
  IGRA_TRY(tx.gas, r.le<std::uint64_t>("gas"));
  IGRA_TRY(tx.payload, r.var_bytes("payload"));

  if (v1) {
    IGRA_TRY(tx.storage_mass, r.le<std::uint64_t>("storage mass"));
  } else if (r.remaining() > 0) {
    if (r.remaining() < 8)
      return core::make_error("tx codec: " + std::to_string(r.remaining()) + " trailing bytes after the payload");
    IGRA_TRY(tx.storage_mass, r.le<std::uint64_t>("storage mass"));
    if (tx.storage_mass == 0)
      return core::make_error("tx codec: explicit zero storage mass in a v0 encoding (omitted when zero)");
  }
  if (r.remaining() != 0)
    return core::make_error("tx codec: " + std::to_string(r.remaining()) + " trailing bytes at offset " +
                            std::to_string(r.pos()));
  return tx;
}

}  // namespace igra::kaspa
