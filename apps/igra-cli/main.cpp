// igra-cli: keys and addresses, lock scripts, Kaspa transactions, and a demo of the Igra L1 transaction flow.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <memory>
#include <thread>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/hex.hpp"
#include "crypto/key_file.hpp"
#include "crypto/secp256k1.hpp"
#include "kaspa/address.hpp"
#include "chain/transaction.hpp"
#include "chain/transaction_codec.hpp"
#include "crypto/bip32.hpp"
#include "crypto/bip39.hpp"
#include "igra/network.hpp"
#include "kaspa/lock_script.hpp"
#include "kaspa/multisig_sign.hpp"
#include "kaspa/rpc/client.hpp"
#include "kaspa/script_class.hpp"
#include "kaspa/mass.hpp"
#include "kaspa/script_builder.hpp"
#include "kaspa/script_engine.hpp"
#include "kaspa/sign.hpp"
#include "kaspa/tx_id.hpp"
#include "kaspa/tx_json.hpp"

using namespace igra;

namespace {

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "igra-cli: %s\n", msg.c_str());
  std::exit(1);
}

template <typename T>
T take(core::Result<T> r, const std::string& what) {
  if (!r) die(what + ": " + r.error().message);
  return std::move(r).value();
}
void take(core::Result<void> r, const std::string& what) {
  if (!r) die(what + ": " + r.error().message);
}

// Built-in Igra networks (see ../shared/spec/decisions.md). The L1 txid prefix is the chain id, big-endian.
struct NetworkInfo {
  std::string name;
  std::uint64_t chain_id;
  kaspa::Prefix prefix;
};
const std::vector<NetworkInfo>& networks() {
  static const std::vector<NetworkInfo> kNets = {
      {"mainnet", 38833, kaspa::Prefix::kMainnet},
      {"galleon", 38836, kaspa::Prefix::kTestnet},
      {"devnet", 38830, kaspa::Prefix::kSimnet},
  };
  return kNets;
}
const NetworkInfo& network(const std::string& name) {
  for (const auto& n : networks())
    if (n.name == name) return n;
  die("unknown network '" + name + "' (mainnet, galleon, devnet)");
}

kaspa::Prefix parse_prefix(const std::string& s) {
  auto p = kaspa::prefix_from_name(s);
  if (!p) die("unknown address prefix '" + s + "' (kaspa, kaspatest, kaspasim, kaspadev)");
  return *p;
}

// Milliseconds since the epoch from either an integer or an RFC 3339 UTC time "YYYY-MM-DDTHH:MM:SSZ".
std::uint64_t parse_time_ms(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos) return std::stoull(s);
  std::tm tm{};
  std::istringstream in(s);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  if (in.fail() || in.get() != 'Z') die("bad time '" + s + "': use milliseconds or YYYY-MM-DDTHH:MM:SSZ");
  return static_cast<std::uint64_t>(timegm(&tm)) * 1000;
}

std::string read_input(const std::string& path) {
  std::ostringstream ss;
  if (path == "-") {
    ss << std::cin.rdbuf();
  } else {
    std::ifstream f(path);
    if (!f) die("cannot read " + path);
    ss << f.rdbuf();
  }
  return ss.str();
}

crypto::SecretKey secret_from_hex(const std::string& hex) {
  auto key = take(core::fixed_from_hex<32>(hex), "secret key");
  if (!crypto::is_valid_secret_key(key)) die("secret key out of range");
  return key;
}

// A deterministic demo key: keccak-free, just the index in the last byte (never use such keys for value).
crypto::SecretKey demo_key(std::uint8_t index) {
  crypto::SecretKey k;
  k[0] = 0x1d;
  k[31] = index;
  return k;
}

int cmd_address_decode(const std::string& text) {
  auto a = take(kaspa::decode_address(text), "address");
  const char* version = a.version == kaspa::AddressVersion::kPubKey        ? "PubKey (Schnorr)"
                        : a.version == kaspa::AddressVersion::kPubKeyEcdsa ? "PubKeyECDSA"
                                                                           : "ScriptHash";
  auto spk = a.version == kaspa::AddressVersion::kPubKey
                 ? kaspa::p2pk_script(crypto::XOnlyPublicKey::from_view(a.payload))
             : a.version == kaspa::AddressVersion::kPubKeyEcdsa
                 ? kaspa::p2pk_ecdsa_script(crypto::CompressedPublicKey::from_view(a.payload))
                 : kaspa::p2sh_script_from_hash(core::Hash32::from_view(a.payload));
  std::printf("prefix:          %s\nversion:         %u %s\npayload:         %s\nscript_pubkey:   %s (version %u)\n",
              std::string(kaspa::prefix_name(a.prefix)).c_str(), static_cast<unsigned>(a.version), version,
              core::to_hex(a.payload).c_str(), core::to_hex(spk.script).c_str(), spk.version);
  return 0;
}

int cmd_address_from_key(const std::string& key_hex, const std::string& prefix, bool ecdsa, bool is_public) {
  kaspa::Address a;
  a.prefix = parse_prefix(prefix);
  if (is_public) {
    a.payload = take(core::from_hex(key_hex), "public key");
    a.version = a.payload.size() == 33 ? kaspa::AddressVersion::kPubKeyEcdsa : kaspa::AddressVersion::kPubKey;
    if (!a.is_valid()) die("public key must be 32 bytes (x-only) or 33 bytes (compressed)");
  } else {
    auto secret = secret_from_hex(key_hex);
    if (ecdsa) {
      auto pk = take(crypto::ecdsa_public_key_compressed(secret), "key");
      a.version = kaspa::AddressVersion::kPubKeyEcdsa;
      a.payload.assign(pk.begin(), pk.end());
    } else {
      auto pk = take(crypto::schnorr_public_key(secret), "key");
      a.version = kaspa::AddressVersion::kPubKey;
      a.payload.assign(pk.begin(), pk.end());
    }
  }
  std::printf("%s\n", a.to_string().c_str());
  return 0;
}

