#include "kaspa/tx_json.hpp"

#include <charconv>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "core/hex.hpp"
#include "kaspa/mass.hpp"
#include "kaspa/tx_id.hpp"

namespace igra::kaspa {

namespace {

// --- A small strict JSON reader (RFC 8259), enough for transaction objects --------------------------------
struct Json {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  std::string text;  // number token or decoded string
  std::vector<Json> items;
  // Object members as parallel vectors (std::pair<std::string, Json> would need Json complete here).
  std::vector<std::string> keys;
  std::vector<Json> values;

  const Json* find(std::string_view key) const {
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (keys[i] == key) return &values[i];
    return nullptr;
  }
};

class JsonParser {
 public:
  explicit JsonParser(std::string_view s) : s_(s) {}

  core::Result<Json> parse_document() {
    IGRA_TRY(Json v, parse_value(0));
    skip_ws();
    if (pos_ != s_.size()) return fail("trailing characters");
    return v;
  }

 private:
  static constexpr int kMaxDepth = 64;

  core::Error fail(const std::string& what) const {
    return core::make_error("json: " + what + " at offset " + std::to_string(pos_));
  }
  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  bool consume_literal(std::string_view lit) {
    if (s_.substr(pos_, lit.size()) == lit) {
      pos_ += lit.size();
      return true;
    }
    return false;
  }

  core::Result<Json> parse_value(int depth) {
    if (depth > kMaxDepth) return fail("nesting too deep");
    skip_ws();
    if (pos_ >= s_.size()) return fail("unexpected end of input");
    Json v;
    const char c = s_[pos_];
    if (c == '{') {
      v.kind = Json::Kind::kObject;
      ++pos_;
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == '}') {
        ++pos_;
        return v;
      }
      while (true) {
        skip_ws();
        if (pos_ >= s_.size() || s_[pos_] != '"') return fail("expected a string key");
        IGRA_TRY(std::string key, parse_string());
        skip_ws();
        if (pos_ >= s_.size() || s_[pos_] != ':') return fail("expected ':'");
        ++pos_;
        IGRA_TRY(Json member, parse_value(depth + 1));
        v.keys.push_back(std::move(key));
        v.values.push_back(std::move(member));
        skip_ws();
        if (pos_ < s_.size() && s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < s_.size() && s_[pos_] == '}') {
          ++pos_;
          return v;
        }
        return fail("expected ',' or '}'");
      }
    }
    if (c == '[') {
      v.kind = Json::Kind::kArray;
      ++pos_;
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == ']') {
        ++pos_;
        return v;
      }
      while (true) {
        IGRA_TRY(Json item, parse_value(depth + 1));
        v.items.push_back(std::move(item));
        skip_ws();
        if (pos_ < s_.size() && s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < s_.size() && s_[pos_] == ']') {
          ++pos_;
          return v;
        }
        return fail("expected ',' or ']'");
      }
    }
    if (c == '"') {
      v.kind = Json::Kind::kString;
      IGRA_TRY(v.text, parse_string());
      return v;
    }
    if (consume_literal("true")) {
      v.kind = Json::Kind::kBool;
      v.boolean = true;
      return v;
    }
    if (consume_literal("false")) {
      v.kind = Json::Kind::kBool;
      return v;
    }
    if (consume_literal("null")) return v;
    if (c == '-' || (c >= '0' && c <= '9')) {
      const std::size_t start = pos_;
      if (s_[pos_] == '-') ++pos_;
      auto digits = [&] {
        const std::size_t d = pos_;
        while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
        return pos_ - d;
      };
      if (digits() == 0) return fail("malformed number");
      if (pos_ < s_.size() && s_[pos_] == '.') {
        ++pos_;
        if (digits() == 0) return fail("malformed number");
      }
      if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
        ++pos_;
        if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
        if (digits() == 0) return fail("malformed number");
      }
      v.kind = Json::Kind::kNumber;
      v.text = std::string(s_.substr(start, pos_ - start));
      return v;
    }
    return fail("unexpected character");
  }

  static void put_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
      out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
  }

  core::Result<std::uint32_t> hex4() {
    if (s_.size() - pos_ < 4) return fail("truncated \\u escape");
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = s_[pos_++];
      v <<= 4;
      if (h >= '0' && h <= '9') v |= static_cast<std::uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f') v |= static_cast<std::uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') v |= static_cast<std::uint32_t>(h - 'A' + 10);
      else return fail("bad \\u escape");
    }
    return v;
  }

  core::Result<std::string> parse_string() {
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      if (pos_ >= s_.size()) return fail("unterminated string");
      const char c = s_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in string");
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) return fail("unterminated escape");
      const char e = s_[pos_++];
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          IGRA_TRY(std::uint32_t cp, hex4());
          if (cp >= 0xd800 && cp < 0xdc00) {
            if (!consume_literal("\\u")) return fail("lone high surrogate");
            IGRA_TRY(std::uint32_t lo, hex4());
            if (lo < 0xdc00 || lo >= 0xe000) return fail("bad low surrogate");
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          } else if (cp >= 0xdc00 && cp < 0xe000) {
            return fail("lone low surrogate");
          }
          put_utf8(out, cp);
          break;
        }
        default:
          return fail("bad escape");
      }
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

