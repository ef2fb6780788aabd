#include "chain/receipt.hpp"

#include "core/keccak.hpp"
#include "state/mpt.hpp"

namespace igra::chain {

namespace {

using core::Bytes;
using core::ByteView;
using core::make_error;
using core::Result;
using core::RlpEncoder;
using core::RlpReader;

// The three (byte index, mask) pairs a value sets in a bloom.
struct BloomBits {
  std::size_t byte[3];
  std::uint8_t mask[3];
};
BloomBits bloom_bits(ByteView data) noexcept {
  const core::Hash32 h = core::keccak256(data);
  BloomBits b{};
  for (int i = 0; i < 3; ++i) {
    const unsigned bit = ((static_cast<unsigned>(h[2 * i]) << 8) | h[2 * i + 1]) & 2047u;
    b.byte[i] = 255 - bit / 8;
    b.mask[i] = static_cast<std::uint8_t>(1u << (bit % 8));
  }
  return b;
}

void add_logs(RlpEncoder& e, const std::vector<Log>& logs) {
  const auto l = e.begin_list();
  for (const Log& log : logs) {
    const auto ll = e.begin_list();
    e.add_bytes(log.address);
    const auto lt = e.begin_list();
    for (const core::Hash32& t : log.topics) e.add_bytes(t);
    e.end_list(lt);
    e.add_bytes(log.data);
    e.end_list(ll);
  }
  e.end_list(l);
}

template <typename T>
Result<T> named(Result<T> r, const char* field) {
  if (!r) return std::move(r).error().context(std::string("receipt ") + field);
  return r;
}

}  // namespace

void bloom_add(Bloom& bloom, ByteView data) noexcept {
  const BloomBits b = bloom_bits(data);
  for (int i = 0; i < 3; ++i) bloom[b.byte[i]] |= b.mask[i];
}

Bloom logs_bloom(const std::vector<Log>& logs) noexcept {
  Bloom bloom;
  for (const Log& log : logs) {
    bloom_add(bloom, log.address);
    for (const core::Hash32& t : log.topics) bloom_add(bloom, t);
  }
  return bloom;
}

void bloom_or(Bloom& into, const Bloom& other) noexcept {
  for (std::size_t i = 0; i < into.size(); ++i) into[i] |= other[i];
}

bool bloom_contains(const Bloom& bloom, ByteView data) noexcept {
  const BloomBits b = bloom_bits(data);
  for (int i = 0; i < 3; ++i)
    if ((bloom[b.byte[i]] & b.mask[i]) == 0) return false;
  return true;
}

Bytes encode_logs(const std::vector<Log>& logs) {
  RlpEncoder e;
  add_logs(e, logs);
  return std::move(e).finish();
}

core::Hash32 logs_rlp_hash(const std::vector<Log>& logs) { return core::keccak256(encode_logs(logs)); }

Bytes encode_receipt(const Receipt& r) {
  RlpEncoder e;
  const auto l = e.begin_list();
  // EIP-658: status 1 is the byte 0x01, status 0 the empty string (the RLP of integer 0).
  e.add_uint(std::uint64_t{r.status ? 1u : 0u});
  e.add_uint(r.cumulative_gas_used);
  e.add_bytes(r.bloom);
  add_logs(e, r.logs);
  e.end_list(l);
  Bytes body = std::move(e).finish();
  if (r.type == TxType::kLegacy) return body;
  Bytes out;
  out.reserve(body.size() + 1);
  out.push_back(static_cast<std::uint8_t>(r.type));
  core::append(out, body);
  return out;
}

Result<Receipt> decode_receipt(ByteView encoded) {
  if (encoded.empty()) return make_error("receipt: empty input");
  Receipt r;
  ByteView body = encoded;
  if (encoded[0] < 0xc0) {
    if (encoded[0] < 0x01 || encoded[0] > 0x04)
      return make_error(core::ErrorCode::kUnsupported, "receipt: unsupported type " + std::to_string(encoded[0]));
    r.type = static_cast<TxType>(encoded[0]);
    body = encoded.subspan(1);
  }
  IGRA_TRY(RlpReader rd, named(RlpReader::of_encoded_list(body), "body"));
  IGRA_TRY(core::RlpItem status, named(rd.next(), "status"));
  if (status.is_list) return make_error("receipt status: expected a string");
  if (status.payload.size() == 32)
    return make_error(core::ErrorCode::kUnsupported, "receipt: pre-Byzantium receipt (state root instead of status)");
  if (status.payload.empty())
    r.status = false;
  else if (status.payload.size() == 1 && status.payload[0] == 1)
    r.status = true;
  else
    return make_error("receipt status: must be empty or 0x01");
  IGRA_TRY(r.cumulative_gas_used, named(rd.read_uint64(), "cumulative gas used"));
  IGRA_TRY(r.bloom, named(rd.read_fixed<256>(), "bloom"));
  IGRA_TRY(RlpReader logs, named(rd.read_list(), "logs"));
  while (!logs.empty()) {
    IGRA_TRY(RlpReader lr, named(logs.read_list(), "log"));
    Log log;
    IGRA_TRY(log.address, named(lr.read_fixed<20>(), "log address"));
    IGRA_TRY(RlpReader topics, named(lr.read_list(), "log topics"));
    while (!topics.empty()) {
      IGRA_TRY(core::Hash32 t, named(topics.read_fixed<32>(), "log topic"));
      log.topics.push_back(t);
    }
    IGRA_TRY(ByteView data, named(lr.read_bytes(), "log data"));
    log.data.assign(data.begin(), data.end());
    if (auto f = lr.finish(); !f) return std::move(f).error().context("receipt log");
    r.logs.push_back(std::move(log));
  }
  if (auto f = rd.finish(); !f) return std::move(f).error().context("receipt (expected 4 fields)");
  return r;
}

core::Hash32 receipts_root(const std::vector<Receipt>& receipts) {
  std::vector<Bytes> items;
  items.reserve(receipts.size());
  for (const Receipt& r : receipts) items.push_back(encode_receipt(r));
  return state::ordered_trie_root(items);
}

}  // namespace igra::chain