int cmd_lockscript_build(std::size_t required, const std::vector<std::string>& keys, const std::string& unlock,
                         const std::string& prefix) {
  std::vector<crypto::XOnlyPublicKey> xs;
  for (const auto& k : keys) xs.push_back(take(core::fixed_from_hex<32>(k), "public key " + k));
  auto lock_time = parse_time_ms(unlock);
  auto redeem = take(kaspa::cltv_multisig_redeem_script(lock_time, required, xs), "redeem script");
  auto spk = kaspa::p2sh_script(redeem);
  kaspa::Address addr{parse_prefix(prefix), kaspa::AddressVersion::kScriptHash,
                      core::Bytes(spk.script.begin() + 2, spk.script.begin() + 34)};
  std::printf("redeem_script:   %s\nscript_pubkey:   %s\naddress:         %s\nunlock_time_ms:  %llu\npolicy:          %zu-of-%zu Schnorr multisig after the lock time\n",
              core::to_hex(redeem).c_str(), core::to_hex(spk.script).c_str(), addr.to_string().c_str(),
              static_cast<unsigned long long>(lock_time), required, xs.size());
  return 0;
}

int cmd_tx_info(const std::string& path) {
  auto tx = take(kaspa::transaction_from_json(read_input(path)), "transaction");
  auto masses = kaspa::calc_non_contextual_masses(tx);
  std::printf("id:              %s\nhash:            %s\nversion:         %u\ninputs/outputs:  %zu/%zu\npayload bytes:   %zu\n"
              "compute mass:    %llu\ntransient mass:  %llu\nmin fee (Crescendo rule): %llu sompi\nmin fee (Toccata rule):   %llu sompi\n",
              core::to_hex(kaspa::transaction_id(tx)).c_str(), core::to_hex(kaspa::transaction_hash(tx)).c_str(),
              tx.version, tx.inputs.size(), tx.outputs.size(), tx.payload.size(),
              static_cast<unsigned long long>(masses.compute_mass), static_cast<unsigned long long>(masses.transient_mass),
              static_cast<unsigned long long>(kaspa::minimum_relay_fee_crescendo(masses)),
              static_cast<unsigned long long>(kaspa::minimum_relay_fee_toccata(masses)));
  return 0;
}

// The demo walks through what the relayer and the bridge do on L1: an Entry transaction that locks KAS under
// the bridge's P2SH lock script and names an L2 recipient, with its id mined to carry the network prefix.
int cmd_demo(const std::string& net_name) {
  const auto& net = network(net_name);
  const std::uint8_t prefix_bytes[2] = {static_cast<std::uint8_t>(net.chain_id >> 8),
                                        static_cast<std::uint8_t>(net.chain_id)};
  std::printf("Igra L1 transaction demo on %s (chain id %llu, txid prefix %s)\n\n", net.name.c_str(),
              static_cast<unsigned long long>(net.chain_id), core::to_hex(core::ByteView(prefix_bytes, 2)).c_str());

  // 1. A wallet key and its Kaspa address.
  auto wallet = demo_key(1);
  auto wallet_pub = take(crypto::schnorr_public_key(wallet), "wallet key");
  kaspa::Address wallet_addr{net.prefix, kaspa::AddressVersion::kPubKey, core::Bytes(wallet_pub.begin(), wallet_pub.end())};
  std::printf("1. wallet address            %s\n", wallet_addr.to_string().c_str());

  // 2. The bridge lock script: 3-of-5 Schnorr multisig, spendable only after 2026-04-01T00:00:00Z.
  kaspa::EntryLockPolicy policy;
  for (std::uint8_t i = 0; i < kaspa::kIgraEntryKeyCount; ++i)
    policy.keys.push_back(take(crypto::schnorr_public_key(demo_key(100 + i)), "signer key"));
  auto lock_spk = take(kaspa::entry_lock_script_public_key(policy), "lock script");
  auto lock_addr = take(kaspa::entry_lock_address(policy, net.prefix), "lock address");
  std::printf("2. bridge lock address       %s\n   lock script               %s\n", lock_addr.to_string().c_str(),
              core::to_hex(lock_spk.script).c_str());

  // 3. An Entry transaction: output 0 locks 10 KAS; payload 0x92 || recipient || amount (u64 LE) || nonce.
  const std::uint64_t amount = 10 * kaspa::kSompiPerKaspa;
  auto recipient = take(core::fixed_from_hex<20>("f39fd6e51aad88f6f4ce6ab8827279cfffb92266"), "recipient");
  kaspa::UtxoEntry funding{25 * kaspa::kSompiPerKaspa, kaspa::p2pk_script(wallet_pub), 1000, false, std::nullopt};
  kaspa::Transaction tx;
  kaspa::TransactionInput in;
  in.previous_outpoint.transaction_id = core::Hash32::from_view(core::hex_or_die(
      "5f1e8e1fbc5bbf2a0e2a13d5b4e4d5c2c0a0fb8bb3e7c39a5c1f2a4d8e9b7c61"));
  in.sequence = 0;
  in.compute_commit = kaspa::SigOpCount{1};
  tx.inputs.push_back(in);
  tx.outputs.push_back({amount, lock_spk, std::nullopt});
  tx.payload.push_back(0x92);
  core::append(tx.payload, recipient.view());
  core::put_le<std::uint64_t>(tx.payload, amount);
  core::put_be<std::uint32_t>(tx.payload, 0);
  // Change output, then the fee from the compute mass and the KIP-9 storage-mass commitment.
  tx.outputs.push_back({0, kaspa::p2pk_script(wallet_pub), std::nullopt});
  tx.outputs[1].value = funding.amount - amount;  // provisional, for the mass estimate
  auto masses = kaspa::calc_non_contextual_masses(tx);
  auto fee = kaspa::minimum_relay_fee_toccata(masses);
  tx.outputs[1].value = funding.amount - amount - fee;
  auto storage = kaspa::calc_storage_mass(tx, std::span<const kaspa::UtxoEntry>(&funding, 1));
  if (!storage) die("storage mass undefined");
  tx.storage_mass = *storage;
  std::printf("3. entry to L2 account       0x%s, %llu sompi (= %llu gwei of iKAS)\n   compute mass %llu, storage mass %llu, fee %llu sompi\n",
              core::to_hex(recipient).c_str(), static_cast<unsigned long long>(amount),
              static_cast<unsigned long long>(amount * 10), static_cast<unsigned long long>(masses.compute_mass),
              static_cast<unsigned long long>(tx.storage_mass), static_cast<unsigned long long>(fee));

  // 4. Mine the nonce so the transaction id starts with the network prefix (the id excludes signatures).
  auto miner = take(kaspa::IdMiner::create(tx), "id miner");
  auto t0 = std::chrono::steady_clock::now();
  auto found = miner.find_nonce(core::ByteView(prefix_bytes, 2), 0, 1ull << 32);
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!found) die("no nonce found");
  tx.payload.resize(tx.payload.size() - 4);
  core::put_be<std::uint32_t>(tx.payload, found->first);
  std::printf("4. mined nonce               %u in %.3f s (%.1f M tries/s)\n   transaction id            %s\n",
              found->first, secs, secs > 0 ? (found->first + 1) / secs / 1e6 : 0.0,
              core::to_hex(kaspa::transaction_id(tx)).c_str());

  // 5. Sign after mining (the sighash commits to the payload), then verify the script as Kaspa would.
  std::vector<kaspa::UtxoEntry> utxos{funding};
  std::vector<crypto::SecretKey> keys{wallet};
  take(kaspa::sign_transaction(tx, utxos, keys), "sign");
  take(kaspa::verify_transaction_scripts(tx, utxos), "script verification");
  std::printf("5. signed and verified       payload %s\n\n%s\n", core::to_hex(tx.payload).c_str(),
              kaspa::transaction_to_rpc_json(tx).c_str());
  return 0;
}


