#include "igra/l1_origin.hpp"

#include "core/rlp.hpp"

namespace igra::igra {

core::Bytes encode_l1_origin(const L1Origin& o) {
  core::RlpEncoder e;
  const auto l = e.begin_list();
  e.add_uint(o.window);
  e.add_bytes(o.anchor_hash);
  e.add_uint(o.anchor_daa);
  e.add_uint(o.anchor_timestamp_ms);
  e.add_bytes(o.anchor_isc);
  const auto cb = e.begin_list();
  for (const auto& h : o.chain_blocks) e.add_bytes(h);
  e.end_list(cb);
  e.add_bytes(o.last_isc);
  e.add_uint(o.next_withdrawal_index);
  const auto txs = e.begin_list();
  for (const auto& t : o.l1_txs) {
    const auto r = e.begin_list();
    e.add_bytes(t.l1_txid);
    e.add_uint(t.payload_type);
    e.add_uint(static_cast<std::uint64_t>(t.outcome));
    e.add_uint(t.index);
    e.end_list(r);
  }
  e.end_list(txs);
  e.end_list(l);
  return std::move(e).finish();
}

core::Result<L1Origin> decode_l1_origin(core::ByteView rlp) {
  IGRA_TRY(auto r, core::RlpReader::of_encoded_list(rlp));
  L1Origin o;
  IGRA_TRY(o.window, r.read_uint64());
  IGRA_TRY(o.anchor_hash, r.read_fixed<32>());
  IGRA_TRY(o.anchor_daa, r.read_uint64());
  IGRA_TRY(o.anchor_timestamp_ms, r.read_uint64());
  IGRA_TRY(o.anchor_isc, r.read_fixed<32>());
  IGRA_TRY(auto cb, r.read_list());
  while (!cb.empty()) {
    IGRA_TRY(auto h, cb.read_fixed<32>());
    o.chain_blocks.push_back(h);
  }
  IGRA_TRY(o.last_isc, r.read_fixed<32>());
  IGRA_TRY(o.next_withdrawal_index, r.read_uint64());
  IGRA_TRY(auto txs, r.read_list());
  while (!txs.empty()) {
    IGRA_TRY(auto t, txs.read_list());
    L1TxRecord rec;
    IGRA_TRY(rec.l1_txid, t.read_fixed<32>());
    IGRA_TRY(auto type, t.read_uint64());
    IGRA_TRY(auto outcome, t.read_uint64());
    IGRA_TRY(rec.index, t.read_uint64());
    IGRA_TRY_VOID(t.finish());
    if (type > 0xff || outcome > static_cast<std::uint64_t>(L1TxOutcome::kIndexed))
      return core::Error{core::ErrorCode::kInvalidArgument, "l1 origin: bad tx record"};
    rec.payload_type = static_cast<std::uint8_t>(type);
    rec.outcome = static_cast<L1TxOutcome>(outcome);
    o.l1_txs.push_back(rec);
  }
  IGRA_TRY_VOID(r.finish());
  return o;
}

core::Bytes encode_cursor(const DerivationCursor& c) {
  core::RlpEncoder e;
  const auto l = e.begin_list();
  e.add_uint(c.l2_number);
  e.add_bytes(c.last_chain_block);
  e.add_bytes(c.last_isc);
  e.add_uint(c.next_withdrawal_index);
  e.add_uint(c.window);
  e.end_list(l);
  return std::move(e).finish();
}

core::Result<DerivationCursor> decode_cursor(core::ByteView rlp) {
  IGRA_TRY(auto r, core::RlpReader::of_encoded_list(rlp));
  DerivationCursor c;
  IGRA_TRY(c.l2_number, r.read_uint64());
  IGRA_TRY(c.last_chain_block, r.read_fixed<32>());
  IGRA_TRY(c.last_isc, r.read_fixed<32>());
  IGRA_TRY(c.next_withdrawal_index, r.read_uint64());
  IGRA_TRY(c.window, r.read_uint64());
  IGRA_TRY_VOID(r.finish());
  return c;
}

}  // namespace igra::igra
