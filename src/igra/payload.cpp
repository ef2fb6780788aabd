#include "igra/payload.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace igra::igra {
namespace {
core::Error err(std::string m) { return core::Error{core::ErrorCode::kInvalidArgument, std::move(m)}; }
}  // namespace

PayloadKind classify_payload(core::ByteView payload) noexcept {
  if (payload.empty() || (payload[0] >> 4) != 0x9) return PayloadKind::kNotIgra;
  switch (payload[0]) {
    case kTypeEntry: return PayloadKind::kEntry;
    case kTypeExit: return PayloadKind::kExit;
    case kTypeL2Tx:
    case kTypeL2TxZipped: return PayloadKind::kL2Tx;
    case kTypeService: return PayloadKind::kService;
    default: return PayloadKind::kReserved;
  }
}

core::Result<core::Bytes> zlib_inflate_capped(core::ByteView stream, std::size_t cap) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return core::Error{core::ErrorCode::kInternal, "zlib: inflateInit failed"};
  core::Bytes out(cap + 1);  // one extra byte detects oversize without producing more
  zs.next_in = const_cast<Bytef*>(stream.data());
  zs.avail_in = static_cast<uInt>(stream.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&zs, Z_FINISH);
  const std::size_t produced = out.size() - zs.avail_out;
  const std::size_t unused_in = zs.avail_in;
  inflateEnd(&zs);
  if (produced > cap) return err("zlib: inflated size exceeds " + std::to_string(cap) + " bytes");
  if (rc == Z_STREAM_END) {
    if (unused_in != 0) return err("zlib: " + std::to_string(unused_in) + " trailing bytes after the stream");
    out.resize(produced);
    return out;
  }
  if (rc == Z_BUF_ERROR || rc == Z_OK) return err("zlib: truncated stream");
  return err(std::string("zlib: ") + (zs.msg ? zs.msg : "invalid stream"));
}

core::Bytes zlib_deflate(core::ByteView data) {
  uLongf len = compressBound(static_cast<uLong>(data.size()));
  core::Bytes out(len);
  compress2(out.data(), &len, data.data(), static_cast<uLong>(data.size()), Z_DEFAULT_COMPRESSION);
  out.resize(len);
  return out;
}

core::Result<core::Bytes> l2_tx_bytes(core::ByteView payload) {
  if (payload.size() < 1 + kNonceSize) return err("payload shorter than header and nonce");
  const core::ByteView data = payload.subspan(1, payload.size() - 1 - kNonceSize);
  if (payload[0] == kTypeL2Tx) {
    if (data.size() > kMaxL2DataBytes) return err("L2 data exceeds 24800 bytes");
    if (data.empty()) return err("empty L2 data");
    return core::Bytes(data.begin(), data.end());
  }
  if (payload[0] == kTypeL2TxZipped) {
    IGRA_TRY(auto inflated, zlib_inflate_capped(data, kMaxL2DataBytes));
    if (inflated.empty()) return err("empty L2 data");
    return inflated;
  }
  return err("not an L2 transaction payload");
}

core::Result<EntryPayload> parse_entry_payload(core::ByteView payload) {
  if (payload.empty() || payload[0] != kTypeEntry) return err("not an entry payload");
  if (payload.size() != kEntryPayloadSize)
    return err("entry payload is " + std::to_string(payload.size()) + " bytes, not 33");
  EntryPayload e;
  std::memcpy(e.recipient.data(), payload.data() + 1, 20);
  for (int i = 7; i >= 0; --i) e.amount_sompi = (e.amount_sompi << 8) | payload[21 + i];
  return e;
}

core::Result<EntryPayload> validate_entry(const kaspa::Transaction& tx, const NetworkParams& params,
                                          std::uint64_t daa_score) {
  IGRA_TRY(auto e, parse_entry_payload(tx.payload));
  if (tx.outputs.empty()) return err("entry has no outputs");
  const auto& out0 = tx.outputs[0];
  if (out0.script_public_key != params.lock_script_at(daa_score)) return err("entry output 0 is not the lock script");
  if (out0.value != e.amount_sompi)
    return err("entry amount mismatch: payload " + std::to_string(e.amount_sompi) + ", output 0 " +
               std::to_string(out0.value));
  if (e.amount_sompi < params.entry_min_sompi)
    return err("entry amount " + std::to_string(e.amount_sompi) + " below the minimum " +
               std::to_string(params.entry_min_sompi));
  return e;
}

core::Bytes make_payload(std::uint8_t type, core::ByteView data, std::uint32_t nonce) {
  core::Bytes p;
  p.reserve(1 + data.size() + kNonceSize);
  p.push_back(type);
  p.insert(p.end(), data.begin(), data.end());
  for (int s = 24; s >= 0; s -= 8) p.push_back(static_cast<std::uint8_t>(nonce >> s));
  return p;
}

core::Bytes make_entry_payload(const core::Address20& recipient, std::uint64_t amount_sompi, std::uint32_t nonce) {
  std::uint8_t data[28];
  std::memcpy(data, recipient.data(), 20);
  for (int i = 0; i < 8; ++i) data[20 + i] = static_cast<std::uint8_t>(amount_sompi >> (8 * i));
  return make_payload(kTypeEntry, core::ByteView(data, sizeof data), nonce);
}

bool matches_prefix(const kaspa::TransactionId& id, const NetworkParams& params) noexcept {
  return params.txid_prefix.size() <= id.size() &&
         std::equal(params.txid_prefix.begin(), params.txid_prefix.end(), id.begin());
}

bool passes_lane_gate(const kaspa::Transaction& tx, const NetworkParams& params, std::uint64_t daa_score) noexcept {
  if (!params.toccata_active(daa_score)) return tx.version == kaspa::kTxVersionClassic;
  return tx.version >= kaspa::kTxVersionToccata && tx.subnetwork_id == params.lane;
}

}  // namespace igra::igra