// ---- lockscript release: create, sign, combine (and submit) the transaction spending a lock script ------------
//
// The release document passed between signers (JSON):
//   {"redeemScript": hex, "transaction": <RPC-form transaction, unsigned>, "utxos": [<RPC-form UTXO entry>, ...],
//    "partialSignatures": [[{"publicKey": hex, "signature": hex}, ...] per input]}

std::unique_ptr<kaspa::rpc::Client> connect_kaspad(const std::string& target) {
  kaspa::rpc::ClientOptions co;
  co.target = target;
  auto c = std::make_unique<kaspa::rpc::Client>(co);
  c->start();
  if (!c->wait_connected(std::chrono::seconds(10))) die("cannot connect to kaspad at " + target);
  return c;
}

nlohmann::json parse_json(const std::string& text, const std::string& what) {
  try {
    return nlohmann::json::parse(text);
  } catch (const std::exception& e) {
    die(what + ": " + e.what());
  }
}

struct ReleaseDoc {
  core::Bytes redeem;
  kaspa::Transaction tx;
  std::vector<kaspa::UtxoEntry> utxos;
  std::vector<std::vector<kaspa::PartialSignature>> partials;
};

ReleaseDoc read_release(const std::string& path) {
  const auto j = parse_json(read_input(path), "release document " + path);
  ReleaseDoc d;
  try {
    d.redeem = take(core::from_hex(j.at("redeemScript").get<std::string>()), "redeemScript");
    d.tx = take(kaspa::transaction_from_rpc_json(j.at("transaction").dump()), "transaction");
    for (const auto& u : j.at("utxos")) d.utxos.push_back(take(kaspa::utxo_entry_from_rpc_json(u.dump()), "utxo"));
    d.partials.resize(d.tx.inputs.size());
    if (j.contains("partialSignatures")) {
      const auto& ps = j.at("partialSignatures");
      for (std::size_t i = 0; i < ps.size() && i < d.partials.size(); ++i)
        for (const auto& p : ps[i])
          d.partials[i].push_back({take(core::from_hex(p.at("publicKey").get<std::string>()), "publicKey"),
                                   take(core::from_hex(p.at("signature").get<std::string>()), "signature")});
    }
  } catch (const nlohmann::json::exception& e) {
    die("release document " + path + ": " + e.what());
  }
  if (d.utxos.size() != d.tx.inputs.size()) die("release document: one UTXO entry per input expected");
  return d;
}

void write_release(const ReleaseDoc& d, const std::string& out) {
  nlohmann::json j;
  j["redeemScript"] = core::to_hex(d.redeem);
  j["transaction"] = nlohmann::json::parse(kaspa::transaction_to_rpc_json(d.tx));
  j["utxos"] = nlohmann::json::array();
  for (const auto& u : d.utxos) j["utxos"].push_back(nlohmann::json::parse(kaspa::utxo_entry_to_rpc_json(u)));
  j["partialSignatures"] = nlohmann::json::array();
  for (const auto& ps : d.partials) {
    auto arr = nlohmann::json::array();
    for (const auto& p : ps) arr.push_back({{"publicKey", core::to_hex(p.public_key)}, {"signature", core::to_hex(p.signature)}});
    j["partialSignatures"].push_back(arr);
  }
  const std::string text = j.dump(2) + "\n";
  if (out.empty() || out == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return;
  }
  std::ofstream f(out);
  if (!(f << text)) die("cannot write " + out);
}

