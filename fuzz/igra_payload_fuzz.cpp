// libFuzzer target: Igra L1 payload decoding, network-parameter tables (header classification, 0x94 / 0x95 L2 data with the capped zlib
// inflater, 0x92 Entry parsing) and the stored L1-origin / cursor records. Whatever decodes must stay within
// the 24,800-byte cap and re-encode to the input (records).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "chain/transaction_codec.hpp"
#include "igra/l1_origin.hpp"
#include "igra/network.hpp"
#include "igra/payload.hpp"

namespace ig = ::igra::igra;
namespace core = ::igra::core;
namespace chain = ::igra::chain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const core::ByteView in(data, size);
  const auto kind = ig::classify_payload(in);
  if (kind == ig::PayloadKind::kL2Tx) {
    auto l2 = ig::l2_tx_bytes(in);
    if (l2) {
      if (l2->size() > ig::kMaxL2DataBytes || l2->empty()) std::abort();
      (void)chain::decode_transaction(*l2);
    }
  } else if (kind == ig::PayloadKind::kEntry) {
    auto e = ig::parse_entry_payload(in);
    if (e.ok() != (size == ig::kEntryPayloadSize)) std::abort();
    if (e && ig::make_entry_payload(e->recipient, e->amount_sompi,
                                            (std::uint32_t(data[29]) << 24) | (std::uint32_t(data[30]) << 16) |
                                                (std::uint32_t(data[31]) << 8) | data[32]) != core::Bytes(in.begin(), in.end()))
      std::abort();
  }
  // Raw zlib of the whole input with a small cap.
  auto z = ig::zlib_inflate_capped(in, 4096);
  if (z && z->size() > 4096) std::abort();

  if (auto o = ig::decode_l1_origin(in); o) {
    const auto re = ig::encode_l1_origin(*o);
    if (re.size() != size || std::memcmp(re.data(), data, size) != 0) std::abort();
  }
  if (auto c = ig::decode_cursor(in); c) {
    const auto re = ig::encode_cursor(*c);
    if (re.size() != size || std::memcmp(re.data(), data, size) != 0) std::abort();
  }
  // Network parameter tables (igrad --network-params): whatever parses renders back to a table that parses
  // to the same values.
  if (size < 1 << 14) {
    auto p = ig::parse_network_params_md(std::string_view(reinterpret_cast<const char*>(data), size));
    if (p) {
      auto again = ig::parse_network_params_md(ig::render_network_params_md(*p));
      if (!again || again->chain_id != p->chain_id || again->lock_script != p->lock_script ||
          again->entry_min_sompi != p->entry_min_sompi)
        std::abort();
    }
  }
  return 0;
}