// --- Field access with paths in errors ---------------------------------------------------------------
core::Error field_error(const std::string& path, const std::string& what) {
  return core::make_error("tx json: " + path + ": " + what);
}

core::Result<const Json*> member(const Json& obj, std::string_view key, const std::string& path) {
  if (obj.kind != Json::Kind::kObject) return field_error(path, "expected an object");
  const Json* v = obj.find(key);
  if (!v) return field_error(path + "." + std::string(key), "missing");
  return v;
}

// Unsigned integer from a JSON number or a decimal string, at most `max`.
core::Result<std::uint64_t> as_uint(const Json& v, const std::string& path, std::uint64_t max) {
  if (v.kind != Json::Kind::kNumber && v.kind != Json::Kind::kString)
    return field_error(path, "expected an integer (number or decimal string)");
  const std::string& t = v.text;
  if (t.empty()) return field_error(path, "empty integer");
  for (char c : t)
    if (c < '0' || c > '9') return field_error(path, "not a non-negative decimal integer: \"" + t + "\"");
  std::uint64_t out = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
  if (ec != std::errc() || ptr != t.data() + t.size() || out > max)
    return field_error(path, "integer " + t + " out of range (max " + std::to_string(max) + ")");
  return out;
}

template <typename T>
core::Result<T> uint_field(const Json& obj, std::string_view key, const std::string& path) {
  IGRA_TRY(const Json* v, member(obj, key, path));
  IGRA_TRY(std::uint64_t x, as_uint(*v, path + "." + std::string(key), std::numeric_limits<T>::max()));
  return static_cast<T>(x);
}

core::Result<std::string> string_field(const Json& obj, std::string_view key, const std::string& path) {
  IGRA_TRY(const Json* v, member(obj, key, path));
  if (v->kind != Json::Kind::kString) return field_error(path + "." + std::string(key), "expected a string");
  return v->text;
}

core::Result<core::Bytes> hex_field(const Json& obj, std::string_view key, const std::string& path) {
  IGRA_TRY(std::string s, string_field(obj, key, path));
  auto b = core::from_hex(s);
  if (!b) return field_error(path + "." + std::string(key), b.error().message);
  return std::move(b).value();
}

template <std::size_t N>
core::Result<core::FixedBytes<N>> fixed_field(const Json& obj, std::string_view key, const std::string& path) {
  IGRA_TRY(std::string s, string_field(obj, key, path));
  auto b = core::fixed_from_hex<N>(s);
  if (!b) return field_error(path + "." + std::string(key), b.error().message);
  return *b;
}

core::Result<const Json*> array_field(const Json& obj, std::string_view key, const std::string& path) {
  IGRA_TRY(const Json* v, member(obj, key, path));
  if (v->kind != Json::Kind::kArray) return field_error(path + "." + std::string(key), "expected an array");
  return v;
}

core::Result<Json> parse_json(std::string_view text) { return JsonParser(text).parse_document(); }

// --- Writers -------------------------------------------------------------------------------------------
std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }
std::string u64_string(std::uint64_t v) { return quoted(std::to_string(v)); }
std::string hex_string(core::ByteView b) { return quoted(core::to_hex(b)); }