int cmd_release_create(const std::string& redeem_hex, const std::string& kaspad, const std::string& to,
                       std::uint64_t fee, const std::string& lock_time_text, const std::string& prefix,
                       const std::string& out) {
  const core::Bytes redeem = take(core::from_hex(redeem_hex), "--redeem-script");
  const auto script = take(kaspa::parse_multisig_redeem_script(redeem), "--redeem-script");
  if (!script.lock_time) die("--redeem-script has no lock time (expected <lock time> OP_CHECKLOCKTIMEVERIFY <multisig>)");
  const std::uint64_t lock_time = lock_time_text.empty() ? *script.lock_time : parse_time_ms(lock_time_text);
  const auto spk = kaspa::p2sh_script(redeem);
  const kaspa::Address lock_addr{parse_prefix(prefix), kaspa::AddressVersion::kScriptHash,
                                 core::Bytes(spk.script.begin() + 2, spk.script.begin() + 34)};
  const auto dest = take(kaspa::decode_address(to), "--to");
  const auto dest_spk = take(kaspa::pay_to_address_script(dest), "--to");
  auto client = connect_kaspad(kaspad);
  auto coins = take(client->get_utxos_by_addresses({lock_addr.to_string()}), "GetUtxosByAddresses");
  client->shutdown();
  if (coins.empty()) die("no coins at the lock address " + lock_addr.to_string());
  ReleaseDoc d;
  d.redeem = redeem;
  std::uint64_t total = 0;
  for (const auto& c : coins) {
    kaspa::TransactionInput in;
    in.previous_outpoint = c.outpoint;
    in.sequence = 0;  // not final: the lock time is enforced
    in.compute_commit = kaspa::SigOpCount{static_cast<std::uint8_t>(script.keys.size())};
    d.tx.inputs.push_back(in);
    d.utxos.push_back(c.utxo_entry);
    total += c.utxo_entry.amount;
  }
  if (total <= fee) die("the lock address holds " + std::to_string(total) + " sompi, not more than the fee");
  kaspa::TransactionOutput o;
  o.value = total - fee;
  o.script_public_key = dest_spk;
  d.tx.outputs.push_back(o);
  d.tx.lock_time = lock_time;
  const auto storage_mass = kaspa::calc_storage_mass(d.tx, d.utxos);
  if (!storage_mass) die("the release's storage mass is not defined (an output too small?)");
  d.tx.storage_mass = *storage_mass;
  d.partials.resize(d.tx.inputs.size());
  write_release(d, out);
  std::fprintf(stderr, "release of %zu coins (%llu sompi) from %s to %s, fee %llu sompi, lock time %llu: %zu of %zu "
                       "signatures needed\n",
               coins.size(), static_cast<unsigned long long>(total), lock_addr.to_string().c_str(), to.c_str(),
               static_cast<unsigned long long>(fee), static_cast<unsigned long long>(lock_time), script.required,
               script.keys.size());
  return 0;
}

int cmd_release_sign(const std::string& in, const std::string& key_file, const std::string& out) {
  ReleaseDoc d = read_release(in);
  const auto key = take(crypto::read_secret_key_file(key_file, "a lock-script signer's key"), "--key");
  for (std::size_t i = 0; i < d.tx.inputs.size(); ++i) {
    auto p = take(kaspa::create_partial_signature(d.tx, d.utxos, i, d.redeem, key), "signing input " + std::to_string(i));
    auto& ps = d.partials[i];
    ps.erase(std::remove_if(ps.begin(), ps.end(), [&](const auto& x) { return x.public_key == p.public_key; }), ps.end());
    ps.push_back(std::move(p));
  }
  write_release(d, out);
  std::fprintf(stderr, "signed %zu inputs with %s\n", d.tx.inputs.size(),
               core::to_hex(take(crypto::schnorr_public_key(key), "key")).c_str());
  return 0;
}

int cmd_release_combine(const std::string& in, const std::string& kaspad, bool submit) {
  ReleaseDoc d = read_release(in);
  for (std::size_t i = 0; i < d.tx.inputs.size(); ++i)
    d.tx.inputs[i].signature_script =
        take(kaspa::combine_multisig_signatures(d.redeem, d.partials[i]), "input " + std::to_string(i));
  take(kaspa::verify_transaction_scripts(d.tx, d.utxos), "script verification");
  std::printf("%s\n", kaspa::transaction_to_rpc_json(d.tx).c_str());
  if (!submit) return 0;
  auto client = connect_kaspad(kaspad);
  auto id = client->submit_transaction(d.tx, false);
  client->shutdown();
  if (!id) die("kaspad rejected the release: " + kaspa::rpc::rpc_error_message(id.error()));
  std::fprintf(stderr, "submitted %s\n", core::to_hex(*id).c_str());
  return 0;
}

// ---- bridge entry: KAS -> iKAS --------------------------------------------------------------------------------

// One JSON-RPC call over HTTP/1.1 (the node's RPC at http://host:port).
nlohmann::json l2_call(const std::string& url, const std::string& method, const nlohmann::json& params) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  std::string rest = url;
  if (rest.rfind("http://", 0) == 0) rest = rest.substr(7);
  const auto slash = rest.find('/');
  const std::string hostport = rest.substr(0, slash), target = slash == std::string::npos ? "/" : rest.substr(slash);
  const auto colon = hostport.rfind(':');
  if (colon == std::string::npos) die("--rpc must be http://HOST:PORT");
  boost::asio::io_context io;
  boost::asio::ip::tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(30));
  beast::error_code ec;
  auto results = resolver.resolve(hostport.substr(0, colon), hostport.substr(colon + 1), ec);
  if (!ec) stream.connect(results, ec);
  if (ec) die("cannot reach the L2 RPC at " + url + ": " + ec.message());
  http::request<http::string_body> req{http::verb::post, target, 11};
  req.set(http::field::host, hostport);
  req.set(http::field::content_type, "application/json");
  req.body() = nlohmann::json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}}.dump();
  req.prepare_payload();
  http::write(stream, req, ec);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  if (!ec) http::read(stream, buf, res, ec);
  if (ec) die("L2 RPC " + method + ": " + ec.message());
  auto j = parse_json(res.body(), "L2 RPC answer");
  if (j.contains("error")) die("L2 RPC " + method + ": " + j["error"].dump());
  return j.value("result", nlohmann::json());
}

struct EntryFlags {
  std::string network = "devnet", kaspad = "127.0.0.1:16110", rpc, key_file, to, amount_kas;
  std::uint64_t amount_sompi = 0;
  std::uint64_t wait_s = 120;
  std::uint64_t coinbase_maturity = 1000;  // DAA score units (kaspad's 100 s at 10 BPS)
  bool force = false;
  // Deliberately invalid entries (with --force): what the node must refuse to mint.
  std::uint32_t output_index = 0;
  std::string lock_script;              // hex script public key instead of the network's
  std::optional<std::uint64_t> payload_amount;
};

