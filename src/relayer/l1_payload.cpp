#include "relayer/l1_payload.hpp"

#include <zlib.h>

#include <string>

namespace igra::relayer {

core::Bytes zlib_compress(core::ByteView data) {
  uLongf len = compressBound(static_cast<uLong>(data.size()));
  core::Bytes out(len);
  const int rc = compress2(out.data(), &len, data.data(), static_cast<uLong>(data.size()), Z_BEST_COMPRESSION);
  if (rc != Z_OK) return {};  // only on out-of-memory; the caller then falls back to 0x94
  out.resize(len);
  return out;
}

core::Result<core::Bytes> encode_l2_tx_payload(core::ByteView raw_tx) {
  if (raw_tx.empty()) return core::Error(core::ErrorCode::kInvalidArgument, "relayer: empty L2 transaction");
  if (raw_tx.size() > kMaxL2DataBytes)
    return core::Error(core::ErrorCode::kOutOfRange, "relayer: L2 transaction of " + std::to_string(raw_tx.size()) +
                                                         " bytes exceeds the Igra limit of " +
                                                         std::to_string(kMaxL2DataBytes) + " bytes");
  const core::Bytes zipped = zlib_compress(raw_tx);
  const bool use_zip = !zipped.empty() && zipped.size() < raw_tx.size();
  const core::ByteView data = use_zip ? core::ByteView(zipped) : raw_tx;
  core::Bytes p;
  p.reserve(1 + data.size() + kPayloadNonceSize);
  p.push_back(use_zip ? kPayloadL2TxZipped : kPayloadL2Tx);
  p.insert(p.end(), data.begin(), data.end());
  p.insert(p.end(), kPayloadNonceSize, 0);
  return p;
}

void set_payload_nonce(core::Bytes& payload, std::uint32_t nonce) {
  if (payload.size() < kPayloadNonceSize) return;
  const std::size_t k = payload.size() - kPayloadNonceSize;
  for (std::size_t i = 0; i < kPayloadNonceSize; ++i)
    payload[k + i] = static_cast<std::uint8_t>(nonce >> (24 - 8 * i));
}

}  // namespace igra::relayer