// --- Vectors form ---------------------------------------------------------------------------------------
core::Result<std::optional<CovenantBinding>> covenant_from(const Json& out, std::string_view key,
                                                           std::string_view auth_key, std::string_view id_key,
                                                           const std::string& path) {
  const Json* c = out.find(key);
  if (!c || c->kind == Json::Kind::kNull) return std::optional<CovenantBinding>();
  const std::string p = path + "." + std::string(key);
  CovenantBinding cov;
  IGRA_TRY(cov.authorizing_input, uint_field<std::uint16_t>(*c, auth_key, p));
  IGRA_TRY(cov.covenant_id, fixed_field<32>(*c, id_key, p));
  return std::optional<CovenantBinding>(cov);
}

core::Result<ScriptPublicKey> spk_from_vector(const Json& obj, const std::string& path) {
  IGRA_TRY(const Json* spk, member(obj, "script_public_key", path));
  const std::string p = path + ".script_public_key";
  ScriptPublicKey out;
  IGRA_TRY(out.version, uint_field<std::uint16_t>(*spk, "version", p));
  IGRA_TRY(out.script, hex_field(*spk, "script", p));
  return out;
}

core::Result<Transaction> transaction_from_vector_value(const Json& j) {
  const std::string root = "tx";
  Transaction tx;
  IGRA_TRY(tx.version, uint_field<std::uint16_t>(j, "version", root));
  IGRA_TRY(const Json* inputs, array_field(j, "inputs", root));
  for (std::size_t i = 0; i < inputs->items.size(); ++i) {
    const Json& in = inputs->items[i];
    const std::string p = root + ".inputs[" + std::to_string(i) + "]";
    TransactionInput ti;
    IGRA_TRY(const Json* op, member(in, "previous_outpoint", p));
    IGRA_TRY(ti.previous_outpoint.transaction_id, fixed_field<32>(*op, "transaction_id", p + ".previous_outpoint"));
    IGRA_TRY(ti.previous_outpoint.index, uint_field<std::uint32_t>(*op, "index", p + ".previous_outpoint"));
    IGRA_TRY(ti.signature_script, hex_field(in, "signature_script", p));
    IGRA_TRY(ti.sequence, uint_field<std::uint64_t>(in, "sequence", p));
    const bool has_sig_ops = in.find("sig_op_count") != nullptr;
    const bool has_budget = in.find("compute_budget") != nullptr;
    if (has_sig_ops && has_budget) return field_error(p, "both sig_op_count and compute_budget given");
    if (has_sig_ops) {
      IGRA_TRY(auto n, uint_field<std::uint8_t>(in, "sig_op_count", p));
      ti.compute_commit = SigOpCount{n};
    } else if (has_budget) {
      IGRA_TRY(auto n, uint_field<std::uint16_t>(in, "compute_budget", p));
      ti.compute_commit = ComputeBudget{n};
    } else if (tx.version >= kTxVersionToccata) {
      ti.compute_commit = ComputeBudget{0};
    } else {
      ti.compute_commit = SigOpCount{0};
    }
    tx.inputs.push_back(std::move(ti));
  }
  IGRA_TRY(const Json* outputs, array_field(j, "outputs", root));
  for (std::size_t i = 0; i < outputs->items.size(); ++i) {
    const Json& out = outputs->items[i];
    const std::string p = root + ".outputs[" + std::to_string(i) + "]";
    TransactionOutput to;
    IGRA_TRY(to.value, uint_field<std::uint64_t>(out, "value", p));
    IGRA_TRY(to.script_public_key, spk_from_vector(out, p));
    IGRA_TRY(to.covenant, covenant_from(out, "covenant", "authorizing_input", "covenant_id", p));
    tx.outputs.push_back(std::move(to));
  }
  IGRA_TRY(tx.lock_time, uint_field<std::uint64_t>(j, "lock_time", root));
  IGRA_TRY(tx.subnetwork_id, fixed_field<20>(j, "subnetwork_id", root));
  IGRA_TRY(tx.gas, uint_field<std::uint64_t>(j, "gas", root));
  IGRA_TRY(tx.payload, hex_field(j, "payload", root));
  if (j.find("storage_mass")) {
    IGRA_TRY(tx.storage_mass, uint_field<std::uint64_t>(j, "storage_mass", root));
  } else if (j.find("mass")) {
    IGRA_TRY(tx.storage_mass, uint_field<std::uint64_t>(j, "mass", root));
  }
  return tx;
}