int cmd_bridge_entry(const EntryFlags& f) {
  const auto net = take(::igra::igra::builtin_network(f.network), "--network");
  std::uint64_t amount = f.amount_sompi;
  if (!f.amount_kas.empty()) {
    const double kas = std::stod(f.amount_kas);
    if (!(kas > 0)) die("--amount must be positive");
    amount = static_cast<std::uint64_t>(kas * 1e8 + 0.5);
  }
  if (amount == 0) die("give --amount KAS or --amount-sompi N");
  const auto recipient = take(core::fixed_from_hex<20>(f.to), "--to (a 20-byte L2 address)");
  const auto key = take(crypto::read_secret_key_file(f.key_file, "the Kaspa key that funds the entry"), "--key");
  const auto pub = take(crypto::schnorr_public_key(key), "--key");
  const auto spk = kaspa::p2pk_script(pub);
  const kaspa::Address from{net.address_prefix(), kaspa::AddressVersion::kPubKey, core::Bytes(pub.begin(), pub.end())};
  auto client = connect_kaspad(f.kaspad);
  const auto info = take(client->get_server_info(), "GetServerInfo");
  kaspa::ScriptPublicKey lock = net.lock_script_at(info.virtual_daa_score);
  if (!f.lock_script.empty()) lock = kaspa::ScriptPublicKey{0, take(core::from_hex(f.lock_script), "--lock-script")};
  const std::uint64_t payload_amount = f.payload_amount.value_or(amount);

  // The rules a node applies (igra-protocol.md §2): refuse to build an entry that would mint nothing.
  std::vector<std::string> problems;
  if (amount < net.entry_min_sompi)
    problems.push_back("amount " + std::to_string(amount) + " sompi is below the network's entry minimum of " +
                       std::to_string(net.entry_min_sompi) + " sompi");
  if (!(lock == net.lock_script_at(info.virtual_daa_score))) problems.push_back("output pays another script than the network's lock script");
  if (f.output_index != 0) problems.push_back("the locked amount is not output 0");
  if (payload_amount != amount) problems.push_back("the payload's amount differs from the locked amount");
  if (!problems.empty() && !f.force) {
    std::string m = "refusing to build an entry that would mint nothing:";
    for (const auto& p : problems) m += "\n  - " + p;
    die(m + "\n(--force builds it anyway)");
  }

  // Coins of the funding key (mature ones: coinbases need the network's maturity; kaspad refuses immature ones).
  auto coins = take(client->get_utxos_by_addresses({from.to_string()}), "GetUtxosByAddresses");
  std::sort(coins.begin(), coins.end(), [](const auto& a, const auto& b) { return a.utxo_entry.amount > b.utxo_entry.amount; });
  kaspa::Transaction tx;
  std::vector<kaspa::UtxoEntry> utxos;
  std::uint64_t in_total = 0;
  constexpr std::uint64_t kFeeReserve = 1'000'000, kMinChange = 20'000'000;
  std::size_t immature = 0;
  for (const auto& c : coins) {
    if (in_total >= amount + kFeeReserve + kMinChange) break;
    if (c.utxo_entry.is_coinbase && c.utxo_entry.block_daa_score + f.coinbase_maturity + 2 > info.virtual_daa_score) {
      ++immature;  // kaspad refuses to spend it yet
      continue;
    }
    kaspa::TransactionInput in;
    in.previous_outpoint = c.outpoint;
    in.compute_commit = kaspa::SigOpCount{1};
    tx.inputs.push_back(in);
    utxos.push_back(c.utxo_entry);
    in_total += c.utxo_entry.amount;
  }
  if (in_total < amount + kFeeReserve + kMinChange)
    die("not enough coins at " + from.to_string() + ": " + std::to_string(in_total) + " sompi spendable, " +
        std::to_string(amount + kFeeReserve + kMinChange) + " needed (amount, fee reserve, minimum change); " +
        std::to_string(immature) + " coinbase outputs are not mature yet");
  const kaspa::TransactionOutput lock_out{amount, lock, std::nullopt};
  const kaspa::TransactionOutput change_out{in_total - amount, spk, std::nullopt};
  if (f.output_index == 0) tx.outputs = {lock_out, change_out};
  else tx.outputs = {change_out, lock_out};
  tx.payload.push_back(0x92);
  core::append(tx.payload, recipient.view());
  core::put_le<std::uint64_t>(tx.payload, payload_amount);
  core::put_be<std::uint32_t>(tx.payload, 0);
  const std::size_t change_index = f.output_index == 0 ? 1 : 0;
  const auto masses = kaspa::calc_non_contextual_masses(tx);
  const std::uint64_t fee = 2 * std::max(kaspa::minimum_relay_fee_toccata(masses), kaspa::minimum_relay_fee_crescendo(masses)) + 1000;
  tx.outputs[change_index].value = in_total - amount - fee;
  const auto storage = kaspa::calc_storage_mass(tx, utxos);
  if (!storage) die("storage mass undefined");
  tx.storage_mass = *storage;
  // The id must start with the network's prefix: mine the payload's nonce, then sign.
  auto miner = take(kaspa::IdMiner::create(tx), "id miner");
  auto found = miner.find_nonce(net.txid_prefix, 0, 1ull << 32);
  if (!found) die("no nonce gives the txid prefix");
  tx.payload.resize(tx.payload.size() - 4);
  core::put_be<std::uint32_t>(tx.payload, found->first);
  std::vector<crypto::SecretKey> keys(tx.inputs.size(), key);
  take(kaspa::sign_transaction(tx, utxos, keys), "sign");
  take(kaspa::verify_transaction_scripts(tx, utxos), "script verification");
  const auto id = kaspa::transaction_id(tx);
  auto submitted = client->submit_transaction(tx, false);
  client->shutdown();
  if (!submitted) die("kaspad rejected the entry: " + submitted.error().message);
  std::printf("entry %s: %llu sompi from %s to L2 0x%s (fee %llu sompi)%s\n", core::to_hex(id).c_str(),
              static_cast<unsigned long long>(amount), from.to_string().c_str(), core::to_hex(recipient).c_str(),
              static_cast<unsigned long long>(fee), problems.empty() ? "" : " [forced: invalid]");
  std::fflush(stdout);
  if (f.rpc.empty()) return 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(f.wait_s);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto fate = l2_call(f.rpc, "igra_getTransactionFate", nlohmann::json::array({"0x" + core::to_hex(id)}));
    const std::string status = fate.value("status", "");
    if (status == "minted") {
      std::printf("minted %s wei of iKAS to 0x%s in L2 block %s\n",
                  (core::uint256(amount) * core::uint256(10'000'000'000ull)).to_decimal().c_str(),
                  core::to_hex(recipient).c_str(), fate.value("blockNumber", "?").c_str());
      return 0;
    }
    if (status == "rejectedEntry") {
      std::printf("the node rejected the entry in L2 block %s: nothing minted\n", fate.value("blockNumber", "?").c_str());
      return 3;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  die("no L2 outcome for the entry after " + std::to_string(f.wait_s) + " s");
}

// ---- keys, balance, send, tx status ---------------------------------------------------------------------------

struct KeyAddresses {
  std::string l1;        // Schnorr P2PK Kaspa address
  core::Address20 l2{};  // Ethereum address of the same secp256k1 key
};
KeyAddresses addresses_of(const crypto::SecretKey& key, kaspa::Prefix prefix) {
  const auto x = take(crypto::schnorr_public_key(key), "key");
  KeyAddresses a;
  a.l1 = kaspa::Address{prefix, kaspa::AddressVersion::kPubKey, core::Bytes(x.begin(), x.end())}.to_string();
  a.l2 = crypto::public_key_to_address(take(crypto::public_key_from_secret(key), "key"));
  return a;
}

int print_key(const std::string& file, const std::string& network) {
  const auto net = take(::igra::igra::builtin_network(network), "--network");
  const auto key = take(crypto::read_secret_key_file(file, "a secret key"), "--key");
  const auto a = addresses_of(key, net.address_prefix());
  std::printf("key file:     %s\nL1 address:   %s  (Kaspa %s, Schnorr P2PK)\nL2 address:   0x%s  (Igra %s, chain id %llu)\n",
              file.c_str(), a.l1.c_str(), net.kaspa_network.c_str(), core::to_hex(a.l2).c_str(), net.name.c_str(),
              static_cast<unsigned long long>(net.chain_id));
  return 0;
}

int cmd_keys_new(const std::string& file, const std::string& network) {
  crypto::SecretKey key;
  std::ifstream rnd("/dev/urandom", std::ios::binary);
  do {
    if (!rnd.read(reinterpret_cast<char*>(key.data()), 32)) die("cannot read /dev/urandom");
  } while (!crypto::is_valid_secret_key(key));
  take(crypto::write_secret_key_file(file, key), "--key");
  return print_key(file, network);
}

int cmd_keys_import(const std::string& file, const std::string& hex, const std::string& mnemonic,
                    const std::string& path, const std::string& network) {
  crypto::SecretKey key;
  if (!hex.empty() == !mnemonic.empty()) die("give exactly one of --secret HEX and --mnemonic \"WORDS\"");
  if (!hex.empty()) {
    key = take(core::fixed_from_hex<32>(hex), "--secret");
    if (!crypto::is_valid_secret_key(key)) die("--secret is not a valid secp256k1 secret key");
  } else {
    // A valid BIP-39 sentence (list words, checksum), hashed in its canonical single-spaced form as wallets do.
    const auto seed = crypto::bip39_seed(take(crypto::bip39_canonical(mnemonic), "--mnemonic"));
    key = take(crypto::bip32_derive(seed, path), "--path").key;
  }
  take(crypto::write_secret_key_file(file, key), "--key");
  return print_key(file, network);
}

int cmd_balance(const std::string& file, const std::string& network, const std::string& kaspad, const std::string& rpc) {
  const auto net = take(::igra::igra::builtin_network(network), "--network");
  const auto key = take(crypto::read_secret_key_file(file, "a secret key"), "--key");
  const auto a = addresses_of(key, net.address_prefix());
  if (!kaspad.empty()) {
    auto client = connect_kaspad(kaspad);
    auto coins = take(client->get_utxos_by_addresses({a.l1}), "GetUtxosByAddresses");
    client->shutdown();
    std::uint64_t total = 0;
    for (const auto& c : coins) total += c.utxo_entry.amount;
    std::printf("L1 %s: %llu sompi (%.8f KAS) in %zu coins\n", a.l1.c_str(), static_cast<unsigned long long>(total),
                static_cast<double>(total) / 1e8, coins.size());
  }
  if (!rpc.empty()) {
    const auto bal = l2_call(rpc, "eth_getBalance", nlohmann::json::array({"0x" + core::to_hex(a.l2), "latest"}));
    const auto wei = take(core::uint256::from_hex(bal.get<std::string>()), "balance");
    std::printf("L2 0x%s: %s wei of iKAS\n", core::to_hex(a.l2).c_str(), wei.to_decimal().c_str());
  }
  return 0;
}

std::uint64_t hex_u64(const nlohmann::json& j) { return std::stoull(j.get<std::string>(), nullptr, 16); }

int cmd_send(const std::string& file, const std::string& network, const std::string& rpc, const std::string& to,
             const std::string& value_wei, std::uint64_t wait_s) {
  const auto net = take(::igra::igra::builtin_network(network), "--network");
  const auto key = take(crypto::read_secret_key_file(file, "a secret key"), "--key");
  const auto a = addresses_of(key, net.address_prefix());
  chain::Transaction tx;
  tx.type = chain::TxType::kDynamicFee;
  tx.chain_id = core::uint256(net.chain_id);
  tx.nonce = hex_u64(l2_call(rpc, "eth_getTransactionCount", nlohmann::json::array({"0x" + core::to_hex(a.l2), "pending"})));
  const std::uint64_t tip = hex_u64(l2_call(rpc, "eth_maxPriorityFeePerGas", nlohmann::json::array()));
  const std::uint64_t price = hex_u64(l2_call(rpc, "eth_gasPrice", nlohmann::json::array()));
  tx.max_priority_fee_per_gas = core::uint256(tip);
  tx.max_fee_per_gas = core::uint256(2 * price + tip);
  tx.gas_limit = 21000;
  tx.to = take(core::fixed_from_hex<20>(to), "--to");
  tx.value = take(core::uint256::from_decimal(value_wei), "--value (wei, decimal)");
  take(chain::sign_transaction(tx, key), "sign");
  const core::Bytes raw = chain::encode_transaction(tx);
  const auto hash = l2_call(rpc, "eth_sendRawTransaction", nlohmann::json::array({"0x" + core::to_hex(raw)}));
  std::printf("sent %s (nonce %llu)\n", hash.get<std::string>().c_str(), static_cast<unsigned long long>(tx.nonce));
  std::fflush(stdout);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_s);
  while (wait_s > 0 && std::chrono::steady_clock::now() < deadline) {
    const auto r = l2_call(rpc, "eth_getTransactionReceipt", nlohmann::json::array({hash}));
    if (!r.is_null()) {
      std::printf("executed in L2 block %llu, status %s\n", static_cast<unsigned long long>(hex_u64(r["blockNumber"])),
                  r["status"].get<std::string>() == "0x1" ? "success" : "reverted");
      return r["status"].get<std::string>() == "0x1" ? 0 : 3;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return wait_s > 0 ? (die("no receipt after " + std::to_string(wait_s) + " s"), 1) : 0;
}

int cmd_tx_status(const std::string& id, const std::string& rpc) {
  std::string h = id.rfind("0x", 0) == 0 ? id : "0x" + id;
  const auto fate = l2_call(rpc, "igra_getTransactionFate", nlohmann::json::array({h}));
  std::printf("%s\n", fate.dump(2).c_str());
  return fate.value("status", "unknown") == "unknown" ? 2 : 0;
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"igra-cli: Igra Network keys, balances and transfers, the KAS -> iKAS bridge, lock scripts and Kaspa "
               "transactions"};
  app.require_subcommand(1);

  std::string demo_net = "devnet";
  auto* demo = app.add_subcommand("demo", "Walk through an Entry (KAS -> iKAS) transaction: lock script, payload, "
                                          "txid prefix mining, signing and script verification");
  demo->add_option("--network", demo_net, "Network: mainnet, galleon or devnet")->capture_default_str();

  auto* address = app.add_subcommand("address", "Kaspa addresses");
  address->require_subcommand(1);
  std::string addr_text;
  auto* decode = address->add_subcommand("decode", "Decode an address: prefix, version, payload, script public key");
  decode->add_option("address", addr_text, "Address, e.g. kaspa:qpauqs...")->required();
  std::string key_hex, prefix = "kaspa";
  bool ecdsa = false, is_public = false;
  auto* from_key = address->add_subcommand("from-key", "Address of a secret key (or, with --public, a public key)");
  from_key->add_option("key", key_hex, "32-byte secret key in hex, or a 32/33-byte public key with --public")->required();
  from_key->add_option("--prefix", prefix, "kaspa, kaspatest, kaspasim or kaspadev")->capture_default_str();
  from_key->add_flag("--ecdsa", ecdsa, "ECDSA (version 1) address instead of Schnorr");
  from_key->add_flag("--public", is_public, "The key is a public key");

  auto* lockscript = app.add_subcommand("lockscript", "Bridge lock scripts (m-of-n multisig with a time lock)");
  lockscript->require_subcommand(1);
  std::size_t required = 3;
  std::vector<std::string> pubkeys;
  std::string unlock = "2026-04-01T00:00:00Z", lock_prefix = "kaspa";
  auto* build = lockscript->add_subcommand("build", "Build the redeem script, its P2SH script and address (alias: address)");
  build->alias("address");
  build->add_option("--required,-m", required, "Signatures required")->capture_default_str();
  build->add_option("--pubkey,-k", pubkeys, "x-only public keys (hex), in script order")->required();
  build->add_option("--unlock-time", unlock, "Spendable after: milliseconds or YYYY-MM-DDTHH:MM:SSZ")->capture_default_str();
  build->add_option("--prefix", lock_prefix, "Address prefix")->capture_default_str();

  auto* release = lockscript->add_subcommand(
      "release", "Spend a lock script after its lock time: create the transaction, let m signers sign it, combine and "
                 "submit (each step reads and writes a JSON release document)");
  release->require_subcommand(1);
  std::string rel_redeem, rel_kaspad = "127.0.0.1:16110", rel_to, rel_lock_time, rel_prefix = "kaspa", rel_in, rel_out,
                                      rel_key;
  std::uint64_t rel_fee = 20'000;
  bool rel_submit = false;
  auto* rel_create = release->add_subcommand("create", "Build the unsigned release of every coin at the lock address");
  rel_create->add_option("--redeem-script", rel_redeem, "the redeem script (hex), as `lockscript build` prints it")->required();
  rel_create->add_option("--kaspad", rel_kaspad, "kaspad gRPC address (reads the lock address's coins)")->capture_default_str();
  rel_create->add_option("--to", rel_to, "destination Kaspa address")->required();
  rel_create->add_option("--fee", rel_fee, "fee in sompi")->capture_default_str();
  rel_create->add_option("--lock-time", rel_lock_time, "transaction lock time (default: the script's)");
  rel_create->add_option("--prefix", rel_prefix, "address prefix of the lock address")->capture_default_str();
  rel_create->add_option("--out,-o", rel_out, "output file (default: standard output)");
  auto* rel_sign = release->add_subcommand("sign", "Add this signer's signatures to a release document");
  rel_sign->add_option("--in,-i", rel_in, "release document (- for standard input)")->required();
  rel_sign->add_option("--key", rel_key, "file holding the signer's secret key in hex (mode 0600)")->required();
  rel_sign->add_option("--out,-o", rel_out, "output file (default: standard output)");
  auto* rel_combine = release->add_subcommand(
      "combine", "Combine the signatures, verify every input with the script engine, print the transaction");
  rel_combine->add_option("--in,-i", rel_in, "release document (- for standard input)")->required();
  rel_combine->add_flag("--submit", rel_submit, "also submit it to kaspad");
  rel_combine->add_option("--kaspad", rel_kaspad, "kaspad gRPC address")->capture_default_str();

  auto* bridge = app.add_subcommand("bridge", "The KAS -> iKAS bridge");
  bridge->require_subcommand(1);
  EntryFlags ef;
  auto* entry = bridge->add_subcommand(
      "entry", "Lock KAS under the network's lock script in an Entry transaction (output 0, amount >= the minimum, "
               "33-byte payload 0x92 || L2 address || amount || nonce), mine its txid prefix, sign, submit, and with --rpc wait "
               "until the node mints the iKAS (1 sompi = 10 gwei)");
  entry->add_option("--network", ef.network, "mainnet, galleon or devnet")->capture_default_str();
  entry->add_option("--kaspad", ef.kaspad, "kaspad gRPC address")->capture_default_str();
  entry->add_option("--key", ef.key_file, "file with the funding Kaspa secret key in hex (mode 0600)")->required();
  entry->add_option("--to", ef.to, "L2 recipient address (0x...)")->required();
  entry->add_option("--amount", ef.amount_kas, "amount in KAS");
  entry->add_option("--amount-sompi", ef.amount_sompi, "amount in sompi");
  entry->add_option("--rpc", ef.rpc, "the Igra node's JSON-RPC (http://HOST:PORT) to wait for the mint");
  entry->add_option("--wait", ef.wait_s, "seconds to wait for the mint")->capture_default_str();
  entry->add_option("--coinbase-maturity", ef.coinbase_maturity,
                    "coinbase outputs younger than this many DAA scores are not spent (igrad dev's simnet: 20)")
      ->capture_default_str();
  entry->add_flag("--force", ef.force, "build and submit an entry the node will refuse (testing)");
  entry->add_option("--output-index", ef.output_index, "put the locked amount at this output (only 0 is valid; needs --force)");
  entry->add_option("--lock-script", ef.lock_script, "pay this script instead of the network's (needs --force)");
  entry->add_option("--payload-amount", ef.payload_amount, "amount written in the payload (default: the locked amount)");

  auto* keys = app.add_subcommand("keys", "Key files (one secp256k1 key, hex, mode 0600): the same key is a Kaspa "
                                             "Schnorr address on L1 and an Ethereum address on L2");
  keys->require_subcommand(1);
  std::string k_file, k_network = "devnet", k_secret, k_mnemonic, k_path = "m/44'/111111'/0'/0/0", k_kaspad, k_rpc, k_to,
                      k_value = "0", k_id;
  std::uint64_t k_wait = 60;
  auto* keys_new = keys->add_subcommand("new", "Create a new random key file");
  keys_new->add_option("--key", k_file, "the key file to create (refused if it exists)")->required();
  keys_new->add_option("--network", k_network, "network for the printed addresses")->capture_default_str();
  auto* keys_import = keys->add_subcommand("import", "Create a key file from a hex secret or a BIP-39 mnemonic");
  keys_import->add_option("--key", k_file, "the key file to create (refused if it exists)")->required();
  keys_import->add_option("--secret", k_secret, "32-byte secret key in hex");
  keys_import->add_option("--mnemonic", k_mnemonic,
                          "BIP-39 mnemonic (12-24 words of the English list with a valid checksum)");
  keys_import->add_option("--path", k_path, "BIP-32 derivation path (Kaspa m/44'/111111'/0'/0/i, Ethereum m/44'/60'/0'/0/i)")
      ->capture_default_str();
  keys_import->add_option("--network", k_network, "network for the printed addresses")->capture_default_str();
  auto* keys_show = keys->add_subcommand("show", "The L1 and L2 addresses of a key file");
  keys_show->add_option("--key", k_file, "key file")->required();
  keys_show->add_option("--network", k_network, "network")->capture_default_str();
  auto* bal = app.add_subcommand("balance", "L1 balance (with --kaspad) and L2 balance (with --rpc) of a key file");
  bal->add_option("--key", k_file, "key file")->required();
  bal->add_option("--network", k_network, "network")->capture_default_str();
  bal->add_option("--kaspad", k_kaspad, "kaspad gRPC address");
  bal->add_option("--rpc", k_rpc, "the Igra node's JSON-RPC (http://HOST:PORT)");
  auto* send = app.add_subcommand("send", "Send iKAS on L2 (an EIP-1559 transfer through the node's relayer)");
  send->add_option("--key", k_file, "key file of the sender")->required();
  send->add_option("--network", k_network, "network")->capture_default_str();
  send->add_option("--rpc", k_rpc, "the Igra node's JSON-RPC (http://HOST:PORT)")->required();
  send->add_option("--to", k_to, "recipient (0x...)")->required();
  send->add_option("--value", k_value, "amount in wei (decimal)")->required();
  send->add_option("--wait", k_wait, "seconds to wait for the receipt (0: do not wait)")->capture_default_str();

  auto* tx = app.add_subcommand("tx", "Kaspa transactions");
  tx->require_subcommand(1);
  std::string tx_path;
  auto* info = tx->add_subcommand("info", "Id, hash, masses and minimum fees of a transaction in JSON (RPC form)");
  info->add_option("file", tx_path, "JSON file, or - for standard input")->required();
  auto* status = tx->add_subcommand("status", "What became of an L2 transaction hash or an L1 transaction id "
                                              "(igra_getTransactionFate: executed, dropped with reason, minted, "
                                              "rejectedEntry, pendingOnL1 with the relayer's state - queued, "
                                              "submitted, accepted by an L1 chain block - failed, unknown)");
  status->add_option("id", k_id, "L2 transaction hash or Kaspa transaction id")->required();
  status->add_option("--rpc", k_rpc, "the Igra node's JSON-RPC (http://HOST:PORT)")->required();

  CLI11_PARSE(app, argc, argv);
  if (demo->parsed()) return cmd_demo(demo_net);
  if (decode->parsed()) return cmd_address_decode(addr_text);
  if (from_key->parsed()) return cmd_address_from_key(key_hex, prefix, ecdsa, is_public);
  if (build->parsed()) return cmd_lockscript_build(required, pubkeys, unlock, lock_prefix);
  if (info->parsed()) return cmd_tx_info(tx_path);
  if (entry->parsed()) return cmd_bridge_entry(ef);
  if (keys_new->parsed()) return cmd_keys_new(k_file, k_network);
  if (keys_import->parsed()) return cmd_keys_import(k_file, k_secret, k_mnemonic, k_path, k_network);
  if (keys_show->parsed()) return print_key(k_file, k_network);
  if (bal->parsed()) return cmd_balance(k_file, k_network, k_kaspad, k_rpc);
  if (send->parsed()) return cmd_send(k_file, k_network, k_rpc, k_to, k_value, k_wait);
  if (status->parsed()) return cmd_tx_status(k_id, k_rpc);
  if (rel_create->parsed()) return cmd_release_create(rel_redeem, rel_kaspad, rel_to, rel_fee, rel_lock_time, rel_prefix, rel_out);
  if (rel_sign->parsed()) return cmd_release_sign(rel_in, rel_key, rel_out);
  if (rel_combine->parsed()) return cmd_release_combine(rel_in, rel_kaspad, rel_submit);
  return 0;
}
