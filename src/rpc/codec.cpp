#include "rpc/codec.hpp"

#include <cstdio>

#include "core/hex.hpp"

namespace igra::rpc {

std::string qty(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}
std::string qty(const core::uint256& v) { return v.to_hex(true); }
std::string hex_data(core::ByteView b) { return core::to_hex(b, true); }

void invalid_arg(int arg, const std::string& what) {
  throw RpcError(code::kInvalidParams, "invalid argument " + std::to_string(arg) + ": " + what);
}

const json& param_at(const json& params, std::size_t i) {
  static const json kNull;
  if (params.is_array() && i < params.size()) return params[i];
  return kNull;
}

namespace {

std::string_view hex_body(const json& v, int arg, const char* what) {
  if (!v.is_string()) invalid_arg(arg, std::string(what) + " must be a hex string");
  std::string_view s = v.get_ref<const std::string&>();
  if (s.size() < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) invalid_arg(arg, "hex string without 0x prefix");
  return s.substr(2);
}

int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::uint64_t parse_u64(const json& v, int arg) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  auto h = hex_body(v, arg, "quantity");
  if (h.empty()) invalid_arg(arg, "hex string \"0x\"");
  while (h.size() > 1 && h[0] == '0') h.remove_prefix(1);
  if (h.size() > 16) invalid_arg(arg, "hex number > 64 bits");
  std::uint64_t r = 0;
  for (char c : h) {
    const int n = nibble(c);
    if (n < 0) invalid_arg(arg, "invalid hex string");
    r = r << 4 | static_cast<std::uint64_t>(n);
  }
  return r;
}

core::uint256 parse_u256(const json& v, int arg) {
  if (v.is_number_unsigned()) return core::uint256(v.get<std::uint64_t>());
  auto h = hex_body(v, arg, "quantity");
  if (h.empty()) invalid_arg(arg, "hex string \"0x\"");
  while (h.size() > 1 && h[0] == '0') h.remove_prefix(1);
  if (h.size() > 64) invalid_arg(arg, "hex number > 256 bits");
  for (char c : h)
    if (nibble(c) < 0) invalid_arg(arg, "invalid hex string");
  auto r = core::uint256::from_hex(h);
  if (!r) invalid_arg(arg, r.error().message);
  return *r;
}

core::Bytes parse_data(const json& v, int arg, std::size_t max_bytes) {
  auto h = hex_body(v, arg, "data");
  if (h.size() % 2) invalid_arg(arg, "hex string of odd length");
  if (h.size() / 2 > max_bytes) invalid_arg(arg, "data longer than " + std::to_string(max_bytes) + " bytes");
  core::Bytes out(h.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int a = nibble(h[2 * i]), b = nibble(h[2 * i + 1]);
    if (a < 0 || b < 0) invalid_arg(arg, "invalid hex string");
    out[i] = static_cast<std::uint8_t>(a << 4 | b);
  }
  return out;
}

core::Address20 parse_address(const json& v, int arg) {
  auto b = parse_data(v, arg, 64);
  if (b.size() != 20) invalid_arg(arg, "address must be 20 bytes");
  return core::Address20::from_view(b);
}

core::Hash32 parse_hash(const json& v, int arg) {
  auto b = parse_data(v, arg, 64);
  if (b.size() != 32) invalid_arg(arg, "hash must be 32 bytes");
  return core::Hash32::from_view(b);
}

core::Hash32 parse_slot(const json& v, int arg) {
  auto h = hex_body(v, arg, "storage key");
  if (h.size() > 64)
    throw RpcError(code::kInvalidParams, "storage key too long (want at most 32 bytes): \"" +
                                             v.get<std::string>() + "\"");
  core::Hash32 out;
  std::size_t pos = 64 - h.size();
  for (char c : h) {
    const int n = nibble(c);
    if (n < 0) throw RpcError(code::kInvalidParams, "invalid hex in storage key: \"" + v.get<std::string>() + "\"");
    out[pos / 2] |= static_cast<std::uint8_t>(pos % 2 ? n : n << 4);
    ++pos;
  }
  return out;
}

bool parse_bool(const json& v, int arg) {
  if (!v.is_boolean()) invalid_arg(arg, "expected a boolean");
  return v.get<bool>();
}

json header_json(const chain::BlockHeader& h, const core::Hash32& hash) {
  json j = {
      {"hash", hex_data(hash)},
      {"parentHash", hex_data(h.parent_hash)},
      {"sha3Uncles", hex_data(h.ommers_hash)},
      {"miner", hex_data(h.coinbase)},
      {"stateRoot", hex_data(h.state_root)},
      {"transactionsRoot", hex_data(h.transactions_root)},
      {"receiptsRoot", hex_data(h.receipts_root)},
      {"logsBloom", hex_data(h.logs_bloom)},
      {"difficulty", qty(h.difficulty)},
      {"number", qty(h.number)},
      {"gasLimit", qty(h.gas_limit)},
      {"gasUsed", qty(h.gas_used)},
      {"timestamp", qty(h.timestamp)},
      {"extraData", hex_data(h.extra_data)},
      {"mixHash", hex_data(h.mix_hash)},
      {"nonce", hex_data(h.nonce)},
  };
  if (h.base_fee_per_gas) j["baseFeePerGas"] = qty(*h.base_fee_per_gas);
  if (h.withdrawals_root) j["withdrawalsRoot"] = hex_data(*h.withdrawals_root);
  if (h.blob_gas_used) j["blobGasUsed"] = qty(*h.blob_gas_used);
  if (h.excess_blob_gas) j["excessBlobGas"] = qty(*h.excess_blob_gas);
  if (h.parent_beacon_block_root) j["parentBeaconBlockRoot"] = hex_data(*h.parent_beacon_block_root);
  if (h.requests_hash) j["requestsHash"] = hex_data(*h.requests_hash);
  return j;
}

core::uint256 effective_gas_price(const chain::Transaction& tx, const core::uint256& base_fee) {
  if (tx.type == chain::TxType::kLegacy || tx.type == chain::TxType::kAccessList) return tx.gas_price;
  if (tx.max_fee_per_gas < base_fee) return tx.max_fee_per_gas;
  const core::uint256 tip = std::min(tx.max_priority_fee_per_gas, tx.max_fee_per_gas - base_fee);
  return base_fee + tip;
}

json transaction_json(const chain::Transaction& tx, const core::Hash32& hash, const core::Address20& from,
                      const std::optional<TxPlace>& place) {
  json j;
  if (place) {
    j["blockHash"] = hex_data(place->block_hash);
    j["blockNumber"] = qty(place->block_number);
    j["blockTimestamp"] = qty(place->block_timestamp);
    j["transactionIndex"] = qty(place->index);
  } else {
    j["blockHash"] = nullptr;
    j["blockNumber"] = nullptr;
    j["transactionIndex"] = nullptr;
  }
  j["from"] = hex_data(from);
  j["gas"] = qty(tx.gas_limit);
  j["hash"] = hex_data(hash);
  j["input"] = hex_data(tx.data);
  j["nonce"] = qty(tx.nonce);
  j["to"] = tx.to ? json(hex_data(*tx.to)) : json(nullptr);
  j["value"] = qty(tx.value);
  j["type"] = qty(static_cast<std::uint64_t>(tx.type));
  const bool dynamic = tx.type != chain::TxType::kLegacy && tx.type != chain::TxType::kAccessList;
  if (dynamic) {
    j["maxFeePerGas"] = qty(tx.max_fee_per_gas);
    j["maxPriorityFeePerGas"] = qty(tx.max_priority_fee_per_gas);
    j["gasPrice"] = qty(place ? effective_gas_price(tx, place->base_fee) : tx.max_fee_per_gas);
  } else {
    j["gasPrice"] = qty(tx.gas_price);
  }
  if (tx.chain_id) j["chainId"] = qty(*tx.chain_id);
  if (tx.type != chain::TxType::kLegacy) {
    json al = json::array();
    for (const auto& e : tx.access_list) {
      json keys = json::array();
      for (const auto& k : e.storage_keys) keys.push_back(hex_data(k));
      al.push_back({{"address", hex_data(e.address)}, {"storageKeys", std::move(keys)}});
    }
    j["accessList"] = std::move(al);
    j["yParity"] = qty(tx.v);
  }
  if (tx.type == chain::TxType::kBlob) {
    j["maxFeePerBlobGas"] = qty(tx.max_fee_per_blob_gas);
    json hs = json::array();
    for (const auto& h : tx.blob_versioned_hashes) hs.push_back(hex_data(h));
    j["blobVersionedHashes"] = std::move(hs);
  }
  if (tx.type == chain::TxType::kSetCode) {
    json auths = json::array();
    for (const auto& a : tx.authorization_list)
      auths.push_back({{"chainId", qty(a.chain_id)},
                       {"address", hex_data(a.address)},
                       {"nonce", qty(a.nonce)},
                       {"yParity", qty(a.y_parity)},
                       {"r", qty(a.r)},
                       {"s", qty(a.s)}});
    j["authorizationList"] = std::move(auths);
  }
  j["v"] = qty(tx.v);
  j["r"] = qty(tx.r);
  j["s"] = qty(tx.s);
  return j;
}

json withdrawal_json(const chain::Withdrawal& w) {
  return {{"index", qty(w.index)},
          {"validatorIndex", qty(w.validator_index)},
          {"address", hex_data(w.address)},
          {"amount", qty(w.amount_gwei)}};
}

json log_json(const chain::Log& log, const LogPlace& p, bool removed) {
  json topics = json::array();
  for (const auto& t : log.topics) topics.push_back(hex_data(t));
  return {{"address", hex_data(log.address)},
          {"topics", std::move(topics)},
          {"data", hex_data(log.data)},
          {"blockNumber", qty(p.block_number)},
          {"transactionHash", hex_data(p.tx_hash)},
          {"transactionIndex", qty(p.tx_index)},
          {"blockHash", hex_data(p.block_hash)},
          {"blockTimestamp", qty(p.block_timestamp)},
          {"logIndex", qty(p.log_index)},
          {"removed", removed}};
}

namespace {
std::size_t list_prefix_len(std::size_t payload) {
  if (payload < 56) return 1;
  std::size_t n = 0;
  for (std::size_t v = payload; v; v >>= 8) ++n;
  return 1 + n;
}
std::size_t payload_len(core::ByteView rlp) {
  if (rlp.empty()) return 0;
  const std::uint8_t b = rlp[0];
  if (b < 0xf8) return rlp.size() - 1;
  return rlp.size() - 1 - (b - 0xf7);
}
}  // namespace

std::uint64_t block_rlp_size(core::ByteView header_rlp, core::ByteView body_rlp) {
  const std::size_t payload = header_rlp.size() + payload_len(body_rlp);
  return payload + list_prefix_len(payload);
}

std::string revert_message(core::ByteView out) {
  std::string msg = "execution reverted";
  if (out.size() >= 4 + 64 && out[0] == 0x08 && out[1] == 0xc3 && out[2] == 0x79 && out[3] == 0xa0) {
    // Error(string): offset, length, bytes.
    const core::uint256 off = core::uint256::load_be(out.data() + 4);
    if (off.bit_width() <= 32 && 4 + off.low64() + 32 <= out.size()) {
      const std::size_t o = 4 + off.low64();
      const core::uint256 len = core::uint256::load_be(out.data() + o);
      if (len.bit_width() <= 32 && o + 32 + len.low64() <= out.size())
        msg += ": " + std::string(reinterpret_cast<const char*>(out.data() + o + 32), len.low64());
    }
  } else if (out.size() == 4 + 32 && out[0] == 0x4e && out[1] == 0x48 && out[2] == 0x7b && out[3] == 0x71) {
    const core::uint256 c = core::uint256::load_be(out.data() + 4);
    static const std::pair<std::uint64_t, const char*> kReasons[] = {
        {0x00, "generic panic"},
        {0x01, "assert(false)"},
        {0x11, "arithmetic underflow or overflow"},
        {0x12, "division or modulo by zero"},
        {0x21, "enum overflow"},
        {0x22, "storage byte array that is incorrectly encoded"},
        {0x31, "out-of-bounds array access; popping on an empty array"},
        {0x32, "out-of-bounds access of an array or bytesN"},
        {0x41, "out of memory"},
        {0x51, "uninitialized function"},
    };
    const char* reason = nullptr;
    if (c.bit_width() <= 64)
      for (const auto& [k, r] : kReasons)
        if (c.low64() == k) reason = r;
    msg += reason ? std::string(": ") + reason : ": unknown panic code: " + c.to_hex(true);
  }
  return msg;
}

}  // namespace igra::rpc
