// igra-cli: keys and addresses, lock scripts, Kaspa transactions, and a demo of the Igra L1 transaction flow.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>

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
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"igra-cli: Igra Network keys, addresses, lock scripts and Kaspa transactions"};
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

  auto* tx = app.add_subcommand("tx", "Kaspa transactions");
  tx->require_subcommand(1);
  std::string tx_path;
  auto* info = tx->add_subcommand("info", "Id, hash, masses and minimum fees of a transaction in JSON (RPC form)");
  info->add_option("file", tx_path, "JSON file, or - for standard input")->required();

  CLI11_PARSE(app, argc, argv);
  if (demo->parsed()) return cmd_demo(demo_net);
  if (decode->parsed()) return cmd_address_decode(addr_text);
  if (from_key->parsed()) return cmd_address_from_key(key_hex, prefix, ecdsa, is_public);
  if (build->parsed()) return cmd_lockscript_build(required, pubkeys, unlock, lock_prefix);
  if (info->parsed()) return cmd_tx_info(tx_path);
  if (rel_create->parsed()) return cmd_release_create(rel_redeem, rel_kaspad, rel_to, rel_fee, rel_lock_time, rel_prefix, rel_out);
  if (rel_sign->parsed()) return cmd_release_sign(rel_in, rel_key, rel_out);
  if (rel_combine->parsed()) return cmd_release_combine(rel_in, rel_kaspad, rel_submit);
  return 0;
}