// --- RPC form -------------------------------------------------------------------------------------------
core::Result<ScriptPublicKey> spk_from_rpc_hex(const Json& obj, std::string_view key, const std::string& path) {
  IGRA_TRY(core::Bytes raw, hex_field(obj, key, path));
  if (raw.size() < 2) return field_error(path + "." + std::string(key), "script public key shorter than its 2-byte version");
  ScriptPublicKey spk;
  spk.version = static_cast<std::uint16_t>((raw[0] << 8) | raw[1]);
  spk.script.assign(raw.begin() + 2, raw.end());
  return spk;
}

std::string spk_to_rpc_hex(const ScriptPublicKey& spk) {
  core::Bytes raw;
  core::put_be<std::uint16_t>(raw, spk.version);
  core::append(raw, spk.script);
  return hex_string(raw);
}

core::Result<Transaction> transaction_from_rpc_value(const Json& j) {
  const std::string root = "transaction";
  Transaction tx;
  IGRA_TRY(tx.version, uint_field<std::uint16_t>(j, "version", root));
  IGRA_TRY(const Json* inputs, array_field(j, "inputs", root));
  for (std::size_t i = 0; i < inputs->items.size(); ++i) {
    const Json& in = inputs->items[i];
    const std::string p = root + ".inputs[" + std::to_string(i) + "]";
    TransactionInput ti;
    IGRA_TRY(const Json* op, member(in, "previousOutpoint", p));
    IGRA_TRY(ti.previous_outpoint.transaction_id, fixed_field<32>(*op, "transactionId", p + ".previousOutpoint"));
    IGRA_TRY(ti.previous_outpoint.index, uint_field<std::uint32_t>(*op, "index", p + ".previousOutpoint"));
    IGRA_TRY(ti.signature_script, hex_field(in, "signatureScript", p));
    IGRA_TRY(ti.sequence, uint_field<std::uint64_t>(in, "sequence", p));
    std::uint8_t sig_ops = 0;
    std::uint16_t budget = 0;
    if (in.find("sigOpCount")) {
      IGRA_TRY(sig_ops, uint_field<std::uint8_t>(in, "sigOpCount", p));
    }
    if (in.find("computeBudget")) {
      IGRA_TRY(budget, uint_field<std::uint16_t>(in, "computeBudget", p));
    }
    if (tx.version >= kTxVersionToccata)
      ti.compute_commit = ComputeBudget{budget};
    else
      ti.compute_commit = SigOpCount{sig_ops};
    tx.inputs.push_back(std::move(ti));
  }
  IGRA_TRY(const Json* outputs, array_field(j, "outputs", root));
  for (std::size_t i = 0; i < outputs->items.size(); ++i) {
    const Json& out = outputs->items[i];
    const std::string p = root + ".outputs[" + std::to_string(i) + "]";
    TransactionOutput to;
    IGRA_TRY(to.value, uint_field<std::uint64_t>(out, "value", p));
    IGRA_TRY(to.script_public_key, spk_from_rpc_hex(out, "scriptPublicKey", p));
    IGRA_TRY(to.covenant, covenant_from(out, "covenant", "authorizingInput", "covenantId", p));
    tx.outputs.push_back(std::move(to));
  }
  IGRA_TRY(tx.lock_time, uint_field<std::uint64_t>(j, "lockTime", root));
  IGRA_TRY(tx.subnetwork_id, fixed_field<20>(j, "subnetworkId", root));
  IGRA_TRY(tx.gas, uint_field<std::uint64_t>(j, "gas", root));
  IGRA_TRY(tx.payload, hex_field(j, "payload", root));
  const Json* sm = j.find("storageMass");
  const Json* m = j.find("mass");
  if (sm && sm->kind == Json::Kind::kNull) sm = nullptr;
  if (m && m->kind == Json::Kind::kNull) m = nullptr;
  if (!sm && !m) return field_error(root, "either storageMass or mass must be provided");
  std::uint64_t storage_mass = 0, mass = 0;
  if (sm) {
    IGRA_TRY(storage_mass, as_uint(*sm, root + ".storageMass", std::numeric_limits<std::uint64_t>::max()));
  }
  if (m) {
    IGRA_TRY(mass, as_uint(*m, root + ".mass", std::numeric_limits<std::uint64_t>::max()));
  }
  if (sm && m && storage_mass != mass)
    return field_error(root, "storageMass and mass must match when both are provided: storageMass=" +
                                 std::to_string(storage_mass) + ", mass=" + std::to_string(mass));
  tx.storage_mass = sm ? storage_mass : mass;
  return tx;
}

}  // namespace

