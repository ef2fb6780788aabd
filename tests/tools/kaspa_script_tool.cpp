// igra-kaspa-script-tool: exposes addresses, standard scripts and the script builder to the differential oracle
// tests (tests/oracle/test_addresses.py). Reads one JSON request per stdin line, writes one JSON response per
// line. Every response is an object; failures are {"error": "..."}.
//
// Requests ("op"):
//   keys        {secret}                          -> {xonly, compressed}
//   address     {prefix, version, payload}        -> {address}
//   decode      {address}                         -> {prefix, version, payload}
//   address_spk {address}                         -> {version, script}
//   spk_address {version, script, prefix}         -> {address}
//   classify    {version, script}                 -> {class}
//   multisig    {required, keys[], ecdsa, prefix, lock_time?} -> {redeem, spk, address}
//   build       {items: [{op}|{data}|{i64}|{lock_time}|{sequence}]} -> {script}
//   p2sh        {redeem, prefix}                  -> {spk, address}
//   p2sh_sig    {redeem, signature}               -> {script}
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/hex.hpp"
#include "crypto/secp256k1.hpp"
#include "kaspa/address.hpp"
#include "kaspa/script_builder.hpp"
#include "kaspa/script_class.hpp"

using namespace igra;
using nlohmann::json;

namespace {

json fail(std::string message) { return json{{"error", std::move(message)}}; }

core::Result<kaspa::Prefix> prefix_of(const json& req) {
  const std::string name = req.at("prefix").get<std::string>();
  auto p = kaspa::prefix_from_name(name);
  if (!p) return core::make_error("unknown prefix " + name);
  return *p;
}

json handle(const json& req) {
  const std::string op = req.at("op").get<std::string>();
  if (op == "keys") {
    auto sk = core::fixed_from_hex<32>(req.at("secret").get<std::string>());
    if (!sk) return fail(sk.error().message);
    auto x = crypto::schnorr_public_key(*sk);
    auto c = crypto::ecdsa_public_key_compressed(*sk);
    if (!x || !c) return fail("bad secret key");
    return json{{"xonly", core::to_hex(*x)}, {"compressed", core::to_hex(*c)}};
  }
  if (op == "address") {
    auto prefix = prefix_of(req);
    if (!prefix) return fail(prefix.error().message);
    auto v = kaspa::address_version_from_u8(static_cast<std::uint8_t>(req.at("version").get<int>()));
    if (!v) return fail("unknown version");
    auto payload = core::from_hex(req.at("payload").get<std::string>());
    if (!payload) return fail(payload.error().message);
    return json{{"address", kaspa::Address{*prefix, *v, *payload}.to_string()}};
  }
  if (op == "decode") {
    auto a = kaspa::decode_address(req.at("address").get<std::string>());
    if (!a) return fail(a.error().message);
    return json{{"prefix", std::string(kaspa::prefix_name(a->prefix))},
                {"version", static_cast<int>(a->version)},
                {"payload", core::to_hex(a->payload)}};
  }
  if (op == "address_spk") {
    auto a = kaspa::decode_address(req.at("address").get<std::string>());
    if (!a) return fail(a.error().message);
    auto spk = kaspa::pay_to_address_script(*a);
    if (!spk) return fail(spk.error().message);
    return json{{"version", spk->version}, {"script", core::to_hex(spk->script)}};
  }
  if (op == "spk_address" || op == "classify") {
    auto script = core::from_hex(req.at("script").get<std::string>());
    if (!script) return fail(script.error().message);
    const kaspa::ScriptPublicKey spk{static_cast<std::uint16_t>(req.at("version").get<int>()), *script};
    if (op == "classify")
      return json{{"class", std::string(kaspa::script_class_name(kaspa::classify_script_public_key(spk)))}};
    auto prefix = prefix_of(req);
    if (!prefix) return fail(prefix.error().message);
    auto a = kaspa::extract_script_public_key_address(spk, *prefix);
    if (!a) return fail(a.error().message);
    return json{{"address", a->to_string()}};
  }
  if (op == "multisig") {
    std::vector<core::Bytes> keys;
    for (const auto& k : req.at("keys")) {
      auto b = core::from_hex(k.get<std::string>());
      if (!b) return fail(b.error().message);
      keys.push_back(*b);
    }
    const bool ecdsa = req.value("ecdsa", false);
    const auto required = req.at("required").get<std::size_t>();
    auto redeem = req.contains("lock_time")
                      ? kaspa::cltv_multisig_redeem_script(req.at("lock_time").get<std::uint64_t>(), required, keys,
                                                           ecdsa)
                      : kaspa::multisig_redeem_script(required, keys, ecdsa);
    if (!redeem) return fail(redeem.error().message);
    auto prefix = prefix_of(req);
    if (!prefix) return fail(prefix.error().message);
    const auto spk = kaspa::p2sh_script(*redeem);
    auto a = kaspa::extract_script_public_key_address(spk, *prefix);
    if (!a) return fail(a.error().message);
    return json{{"redeem", core::to_hex(*redeem)}, {"spk", core::to_hex(spk.script)}, {"address", a->to_string()}};
  }
  if (op == "build") {
    kaspa::ScriptBuilder b;
    for (const auto& item : req.at("items")) {
      if (item.contains("op")) {
        b.add_op(item.at("op").get<std::uint8_t>());
      } else if (item.contains("data")) {
        auto d = core::from_hex(item.at("data").get<std::string>());
        if (!d) return fail(d.error().message);
        b.add_data(*d);
      } else if (item.contains("i64")) {
        b.add_i64(item.at("i64").get<std::int64_t>());
      } else if (item.contains("lock_time")) {
        b.add_lock_time(item.at("lock_time").get<std::uint64_t>());
      } else if (item.contains("sequence")) {
        b.add_sequence(item.at("sequence").get<std::uint64_t>());
      } else {
        return fail("unknown build item");
      }
    }
    auto s = b.build();
    if (!s) return fail(s.error().message);
    return json{{"script", core::to_hex(*s)}};
  }
  if (op == "p2sh") {
    auto redeem = core::from_hex(req.at("redeem").get<std::string>());
    if (!redeem) return fail(redeem.error().message);
    auto prefix = prefix_of(req);
    if (!prefix) return fail(prefix.error().message);
    const auto spk = kaspa::p2sh_script(*redeem);
    auto a = kaspa::extract_script_public_key_address(spk, *prefix);
    if (!a) return fail(a.error().message);
    return json{{"spk", core::to_hex(spk.script)}, {"address", a->to_string()}};
  }
  if (op == "p2sh_sig") {
    auto redeem = core::from_hex(req.at("redeem").get<std::string>());
    auto sig = core::from_hex(req.at("signature").get<std::string>());
    if (!redeem || !sig) return fail("bad hex");
    auto s = kaspa::p2sh_signature_script(*redeem, core::ByteView(*sig));
    if (!s) return fail(s.error().message);
    return json{{"script", core::to_hex(*s)}};
  }
  return fail("unknown op " + op);
}

}  // namespace

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    json out;
    try {
      out = handle(json::parse(line));
    } catch (const std::exception& e) {  // malformed request JSON (tool boundary only)
      out = fail(std::string("bad request: ") + e.what());
    }
    std::cout << out.dump() << '\n';
  }
  std::cout.flush();
  return 0;
}
