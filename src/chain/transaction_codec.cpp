#include "chain/transaction_codec.hpp"

#include <string>

#include "core/keccak.hpp"
#include "crypto/secp256k1.hpp"

namespace igra::chain {

namespace {

using core::Bytes;
using core::ByteView;
using core::Error;
using core::ErrorCode;
using core::make_error;
using core::Result;
using core::RlpEncoder;
using core::RlpReader;
using core::uint256;

// secp256k1 group order n and n / 2 (EIP-2: s must not exceed n / 2).
constexpr uint256 kSecpN = uint256::from_limbs(0xBFD25E8CD0364141ull, 0xBAAEDCE6AF48A03Bull, 0xFFFFFFFFFFFFFFFEull,
                                               0xFFFFFFFFFFFFFFFFull);
constexpr uint256 kSecpHalfN = uint256::from_limbs(0xDFE92F46681B20A0ull, 0x5D576E7357A4501Dull,
                                                   0xFFFFFFFFFFFFFFFFull, 0x7FFFFFFFFFFFFFFFull);

constexpr std::uint8_t kAuthorizationMagic = 0x05;  // EIP-7702 MAGIC

// Attaches the field name to a decoding error, so a rejected transaction says which field was wrong.
template <typename T>
Result<T> named(Result<T> r, const char* field) {
  if (!r) return std::move(r).error().context(std::string("tx ") + field);
  return r;
}
Result<void> named(Result<void> r, const char* field) {
  if (!r) return std::move(r).error().context(std::string("tx ") + field);
  return r;
}

// A destination: 20 bytes, or (where creation is allowed) the empty string.
Result<std::optional<core::Address20>> read_to(RlpReader& r, bool allow_create) {
  IGRA_TRY(core::RlpItem item, named(r.next(), "to"));
  if (item.is_list) return make_error("tx to: expected a string, got a list");
  if (item.payload.empty()) {
    if (!allow_create) return make_error("tx to: contract creation is not allowed for this transaction type");
    return std::optional<core::Address20>{};
  }
  if (item.payload.size() != 20)
    return make_error("tx to: address must be 20 bytes, got " + std::to_string(item.payload.size()));
  return std::optional<core::Address20>{core::Address20::from_view(item.payload)};
}

Result<Bytes> read_data(RlpReader& r) {
  IGRA_TRY(ByteView b, named(r.read_bytes(), "data"));
  return Bytes(b.begin(), b.end());
}

Result<AccessList> read_access_list(RlpReader& r) {
  IGRA_TRY(RlpReader list, named(r.read_list(), "access list"));
  AccessList out;
  while (!list.empty()) {
    IGRA_TRY(RlpReader entry, named(list.read_list(), "access list entry"));
    AccessListEntry e;
    IGRA_TRY(e.address, named(entry.read_fixed<20>(), "access list address"));
    IGRA_TRY(RlpReader keys, named(entry.read_list(), "access list storage keys"));
    while (!keys.empty()) {
      IGRA_TRY(core::Hash32 k, named(keys.read_fixed<32>(), "access list storage key"));
      e.storage_keys.push_back(k);
    }
    IGRA_TRY_VOID(named(entry.finish(), "access list entry"));
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<core::Hash32>> read_blob_hashes(RlpReader& r) {
  IGRA_TRY(RlpReader list, named(r.read_list(), "blob versioned hashes"));
  std::vector<core::Hash32> out;
  while (!list.empty()) {
    IGRA_TRY(core::Hash32 h, named(list.read_fixed<32>(), "blob versioned hash"));
    out.push_back(h);
  }
  return out;
}

Result<std::vector<Authorization>> read_authorization_list(RlpReader& r) {
  IGRA_TRY(RlpReader list, named(r.read_list(), "authorization list"));
  std::vector<Authorization> out;
  while (!list.empty()) {
    IGRA_TRY(RlpReader t, named(list.read_list(), "authorization"));
    Authorization a;
    IGRA_TRY(a.chain_id, named(t.read_uint256(), "authorization chain id"));
    IGRA_TRY(a.address, named(t.read_fixed<20>(), "authorization address"));
    IGRA_TRY(a.nonce, named(t.read_uint64(), "authorization nonce"));
    // EIP-7702: a transaction whose tuple has y_parity >= 2^8 is invalid as a whole (not merely a skipped
    // authorization), so the width is enforced here like the other field widths.
    IGRA_TRY(a.y_parity, named(t.read_uint256(), "authorization y_parity"));
    if (a.y_parity > uint256(0xff)) return make_error("tx authorization y_parity: exceeds 8 bits");
    IGRA_TRY(a.r, named(t.read_uint256(), "authorization r"));
    IGRA_TRY(a.s, named(t.read_uint256(), "authorization s"));
    IGRA_TRY_VOID(named(t.finish(), "authorization (expected 6 fields)"));
    out.push_back(std::move(a));
  }
  return out;
}

Result<void> read_signature(RlpReader& r, Transaction& tx) {
  IGRA_TRY(tx.v, named(r.read_uint256(), tx.type == TxType::kLegacy ? "v" : "y_parity"));
  IGRA_TRY(tx.r, named(r.read_uint256(), "r"));
  IGRA_TRY(tx.s, named(r.read_uint256(), "s"));
  return {};
}

Result<Transaction> decode_legacy(ByteView in) {
  IGRA_TRY(RlpReader r, named(RlpReader::of_encoded_list(in), "legacy"));
  Transaction tx;
  tx.type = TxType::kLegacy;
  IGRA_TRY(tx.nonce, named(r.read_uint64(), "nonce"));
  IGRA_TRY(tx.gas_price, named(r.read_uint256(), "gas price"));
  IGRA_TRY(tx.gas_limit, named(r.read_uint64(), "gas limit"));
  IGRA_TRY(tx.to, read_to(r, true));
  IGRA_TRY(tx.value, named(r.read_uint256(), "value"));
  IGRA_TRY(tx.data, read_data(r));
  IGRA_TRY_VOID(read_signature(r, tx));
  IGRA_TRY_VOID(named(r.finish(), "legacy (expected 9 fields)"));
  // EIP-155: v = 35 + 2 * chain_id + y_parity. v in {27, 28} is unprotected; any other v is kept as is and
  // rejected by recover_sender.
  if (tx.v >= uint256(35)) tx.chain_id = (tx.v - uint256(35)) >> 1;
  return tx;
}

Result<Transaction> decode_typed(TxType type, ByteView payload) {
  IGRA_TRY(RlpReader r, named(RlpReader::of_encoded_list(payload), "typed payload"));
  Transaction tx;
  tx.type = type;
  IGRA_TRY(uint256 chain_id, named(r.read_uint256(), "chain id"));
  tx.chain_id = chain_id;
  IGRA_TRY(tx.nonce, named(r.read_uint64(), "nonce"));
  if (type == TxType::kAccessList) {
    IGRA_TRY(tx.gas_price, named(r.read_uint256(), "gas price"));
  } else {
    IGRA_TRY(tx.max_priority_fee_per_gas, named(r.read_uint256(), "max priority fee per gas"));
    IGRA_TRY(tx.max_fee_per_gas, named(r.read_uint256(), "max fee per gas"));
  }
  IGRA_TRY(tx.gas_limit, named(r.read_uint64(), "gas limit"));
  // EIP-4844 and EIP-7702: `to` is a plain address, so creation is not expressible.
  IGRA_TRY(tx.to, read_to(r, type == TxType::kAccessList || type == TxType::kDynamicFee));
  IGRA_TRY(tx.value, named(r.read_uint256(), "value"));
  IGRA_TRY(tx.data, read_data(r));
  IGRA_TRY(tx.access_list, read_access_list(r));
  if (type == TxType::kBlob) {
    IGRA_TRY(tx.max_fee_per_blob_gas, named(r.read_uint256(), "max fee per blob gas"));
    IGRA_TRY(tx.blob_versioned_hashes, read_blob_hashes(r));
  } else if (type == TxType::kSetCode) {
    IGRA_TRY(tx.authorization_list, read_authorization_list(r));
  }
  IGRA_TRY_VOID(read_signature(r, tx));
  IGRA_TRY_VOID(named(r.finish(), "typed payload has extra fields"));
  return tx;
}

void add_to(RlpEncoder& e, const std::optional<core::Address20>& to) {
  if (to)
    e.add_bytes(*to);
  else
    e.add_bytes({});
}

void add_access_list(RlpEncoder& e, const AccessList& al) {
  const auto l = e.begin_list();
  for (const AccessListEntry& entry : al) {
    const auto le = e.begin_list();
    e.add_bytes(entry.address);
    const auto lk = e.begin_list();
    for (const core::Hash32& k : entry.storage_keys) e.add_bytes(k);
    e.end_list(lk);
    e.end_list(le);
  }
  e.end_list(l);
}

void add_authorization_list(RlpEncoder& e, const std::vector<Authorization>& auths) {
  const auto l = e.begin_list();
  for (const Authorization& a : auths) {
    const auto la = e.begin_list();
    e.add_uint(a.chain_id);
    e.add_bytes(a.address);
    e.add_uint(a.nonce);
    e.add_uint(a.y_parity);
    e.add_uint(a.r);
    e.add_uint(a.s);
    e.end_list(la);
  }
  e.end_list(l);
}

// The RLP list of a transaction's fields. with_signature false gives the signing payload (for legacy with
// EIP-155 the trailing [chain_id, 0, 0]).
Bytes encode_fields(const Transaction& tx, bool with_signature) {
  RlpEncoder e;
  const auto l = e.begin_list();
  const uint256 chain_id = tx.chain_id.value_or(uint256());
  if (tx.type == TxType::kLegacy) {
    e.add_uint(tx.nonce);
    e.add_uint(tx.gas_price);
    e.add_uint(tx.gas_limit);
    add_to(e, tx.to);
    e.add_uint(tx.value);
    e.add_bytes(tx.data);
    if (with_signature) {
      e.add_uint(tx.v);
      e.add_uint(tx.r);
      e.add_uint(tx.s);
    } else if (tx.chain_id) {
      e.add_uint(chain_id);
      e.add_uint(std::uint64_t{0});
      e.add_uint(std::uint64_t{0});
    }
    e.end_list(l);
    return std::move(e).finish();
  }
  e.add_uint(chain_id);
  e.add_uint(tx.nonce);
  if (tx.type == TxType::kAccessList) {
    e.add_uint(tx.gas_price);
  } else {
    e.add_uint(tx.max_priority_fee_per_gas);
    e.add_uint(tx.max_fee_per_gas);
  }
  e.add_uint(tx.gas_limit);
  add_to(e, tx.to);
  e.add_uint(tx.value);
  e.add_bytes(tx.data);
  add_access_list(e, tx.access_list);
  if (tx.type == TxType::kBlob) {
    e.add_uint(tx.max_fee_per_blob_gas);
    const auto lh = e.begin_list();
    for (const core::Hash32& h : tx.blob_versioned_hashes) e.add_bytes(h);
    e.end_list(lh);
  } else if (tx.type == TxType::kSetCode) {
    add_authorization_list(e, tx.authorization_list);
  }
  if (with_signature) {
    e.add_uint(tx.v);
    e.add_uint(tx.r);
    e.add_uint(tx.s);
  }
  e.end_list(l);
  return std::move(e).finish();
}

// EIP-2 / secp256k1 range of r and s.
Result<void> check_rs(const uint256& r, const uint256& s) {
  if (r.is_zero() || r >= kSecpN) return make_error(ErrorCode::kVerifyFailed, "signature r out of range");
  if (s.is_zero() || s > kSecpHalfN)
    return make_error(ErrorCode::kVerifyFailed, "signature s out of range (EIP-2 requires 1 <= s <= n/2)");
  return {};
}

Result<core::Address20> recover(const core::Hash32& msg, const uint256& r, const uint256& s, std::uint8_t y) {
  crypto::RecoverableSignature sig;
  sig.r = r.to_be32();
  sig.s = s.to_be32();
  sig.recovery_id = y;
  auto pub = crypto::ecdsa_recover(msg, sig);
  if (!pub) return make_error(ErrorCode::kVerifyFailed, "signature recovery failed: " + pub.error().message);
  return crypto::public_key_to_address(*pub);
}

}  // namespace

Result<Transaction> decode_transaction(ByteView encoded) {
  if (encoded.empty()) return make_error("tx: empty input");
  const std::uint8_t first = encoded[0];
  if (first >= 0xc0) return decode_legacy(encoded);
  // EIP-2718: a first byte in [0, 0x7f] is a type; 0x80..0xbf would be an RLP string, never a transaction.
  if (first >= static_cast<std::uint8_t>(TxType::kAccessList) && first <= static_cast<std::uint8_t>(TxType::kSetCode))
    return decode_typed(static_cast<TxType>(first), encoded.subspan(1));
  return make_error(ErrorCode::kUnsupported, "tx: unsupported transaction type 0x" +
                                                 std::string(1, "0123456789abcdef"[first >> 4]) +
                                                 std::string(1, "0123456789abcdef"[first & 15]));
}

Result<Transaction> decode_block_transaction(const core::RlpItem& item) {
  if (item.is_list) return decode_legacy(item.raw);
  // A typed transaction in a block body is a string; a legacy one inside a string is not allowed.
  if (!item.payload.empty() && item.payload[0] >= 0xc0)
    return make_error("tx: legacy transaction wrapped in an RLP string in a block body");
  return decode_transaction(item.payload);
}

Bytes encode_transaction(const Transaction& tx) {
  Bytes body = encode_fields(tx, true);
  if (tx.type == TxType::kLegacy) return body;
  Bytes out;
  out.reserve(body.size() + 1);
  out.push_back(static_cast<std::uint8_t>(tx.type));
  core::append(out, body);
  return out;
}

Bytes encode_block_transaction(const Transaction& tx) {
  if (tx.type == TxType::kLegacy) return encode_fields(tx, true);
  return core::rlp_encode_bytes(encode_transaction(tx));
}

core::Hash32 transaction_hash(const Transaction& tx) { return core::keccak256(encode_transaction(tx)); }

core::Hash32 signing_hash(const Transaction& tx) {
  const Bytes fields = encode_fields(tx, false);
  if (tx.type == TxType::kLegacy) return core::keccak256(fields);
  core::Keccak256 h;
  const std::uint8_t type = static_cast<std::uint8_t>(tx.type);
  h.update(ByteView(&type, 1));
  h.update(fields);
  return h.finalize();
}

Result<std::uint8_t> signature_y_parity(const Transaction& tx) {
  IGRA_TRY_VOID(check_rs(tx.r, tx.s));
  if (tx.type != TxType::kLegacy) {
    if (tx.v > uint256(1)) return make_error(ErrorCode::kVerifyFailed, "y_parity must be 0 or 1");
    return static_cast<std::uint8_t>(tx.v.low64());
  }
  if (tx.v == uint256(27) || tx.v == uint256(28)) {
    if (tx.chain_id) return make_error(ErrorCode::kVerifyFailed, "v 27/28 with a chain id set");
    return static_cast<std::uint8_t>(tx.v.low64() - 27);
  }
  if (tx.v < uint256(35)) return make_error(ErrorCode::kVerifyFailed, "invalid legacy v " + tx.v.to_decimal());
  // The chain id the encoder would sign must be the one v carries, or the signature covers another message.
  const uint256 derived = (tx.v - uint256(35)) >> 1;
  if (!tx.chain_id || *tx.chain_id != derived)
    return make_error(ErrorCode::kVerifyFailed, "chain id does not match v");
  return static_cast<std::uint8_t>((tx.v - uint256(35)).low64() & 1);
}

Result<core::Address20> recover_sender(const Transaction& tx) {
  IGRA_TRY(std::uint8_t y, signature_y_parity(tx));
  return recover(signing_hash(tx), tx.r, tx.s, y);
}

core::Hash32 authorization_signing_hash(const Authorization& auth) {
  RlpEncoder e;
  const auto l = e.begin_list();
  e.add_uint(auth.chain_id);
  e.add_bytes(auth.address);
  e.add_uint(auth.nonce);
  e.end_list(l);
  const Bytes body = std::move(e).finish();
  core::Keccak256 h;
  h.update(ByteView(&kAuthorizationMagic, 1));
  h.update(body);
  return h.finalize();
}

Result<core::Address20> recover_authority(const Authorization& auth) {
  if (auth.y_parity > uint256(1)) return make_error(ErrorCode::kVerifyFailed, "authorization y_parity must be 0 or 1");
  IGRA_TRY_VOID(check_rs(auth.r, auth.s));
  return recover(authorization_signing_hash(auth), auth.r, auth.s, static_cast<std::uint8_t>(auth.y_parity.low64()));
}

core::Result<void> sign_transaction(Transaction& tx, const core::FixedBytes<32>& key) {
  IGRA_TRY(auto sig, crypto::ecdsa_sign_recoverable(signing_hash(tx), key));
  tx.r = core::uint256::load_be(sig.r.data());
  tx.s = core::uint256::load_be(sig.s.data());
  const std::uint64_t y = sig.recovery_id;
  if (tx.type != TxType::kLegacy)
    tx.v = core::uint256(y);
  else if (tx.chain_id)
    tx.v = *tx.chain_id * core::uint256(2) + core::uint256(35 + y);
  else
    tx.v = core::uint256(27 + y);
  return {};
}

}  // namespace igra::chain