core::Result<Transaction> transaction_from_vector_json(std::string_view json) {
  IGRA_TRY(Json j, parse_json(json));
  return transaction_from_vector_value(j);
}

std::string transaction_to_vector_json(const Transaction& tx) {
  std::string s = "{\"version\":" + std::to_string(tx.version) + ",\"inputs\":[";
  for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
    const auto& in = tx.inputs[i];
    if (i) s += ",";
    s += "{\"previous_outpoint\":{\"transaction_id\":" + hex_string(in.previous_outpoint.transaction_id) +
         ",\"index\":" + std::to_string(in.previous_outpoint.index) + "},\"signature_script\":" +
         hex_string(in.signature_script) + ",\"sequence\":" + u64_string(in.sequence);
    if (std::holds_alternative<ComputeBudget>(in.compute_commit))
      s += ",\"compute_budget\":" + std::to_string(in.compute_budget());
    else
      s += ",\"sig_op_count\":" + std::to_string(in.sig_op_count());
    s += "}";
  }
  s += "],\"outputs\":[";
  for (std::size_t i = 0; i < tx.outputs.size(); ++i) {
    const auto& out = tx.outputs[i];
    if (i) s += ",";
    s += "{\"value\":" + u64_string(out.value) + ",\"script_public_key\":{\"version\":" +
         std::to_string(out.script_public_key.version) + ",\"script\":" + hex_string(out.script_public_key.script) +
         "},\"covenant\":";
    if (out.covenant)
      s += "{\"authorizing_input\":" + std::to_string(out.covenant->authorizing_input) +
           ",\"covenant_id\":" + hex_string(out.covenant->covenant_id) + "}";
    else
      s += "null";
    s += "}";
  }
  s += "],\"lock_time\":" + u64_string(tx.lock_time) + ",\"subnetwork_id\":" + hex_string(tx.subnetwork_id) +
       ",\"gas\":" + u64_string(tx.gas) + ",\"payload\":" + hex_string(tx.payload) +
       ",\"storage_mass\":" + u64_string(tx.storage_mass) + "}";
  return s;
}

core::Result<UtxoEntry> utxo_entry_from_vector_json(std::string_view json) {
  IGRA_TRY(Json j, parse_json(json));
  UtxoEntry e;
  IGRA_TRY(e.amount, uint_field<std::uint64_t>(j, "amount", "utxo_entry"));
  IGRA_TRY(e.script_public_key, spk_from_vector(j, "utxo_entry"));
  if (j.find("block_daa_score")) {
    IGRA_TRY(e.block_daa_score, uint_field<std::uint64_t>(j, "block_daa_score", "utxo_entry"));
  }
  if (const Json* c = j.find("is_coinbase"); c && c->kind == Json::Kind::kBool) e.is_coinbase = c->boolean;
  if (const Json* c = j.find("covenant_id"); c && c->kind != Json::Kind::kNull) {
    IGRA_TRY(auto id, fixed_field<32>(j, "covenant_id", "utxo_entry"));
    e.covenant_id = id;
  }
  return e;
}

core::Result<Transaction> transaction_from_rpc_json(std::string_view json) {
  IGRA_TRY(Json j, parse_json(json));
  return transaction_from_rpc_value(j);
}

