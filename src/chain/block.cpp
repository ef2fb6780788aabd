#include "chain/block.hpp"

#include <string>
#include <utility>

#include "chain/transaction_codec.hpp"
#include "core/keccak.hpp"
#include "crypto/sha256.hpp"
#include "state/mpt.hpp"

namespace igra::chain {

namespace {

using core::Bytes;
using core::ByteView;
using core::make_error;
using core::Result;
using core::RlpEncoder;
using core::RlpItem;
using core::RlpReader;

template <typename T>
Result<T> named(Result<T> r, const std::string& what) {
  if (!r) return std::move(r).error().context(what);
  return r;
}

void add_header(RlpEncoder& e, const BlockHeader& h) {
  const auto l = e.begin_list();
  e.add_bytes(h.parent_hash);
  e.add_bytes(h.ommers_hash);
  e.add_bytes(h.coinbase);
  e.add_bytes(h.state_root);
  e.add_bytes(h.transactions_root);
  e.add_bytes(h.receipts_root);
  e.add_bytes(h.logs_bloom);
  e.add_uint(h.difficulty);
  e.add_uint(h.number);
  e.add_uint(h.gas_limit);
  e.add_uint(h.gas_used);
  e.add_uint(h.timestamp);
  e.add_bytes(h.extra_data);
  e.add_bytes(h.mix_hash);
  e.add_bytes(h.nonce);
  // Optional fields: written in order up to the first absent one (a later field without an earlier one
  // cannot be represented in the encoding and is left out).
  do {
    if (!h.base_fee_per_gas) break;
    e.add_uint(*h.base_fee_per_gas);
    if (!h.withdrawals_root) break;
    e.add_bytes(*h.withdrawals_root);
    if (!h.blob_gas_used) break;
    e.add_uint(*h.blob_gas_used);
    if (!h.excess_blob_gas) break;
    e.add_uint(*h.excess_blob_gas);
    if (!h.parent_beacon_block_root) break;
    e.add_bytes(*h.parent_beacon_block_root);
    if (!h.requests_hash) break;
    e.add_bytes(*h.requests_hash);
  } while (false);
  e.end_list(l);
}

void add_withdrawal(RlpEncoder& e, const Withdrawal& w) {
  const auto l = e.begin_list();
  e.add_uint(w.index);
  e.add_uint(w.validator_index);
  e.add_bytes(w.address);
  e.add_uint(w.amount_gwei);
  e.end_list(l);
}

// The body's lists after the header: transactions, ommers, withdrawals (optional).
void add_body_lists(RlpEncoder& e, const BlockBody& b) {
  const auto lt = e.begin_list();
  for (const Bytes& tx : b.transactions) {
    if (!tx.empty() && tx[0] >= 0xc0)
      e.add_raw(tx);  // legacy: the list itself
    else
      e.add_bytes(tx);  // typed: an RLP string wrapping type || rlp(fields)
  }
  e.end_list(lt);
  const auto lo = e.begin_list();
  for (const BlockHeader& o : b.ommers) add_header(e, o);
  e.end_list(lo);
  if (b.withdrawals) {
    const auto lw = e.begin_list();
    for (const Withdrawal& w : *b.withdrawals) add_withdrawal(e, w);
    e.end_list(lw);
  }
}

Result<Withdrawal> decode_withdrawal(const RlpItem& item) {
  IGRA_TRY(RlpReader r, RlpReader::of_list(item));
  Withdrawal w;
  IGRA_TRY(w.index, named(r.read_uint64(), "index"));
  IGRA_TRY(w.validator_index, named(r.read_uint64(), "validator index"));
  IGRA_TRY(w.address, named(r.read_fixed<20>(), "address"));
  IGRA_TRY(w.amount_gwei, named(r.read_uint64(), "amount"));
  IGRA_TRY_VOID(named(r.finish(), "expected 4 fields"));
  return w;
}

// Reads the body lists from `r` (positioned after the header, if any) up to the end of the enclosing list.
Result<BlockBody> read_body_lists(RlpReader& r) {
  BlockBody b;
  IGRA_TRY(RlpReader txs, named(r.read_list(), "block transactions"));
  for (std::size_t i = 0; !txs.empty(); ++i) {
    const std::string what = "block transaction " + std::to_string(i);
    IGRA_TRY(RlpItem item, named(txs.next(), what));
    // Full strict decode: a malformed transaction makes the body malformed.
    IGRA_TRY_VOID(named(decode_block_transaction(item), what));
    const ByteView canonical = item.is_list ? item.raw : item.payload;
    b.transactions.emplace_back(canonical.begin(), canonical.end());
  }
  IGRA_TRY(RlpReader ommers, named(r.read_list(), "block ommers"));
  for (std::size_t i = 0; !ommers.empty(); ++i) {
    const std::string what = "block ommer " + std::to_string(i);
    IGRA_TRY(RlpItem item, named(ommers.next(), what));
    IGRA_TRY(BlockHeader o, named(decode_header(item), what));
    b.ommers.push_back(std::move(o));
  }
  if (!r.empty()) {
    IGRA_TRY(RlpReader ws, named(r.read_list(), "block withdrawals"));
    std::vector<Withdrawal> out;
    for (std::size_t i = 0; !ws.empty(); ++i) {
      const std::string what = "withdrawal " + std::to_string(i);
      IGRA_TRY(RlpItem item, named(ws.next(), what));
      IGRA_TRY(Withdrawal w, named(decode_withdrawal(item), what));
      out.push_back(w);
    }
    b.withdrawals = std::move(out);
  }
  IGRA_TRY_VOID(named(r.finish(), "block (unexpected fields after withdrawals)"));
  return b;
}

}  // namespace

// ---- header ----

core::Bytes encode_header(const BlockHeader& h) {
  RlpEncoder e;
  add_header(e, h);
  return std::move(e).finish();
}

core::Result<BlockHeader> decode_header(const core::RlpItem& item) {
  IGRA_TRY(RlpReader r, named(RlpReader::of_list(item), "header"));
  BlockHeader h;
  IGRA_TRY(h.parent_hash, named(r.read_fixed<32>(), "header parentHash"));
  IGRA_TRY(h.ommers_hash, named(r.read_fixed<32>(), "header ommersHash"));
  IGRA_TRY(h.coinbase, named(r.read_fixed<20>(), "header coinbase"));
  IGRA_TRY(h.state_root, named(r.read_fixed<32>(), "header stateRoot"));
  IGRA_TRY(h.transactions_root, named(r.read_fixed<32>(), "header transactionsRoot"));
  IGRA_TRY(h.receipts_root, named(r.read_fixed<32>(), "header receiptsRoot"));
  IGRA_TRY(h.logs_bloom, named(r.read_fixed<256>(), "header logsBloom"));
  IGRA_TRY(h.difficulty, named(r.read_uint256(), "header difficulty"));
  IGRA_TRY(h.number, named(r.read_uint64(), "header number"));
  IGRA_TRY(h.gas_limit, named(r.read_uint64(), "header gasLimit"));
  IGRA_TRY(h.gas_used, named(r.read_uint64(), "header gasUsed"));
  IGRA_TRY(h.timestamp, named(r.read_uint64(), "header timestamp"));
  IGRA_TRY(ByteView extra, named(r.read_bytes(), "header extraData"));
  h.extra_data.assign(extra.begin(), extra.end());
  IGRA_TRY(h.mix_hash, named(r.read_fixed<32>(), "header mixHash"));
  IGRA_TRY(h.nonce, named(r.read_fixed<8>(), "header nonce"));
  // Optional fields, in order; the reader running out ends the header.
  if (!r.empty()) {
    IGRA_TRY(core::uint256 v, named(r.read_uint256(), "header baseFeePerGas"));
    h.base_fee_per_gas = v;
  }
  if (!r.empty()) {
    IGRA_TRY(core::Hash32 v, named(r.read_fixed<32>(), "header withdrawalsRoot"));
    h.withdrawals_root = v;
  }
  if (!r.empty()) {
    IGRA_TRY(std::uint64_t v, named(r.read_uint64(), "header blobGasUsed"));
    h.blob_gas_used = v;
  }
  if (!r.empty()) {
    IGRA_TRY(std::uint64_t v, named(r.read_uint64(), "header excessBlobGas"));
    h.excess_blob_gas = v;
  }
  if (!r.empty()) {
    IGRA_TRY(core::Hash32 v, named(r.read_fixed<32>(), "header parentBeaconBlockRoot"));
    h.parent_beacon_block_root = v;
  }
  if (!r.empty()) {
    IGRA_TRY(core::Hash32 v, named(r.read_fixed<32>(), "header requestsHash"));
    h.requests_hash = v;
  }
  IGRA_TRY_VOID(named(r.finish(), "header (more than 21 fields)"));
  return h;
}

core::Result<BlockHeader> decode_header(core::ByteView rlp) {
  IGRA_TRY(RlpItem item, named(core::rlp_decode(rlp), "header"));
  return decode_header(item);
}

core::Hash32 header_hash(const BlockHeader& h) { return core::keccak256(encode_header(h)); }

// ---- withdrawals ----

core::Bytes encode_withdrawal(const Withdrawal& w) {
  RlpEncoder e;
  add_withdrawal(e, w);
  return std::move(e).finish();
}

core::Hash32 withdrawals_root(const std::vector<Withdrawal>& withdrawals) {
  std::vector<Bytes> items;
  items.reserve(withdrawals.size());
  for (const Withdrawal& w : withdrawals) items.push_back(encode_withdrawal(w));
  return state::ordered_trie_root(items);
}

// ---- body and block ----

core::Bytes encode_body(const BlockBody& b) {
  RlpEncoder e;
  const auto l = e.begin_list();
  add_body_lists(e, b);
  e.end_list(l);
  return std::move(e).finish();
}

core::Result<BlockBody> decode_body(core::ByteView rlp) {
  IGRA_TRY(RlpReader r, named(RlpReader::of_encoded_list(rlp), "block body"));
  return read_body_lists(r);
}

core::Bytes encode_block(const Block& b) {
  RlpEncoder e;
  const auto l = e.begin_list();
  add_header(e, b.header);
  add_body_lists(e, b.body);
  e.end_list(l);
  return std::move(e).finish();
}

core::Result<Block> decode_block(core::ByteView rlp) {
  IGRA_TRY(RlpReader r, named(RlpReader::of_encoded_list(rlp), "block"));
  Block b;
  IGRA_TRY(RlpItem header_item, named(r.next(), "block header"));
  IGRA_TRY(b.header, decode_header(header_item));
  IGRA_TRY(b.body, read_body_lists(r));
  return b;
}

// ---- roots ----

core::Hash32 transactions_root(const std::vector<core::Bytes>& canonical_txs) {
  return state::ordered_trie_root(canonical_txs);
}

core::Hash32 requests_hash(const std::vector<Request>& requests) {
  crypto::Sha256 outer;
  for (const Request& r : requests) {
    if (r.data.empty()) continue;
    crypto::Sha256 inner;
    inner.update(ByteView(&r.type, 1));
    inner.update(r.data);
    const core::Hash32 h = inner.finalize();
    outer.update(h);
  }
  return outer.finalize();
}

}  // namespace igra::chain