std::string transaction_to_rpc_json(const Transaction& tx, bool with_verbose_data) {
  std::string s = "{\"version\":" + std::to_string(tx.version) + ",\"inputs\":[";
  for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
    const auto& in = tx.inputs[i];
    if (i) s += ",";
    s += "{\"previousOutpoint\":{\"transactionId\":" + hex_string(in.previous_outpoint.transaction_id) +
         ",\"index\":" + std::to_string(in.previous_outpoint.index) + "},\"signatureScript\":" +
         hex_string(in.signature_script) + ",\"sequence\":" + std::to_string(in.sequence) +
         ",\"sigOpCount\":" + std::to_string(in.sig_op_count()) +
         ",\"computeBudget\":" + std::to_string(in.compute_budget()) + ",\"verboseData\":null}";
  }
  s += "],\"outputs\":[";
  for (std::size_t i = 0; i < tx.outputs.size(); ++i) {
    const auto& out = tx.outputs[i];
    if (i) s += ",";
    s += "{\"value\":" + std::to_string(out.value) + ",\"scriptPublicKey\":" + spk_to_rpc_hex(out.script_public_key) +
         ",\"verboseData\":null,\"covenant\":";
    if (out.covenant)
      s += "{\"authorizingInput\":" + std::to_string(out.covenant->authorizing_input) +
           ",\"covenantId\":" + hex_string(out.covenant->covenant_id) + "}";
    else
      s += "null";
    s += "}";
  }
  s += "],\"lockTime\":" + std::to_string(tx.lock_time) + ",\"subnetworkId\":" + hex_string(tx.subnetwork_id) +
       ",\"gas\":" + std::to_string(tx.gas) + ",\"payload\":" + hex_string(tx.payload) +
       ",\"storageMass\":" + std::to_string(tx.storage_mass) + ",\"mass\":" + std::to_string(tx.storage_mass) +
       ",\"verboseData\":";
  if (with_verbose_data) {
    const core::Hash32 zero{};
    s += "{\"transactionId\":" + hex_string(transaction_id(tx)) + ",\"hash\":" + hex_string(transaction_hash(tx)) +
         ",\"computeMass\":" + std::to_string(calc_non_contextual_masses(tx).compute_mass) +
         ",\"blockHash\":" + hex_string(zero) + ",\"blockTime\":0}";
  } else {
    s += "null";
  }
  s += "}";
  return s;
}

core::Result<UtxoEntry> utxo_entry_from_rpc_json(std::string_view json) {
  IGRA_TRY(Json j, parse_json(json));
  const std::string root = "utxoEntry";
  UtxoEntry e;
  IGRA_TRY(e.amount, uint_field<std::uint64_t>(j, "amount", root));
  IGRA_TRY(e.script_public_key, spk_from_rpc_hex(j, "scriptPublicKey", root));
  IGRA_TRY(e.block_daa_score, uint_field<std::uint64_t>(j, "blockDaaScore", root));
  IGRA_TRY(const Json* cb, member(j, "isCoinbase", root));
  if (cb->kind != Json::Kind::kBool) return field_error(root + ".isCoinbase", "expected a boolean");
  e.is_coinbase = cb->boolean;
  if (const Json* c = j.find("covenantId"); c && c->kind != Json::Kind::kNull) {
    IGRA_TRY(auto id, fixed_field<32>(j, "covenantId", root));
    e.covenant_id = id;
  }
  return e;
}

std::string utxo_entry_to_rpc_json(const UtxoEntry& entry) {
  std::string s = "{\"amount\":" + std::to_string(entry.amount) +
                  ",\"scriptPublicKey\":" + spk_to_rpc_hex(entry.script_public_key) +
                  ",\"blockDaaScore\":" + std::to_string(entry.block_daa_score) +
                  ",\"isCoinbase\":" + (entry.is_coinbase ? "true" : "false") + ",\"covenantId\":";
  s += entry.covenant_id ? hex_string(*entry.covenant_id) : "null";
  s += "}";
  return s;
}

core::Result<Transaction> transaction_from_json(std::string_view json) {
  IGRA_TRY(Json j, parse_json(json));
  if (j.kind == Json::Kind::kObject && j.find("lockTime")) return transaction_from_rpc_value(j);
  return transaction_from_vector_value(j);
}

}  // namespace igra::kaspa
