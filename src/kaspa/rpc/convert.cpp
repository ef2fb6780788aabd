#include "kaspa/rpc/convert.hpp"

#include <cstdint>
#include <limits>

#include "core/hex.hpp"

namespace igra::kaspa::rpc {
namespace {

using core::Error;
using core::ErrorCode;
using core::Result;

std::string at(std::string_view path, std::string_view field) {
  std::string s(path);
  s += '.';
  s += field;
  return s;
}
std::string at(std::string_view path, std::string_view field, std::size_t index) {
  return at(path, field) + "[" + std::to_string(index) + "]";
}

Error field_error(const std::string& path, std::string message) {
  return Error(ErrorCode::kInvalidArgument, path + ": " + message);
}

template <typename T>
Result<T> narrow(std::uint64_t v, const std::string& path) {
  if (v > std::numeric_limits<T>::max())
    return Error(ErrorCode::kOutOfRange,
                 path + ": " + std::to_string(v) + " exceeds " + std::to_string(std::numeric_limits<T>::max()));
  return static_cast<T>(v);
}

Result<core::Bytes> bytes_from(std::string_view hex, const std::string& path) {
  auto b = core::from_hex(hex);
  if (!b) return b.error().context(path);
  return b;
}

Result<core::Hash32> hash_at(std::string_view hex, const std::string& path) { return hash_from_hex(hex, path); }
Result<core::Hash32> opt_hash_at(std::string_view hex, const std::string& path) {
  return optional_hash_from_hex(hex, path);
}

template <typename Repeated>
Result<std::vector<core::Hash32>> hashes_at(const Repeated& list, std::string_view path, std::string_view field) {
  std::vector<core::Hash32> out;
  out.reserve(static_cast<std::size_t>(list.size()));
  for (int i = 0; i < list.size(); ++i) {
    IGRA_TRY(auto h, hash_at(list.Get(i), at(path, field, static_cast<std::size_t>(i))));
    out.push_back(h);
  }
  return out;
}

template <typename Repeated>
void add_hashes(const std::vector<core::Hash32>& hashes, Repeated* out) {
  out->Reserve(static_cast<int>(hashes.size()));
  for (const auto& h : hashes) *out->Add() = hash_to_hex(h);
}

Result<Outpoint> outpoint_at(const protowire::RpcOutpoint& o, const std::string& path) {
  Outpoint out;
  IGRA_TRY(out.transaction_id, hash_at(o.transactionid(), at(path, "transactionId")));
  out.index = o.index();
  return out;
}

Result<ScriptPublicKey> spk_at(const protowire::RpcScriptPublicKey& s, const std::string& path) {
  ScriptPublicKey out;
  IGRA_TRY(out.version, narrow<std::uint16_t>(s.version(), at(path, "version")));
  IGRA_TRY(out.script, bytes_from(s.scriptpublickey(), at(path, "scriptPublicKey")));
  return out;
}

Result<UtxoEntry> utxo_entry_at(const protowire::RpcUtxoEntry& e, const std::string& path) {
  UtxoEntry out;
  out.amount = e.amount();
  if (!e.has_scriptpublickey()) return field_error(at(path, "scriptPublicKey"), "missing");
  IGRA_TRY(out.script_public_key, spk_at(e.scriptpublickey(), at(path, "scriptPublicKey")));
  out.block_daa_score = e.blockdaascore();
  out.is_coinbase = e.iscoinbase();
  if (!e.covenant_id().empty()) {
    IGRA_TRY(auto id, hash_at(e.covenant_id(), at(path, "covenant_id")));
    out.covenant_id = id;
  }
  return out;
}

Result<TransactionVerboseData> tx_verbose_at(const protowire::RpcTransactionVerboseData& v, const std::string& path) {
  TransactionVerboseData out;
  IGRA_TRY(out.transaction_id, opt_hash_at(v.transactionid(), at(path, "transactionId")));
  IGRA_TRY(out.hash, opt_hash_at(v.hash(), at(path, "hash")));
  out.compute_mass = v.computemass();
  IGRA_TRY(out.block_hash, opt_hash_at(v.blockhash(), at(path, "blockHash")));
  out.block_time = v.blocktime();
  return out;
}

Result<Transaction> transaction_at(const protowire::RpcTransaction& p, const std::string& path) {
  Transaction tx;
  IGRA_TRY(tx.version, narrow<std::uint16_t>(p.version(), at(path, "version")));
  tx.inputs.reserve(static_cast<std::size_t>(p.inputs_size()));
  for (int i = 0; i < p.inputs_size(); ++i) {
    const auto& pin = p.inputs(i);
    const std::string ipath = at(path, "inputs", static_cast<std::size_t>(i));
    TransactionInput in;
    if (!pin.has_previousoutpoint()) return field_error(at(ipath, "previousOutpoint"), "missing");
    IGRA_TRY(in.previous_outpoint, outpoint_at(pin.previousoutpoint(), at(ipath, "previousOutpoint")));
    IGRA_TRY(in.signature_script, bytes_from(pin.signaturescript(), at(ipath, "signatureScript")));
    in.sequence = pin.sequence();
    if (tx.version >= kTxVersionToccata) {
      if (pin.sigopcount() != 0)
        return field_error(at(ipath, "sigOpCount"),
                           "inconsistent with transaction version " + std::to_string(tx.version));
      IGRA_TRY(auto budget, narrow<std::uint16_t>(pin.computebudget(), at(ipath, "computeBudget")));
      in.compute_commit = ComputeBudget{budget};
    } else {
      if (pin.computebudget() != 0)
        return field_error(at(ipath, "computeBudget"),
                           "inconsistent with transaction version " + std::to_string(tx.version));
      IGRA_TRY(auto count, narrow<std::uint8_t>(pin.sigopcount(), at(ipath, "sigOpCount")));
      in.compute_commit = SigOpCount{count};
    }
    tx.inputs.push_back(std::move(in));
  }
  tx.outputs.reserve(static_cast<std::size_t>(p.outputs_size()));
  for (int i = 0; i < p.outputs_size(); ++i) {
    const auto& pout = p.outputs(i);
    const std::string opath = at(path, "outputs", static_cast<std::size_t>(i));
    TransactionOutput out;
    out.value = pout.amount();
    if (!pout.has_scriptpublickey()) return field_error(at(opath, "scriptPublicKey"), "missing");
    IGRA_TRY(out.script_public_key, spk_at(pout.scriptpublickey(), at(opath, "scriptPublicKey")));
    if (pout.has_covenant()) {
      CovenantBinding c;
      IGRA_TRY(c.authorizing_input,
               narrow<std::uint16_t>(pout.covenant().authorizing_input(), at(opath, "covenant.authorizing_input")));
      IGRA_TRY(c.covenant_id, hash_at(pout.covenant().covenant_id(), at(opath, "covenant.covenant_id")));
      out.covenant = c;
    }
    tx.outputs.push_back(std::move(out));
  }
  tx.lock_time = p.locktime();
  {
    auto sn = core::fixed_from_hex<20>(p.subnetworkid());
    if (!sn) return sn.error().context(at(path, "subnetworkId"));
    tx.subnetwork_id = *sn;
  }
  tx.gas = p.gas();
  IGRA_TRY(tx.payload, bytes_from(p.payload(), at(path, "payload")));
  tx.storage_mass = p.storage_mass();
  return tx;
}

Result<RpcTransaction> rpc_transaction_at(const protowire::RpcTransaction& p, const std::string& path) {
  RpcTransaction out;
  IGRA_TRY(out.transaction, transaction_at(p, path));
  if (p.has_verbosedata()) {
    IGRA_TRY(auto v, tx_verbose_at(p.verbosedata(), at(path, "verboseData")));
    out.verbose_data = v;
  }
  return out;
}

Result<BlockHeader> header_at(const protowire::RpcBlockHeader& p, const std::string& path) {
  BlockHeader h;
  IGRA_TRY(h.version, narrow<std::uint16_t>(p.version(), at(path, "version")));
  h.parents_by_level.reserve(static_cast<std::size_t>(p.parents_size()));
  for (int i = 0; i < p.parents_size(); ++i) {
    IGRA_TRY(auto level,
             hashes_at(p.parents(i).parenthashes(), at(path, "parents", static_cast<std::size_t>(i)), "parentHashes"));
    h.parents_by_level.push_back(std::move(level));
  }
  IGRA_TRY(h.hash_merkle_root, hash_at(p.hashmerkleroot(), at(path, "hashMerkleRoot")));
  IGRA_TRY(h.accepted_id_merkle_root, hash_at(p.acceptedidmerkleroot(), at(path, "acceptedIdMerkleRoot")));
  IGRA_TRY(h.utxo_commitment, hash_at(p.utxocommitment(), at(path, "utxoCommitment")));
  if (p.timestamp() < 0) return field_error(at(path, "timestamp"), "negative (" + std::to_string(p.timestamp()) + ")");
  h.timestamp = static_cast<std::uint64_t>(p.timestamp());
  h.bits = p.bits();
  h.nonce = p.nonce();
  h.daa_score = p.daascore();
  {
    auto bw = blue_work_from_rpc_hex(p.bluework());
    if (!bw) return bw.error().context(at(path, "blueWork"));
    h.blue_work = *bw;
  }
  h.blue_score = p.bluescore();
  IGRA_TRY(h.pruning_point, hash_at(p.pruningpoint(), at(path, "pruningPoint")));
  return h;
}

Result<UtxosByAddressesEntry> utxos_entry_at(const protowire::RpcUtxosByAddressesEntry& e, const std::string& path) {
  UtxosByAddressesEntry out;
  out.address = e.address();
  if (!e.has_outpoint()) return field_error(at(path, "outpoint"), "missing");
  IGRA_TRY(out.outpoint, outpoint_at(e.outpoint(), at(path, "outpoint")));
  if (!e.has_utxoentry()) return field_error(at(path, "utxoEntry"), "missing");
  IGRA_TRY(out.utxo_entry, utxo_entry_at(e.utxoentry(), at(path, "utxoEntry")));
  return out;
}

Result<AcceptedTransactionIds> accepted_at(const protowire::RpcAcceptedTransactionIds& a, const std::string& path) {
  AcceptedTransactionIds out;
  IGRA_TRY(out.accepting_block_hash, hash_at(a.acceptingblockhash(), at(path, "acceptingBlockHash")));
  IGRA_TRY(out.accepted_transaction_ids, hashes_at(a.acceptedtransactionids(), path, "acceptedTransactionIds"));
  return out;
}

template <typename M>
Result<VirtualChainChanged> virtual_chain_at(const M& m, const std::string& path) {
  VirtualChainChanged out;
  IGRA_TRY(out.removed_chain_block_hashes, hashes_at(m.removedchainblockhashes(), path, "removedChainBlockHashes"));
  IGRA_TRY(out.added_chain_block_hashes, hashes_at(m.addedchainblockhashes(), path, "addedChainBlockHashes"));
  out.accepted_transaction_ids.reserve(static_cast<std::size_t>(m.acceptedtransactionids_size()));
  for (int i = 0; i < m.acceptedtransactionids_size(); ++i) {
    IGRA_TRY(auto a, accepted_at(m.acceptedtransactionids(i),
                                 at(path, "acceptedTransactionIds", static_cast<std::size_t>(i))));
    out.accepted_transaction_ids.push_back(std::move(a));
  }
  return out;
}

template <typename M>
void virtual_chain_to(const VirtualChainChanged& v, M* out) {
  add_hashes(v.removed_chain_block_hashes, out->mutable_removedchainblockhashes());
  add_hashes(v.added_chain_block_hashes, out->mutable_addedchainblockhashes());
  for (const auto& a : v.accepted_transaction_ids) to_proto(a, out->add_acceptedtransactionids());
}

}  // namespace

// ---- scalars ----

std::string hash_to_hex(const core::Hash32& h) { return core::to_hex(h); }

core::Result<core::Hash32> hash_from_hex(std::string_view hex, std::string_view what) {
  auto h = core::fixed_from_hex<32>(hex);
  if (!h) return h.error().context(what);
  return h;
}

core::Result<core::Hash32> optional_hash_from_hex(std::string_view hex, std::string_view what) {
  if (hex.empty()) return core::Hash32{};
  return hash_from_hex(hex, what);
}

std::string blue_work_to_rpc_hex(const BlueWork& w) {
  std::string hex = core::to_hex(w);
  const auto first = hex.find_first_not_of('0');
  return first == std::string::npos ? std::string("0") : hex.substr(first);
}

core::Result<BlueWork> blue_work_from_rpc_hex(std::string_view hex) {
  if (hex.size() > 2 * BlueWork::size())
    return Error(ErrorCode::kOutOfRange, "blue work: " + std::to_string(hex.size()) + " hex digits, at most 48 allowed");
  std::string padded;
  if (hex.size() % 2) padded = "0";
  padded += hex;
  return blue_work_from_hex(padded);
}

// ---- model -> proto ----

void to_proto(const Outpoint& o, protowire::RpcOutpoint* out) {
  out->set_transactionid(hash_to_hex(o.transaction_id));
  out->set_index(o.index);
}

void to_proto(const ScriptPublicKey& spk, protowire::RpcScriptPublicKey* out) {
  out->set_version(spk.version);
  out->set_scriptpublickey(core::to_hex(spk.script));
}

void to_proto(const UtxoEntry& e, protowire::RpcUtxoEntry* out) {
  out->set_amount(e.amount);
  to_proto(e.script_public_key, out->mutable_scriptpublickey());
  out->set_blockdaascore(e.block_daa_score);
  out->set_iscoinbase(e.is_coinbase);
  if (e.covenant_id) out->set_covenant_id(hash_to_hex(*e.covenant_id));
}

void to_proto(const Transaction& tx, protowire::RpcTransaction* out) {
  out->set_version(tx.version);
  for (const auto& in : tx.inputs) {
    auto* pin = out->add_inputs();
    to_proto(in.previous_outpoint, pin->mutable_previousoutpoint());
    pin->set_signaturescript(core::to_hex(in.signature_script));
    pin->set_sequence(in.sequence);
    pin->set_sigopcount(in.sig_op_count());
    pin->set_computebudget(in.compute_budget());
  }
  for (const auto& o : tx.outputs) {
    auto* pout = out->add_outputs();
    pout->set_amount(o.value);
    to_proto(o.script_public_key, pout->mutable_scriptpublickey());
    if (o.covenant) {
      pout->mutable_covenant()->set_authorizing_input(o.covenant->authorizing_input);
      pout->mutable_covenant()->set_covenant_id(hash_to_hex(o.covenant->covenant_id));
    }
  }
  out->set_locktime(tx.lock_time);
  out->set_subnetworkid(core::to_hex(tx.subnetwork_id));
  out->set_gas(tx.gas);
  out->set_payload(core::to_hex(tx.payload));
  out->set_storage_mass(tx.storage_mass);
}

void to_proto(const TransactionVerboseData& v, protowire::RpcTransactionVerboseData* out) {
  out->set_transactionid(hash_to_hex(v.transaction_id));
  out->set_hash(hash_to_hex(v.hash));
  out->set_computemass(v.compute_mass);
  out->set_blockhash(hash_to_hex(v.block_hash));
  out->set_blocktime(v.block_time);
}

void to_proto(const RpcTransaction& tx, protowire::RpcTransaction* out) {
  to_proto(tx.transaction, out);
  if (tx.verbose_data) to_proto(*tx.verbose_data, out->mutable_verbosedata());
}

void to_proto(const BlockHeader& h, const core::Hash32& hash, protowire::RpcBlockHeader* out) {
  out->set_version(h.version);
  for (const auto& level : h.parents_by_level) add_hashes(level, out->add_parents()->mutable_parenthashes());
  out->set_hashmerkleroot(hash_to_hex(h.hash_merkle_root));
  out->set_acceptedidmerkleroot(hash_to_hex(h.accepted_id_merkle_root));
  out->set_utxocommitment(hash_to_hex(h.utxo_commitment));
  // kaspad timestamps are ms since the epoch; values above i64 max cannot occur in valid headers.
  out->set_timestamp(static_cast<std::int64_t>(h.timestamp));
  out->set_bits(h.bits);
  out->set_nonce(h.nonce);
  out->set_daascore(h.daa_score);
  out->set_bluework(blue_work_to_rpc_hex(h.blue_work));
  out->set_bluescore(h.blue_score);
  out->set_pruningpoint(hash_to_hex(h.pruning_point));
  if (!hash.is_zero()) out->set_hash(hash_to_hex(hash));
}

void to_proto(const BlockVerboseData& v, protowire::RpcBlockVerboseData* out) {
  out->set_hash(hash_to_hex(v.hash));
  out->set_difficulty(v.difficulty);
  out->set_selectedparenthash(hash_to_hex(v.selected_parent_hash));
  add_hashes(v.transaction_ids, out->mutable_transactionids());
  out->set_isheaderonly(v.is_header_only);
  out->set_bluescore(v.blue_score);
  add_hashes(v.children_hashes, out->mutable_childrenhashes());
  add_hashes(v.merge_set_blues_hashes, out->mutable_mergesetblueshashes());
  add_hashes(v.merge_set_reds_hashes, out->mutable_mergesetredshashes());
  out->set_ischainblock(v.is_chain_block);
}

void to_proto(const Block& b, protowire::RpcBlock* out) {
  to_proto(b.header, b.hash.is_zero() ? header_hash(b.header) : b.hash, out->mutable_header());
  for (const auto& tx : b.transactions) to_proto(tx, out->add_transactions());
  if (b.verbose_data) to_proto(*b.verbose_data, out->mutable_verbosedata());
}

void to_proto(const AcceptedTransactionIds& a, protowire::RpcAcceptedTransactionIds* out) {
  out->set_acceptingblockhash(hash_to_hex(a.accepting_block_hash));
  add_hashes(a.accepted_transaction_ids, out->mutable_acceptedtransactionids());
}

void to_proto(const UtxosByAddressesEntry& e, protowire::RpcUtxosByAddressesEntry* out) {
  out->set_address(e.address);
  to_proto(e.outpoint, out->mutable_outpoint());
  to_proto(e.utxo_entry, out->mutable_utxoentry());
}

void to_proto(const MempoolEntry& e, protowire::RpcMempoolEntry* out) {
  out->set_fee(e.fee);
  to_proto(e.transaction, out->mutable_transaction());
  out->set_isorphan(e.is_orphan);
}

void to_proto(const FeerateBucket& b, protowire::RpcFeerateBucket* out) {
  out->set_feerate(b.feerate);
  out->set_estimatedseconds(b.estimated_seconds);
}

void to_proto(const FeeEstimate& f, protowire::RpcFeeEstimate* out) {
  to_proto(f.priority_bucket, out->mutable_prioritybucket());
  for (const auto& b : f.normal_buckets) to_proto(b, out->add_normalbuckets());
  for (const auto& b : f.low_buckets) to_proto(b, out->add_lowbuckets());
}

void to_proto(const ServerInfo& s, protowire::GetServerInfoResponseMessage* out) {
  out->set_rpcapiversion(s.rpc_api_version);
  out->set_rpcapirevision(s.rpc_api_revision);
  out->set_serverversion(s.server_version);
  out->set_networkid(s.network_id);
  out->set_hasutxoindex(s.has_utxo_index);
  out->set_issynced(s.is_synced);
  out->set_virtualdaascore(s.virtual_daa_score);
}

void to_proto(const BlockDagInfo& d, protowire::GetBlockDagInfoResponseMessage* out) {
  out->set_networkname(d.network_name);
  out->set_blockcount(d.block_count);
  out->set_headercount(d.header_count);
  add_hashes(d.tip_hashes, out->mutable_tiphashes());
  out->set_difficulty(d.difficulty);
  out->set_pastmediantime(d.past_median_time);
  add_hashes(d.virtual_parent_hashes, out->mutable_virtualparenthashes());
  out->set_pruningpointhash(hash_to_hex(d.pruning_point_hash));
  out->set_virtualdaascore(d.virtual_daa_score);
  out->set_sink(hash_to_hex(d.sink));
}

void to_proto(const VirtualChainChanged& v, protowire::GetVirtualChainFromBlockResponseMessage* out) {
  virtual_chain_to(v, out);
}
void to_proto(const VirtualChainChanged& v, protowire::VirtualChainChangedNotificationMessage* out) {
  virtual_chain_to(v, out);
}

void to_proto(const UtxosChanged& u, protowire::UtxosChangedNotificationMessage* out) {
  for (const auto& e : u.added) to_proto(e, out->add_added());
  for (const auto& e : u.removed) to_proto(e, out->add_removed());
}

// ---- proto -> model ----

core::Result<Outpoint> outpoint_from_proto(const protowire::RpcOutpoint& o) { return outpoint_at(o, "RpcOutpoint"); }
core::Result<ScriptPublicKey> script_public_key_from_proto(const protowire::RpcScriptPublicKey& s) {
  return spk_at(s, "RpcScriptPublicKey");
}
core::Result<UtxoEntry> utxo_entry_from_proto(const protowire::RpcUtxoEntry& e) {
  return utxo_entry_at(e, "RpcUtxoEntry");
}
core::Result<Transaction> transaction_from_proto(const protowire::RpcTransaction& tx) {
  return transaction_at(tx, "RpcTransaction");
}
core::Result<RpcTransaction> rpc_transaction_from_proto(const protowire::RpcTransaction& tx) {
  return rpc_transaction_at(tx, "RpcTransaction");
}
core::Result<TransactionVerboseData> transaction_verbose_data_from_proto(const protowire::RpcTransactionVerboseData& v) {
  return tx_verbose_at(v, "RpcTransactionVerboseData");
}
core::Result<BlockHeader> header_from_proto(const protowire::RpcBlockHeader& h) {
  return header_at(h, "RpcBlockHeader");
}

core::Result<BlockVerboseData> block_verbose_data_from_proto(const protowire::RpcBlockVerboseData& v) {
  const std::string path = "RpcBlockVerboseData";
  BlockVerboseData out;
  IGRA_TRY(out.hash, opt_hash_at(v.hash(), at(path, "hash")));
  out.difficulty = v.difficulty();
  IGRA_TRY(out.selected_parent_hash, opt_hash_at(v.selectedparenthash(), at(path, "selectedParentHash")));
  IGRA_TRY(out.transaction_ids, hashes_at(v.transactionids(), path, "transactionIds"));
  out.is_header_only = v.isheaderonly();
  out.blue_score = v.bluescore();
  IGRA_TRY(out.children_hashes, hashes_at(v.childrenhashes(), path, "childrenHashes"));
  IGRA_TRY(out.merge_set_blues_hashes, hashes_at(v.mergesetblueshashes(), path, "mergeSetBluesHashes"));
  IGRA_TRY(out.merge_set_reds_hashes, hashes_at(v.mergesetredshashes(), path, "mergeSetRedsHashes"));
  out.is_chain_block = v.ischainblock();
  return out;
}

core::Result<Block> block_from_proto(const protowire::RpcBlock& b) {
  const std::string path = "RpcBlock";
  Block out;
  if (!b.has_header()) return field_error(at(path, "header"), "missing");
  IGRA_TRY(out.header, header_at(b.header(), at(path, "header")));
  if (b.header().hash().empty()) {
    out.hash = header_hash(out.header);
  } else {
    IGRA_TRY(out.hash, hash_at(b.header().hash(), at(path, "header.hash")));
  }
  out.transactions.reserve(static_cast<std::size_t>(b.transactions_size()));
  for (int i = 0; i < b.transactions_size(); ++i) {
    IGRA_TRY(auto tx, rpc_transaction_at(b.transactions(i), at(path, "transactions", static_cast<std::size_t>(i))));
    out.transactions.push_back(std::move(tx));
  }
  if (b.has_verbosedata()) {
    auto v = block_verbose_data_from_proto(b.verbosedata());
    if (!v) return v.error().context(path);
    out.verbose_data = std::move(*v);
  }
  return out;
}

core::Result<AcceptedTransactionIds> accepted_transaction_ids_from_proto(const protowire::RpcAcceptedTransactionIds& a) {
  return accepted_at(a, "RpcAcceptedTransactionIds");
}

core::Result<UtxosByAddressesEntry> utxos_by_addresses_entry_from_proto(const protowire::RpcUtxosByAddressesEntry& e) {
  return utxos_entry_at(e, "RpcUtxosByAddressesEntry");
}

core::Result<MempoolEntry> mempool_entry_from_proto(const protowire::RpcMempoolEntry& e) {
  MempoolEntry out;
  out.fee = e.fee();
  if (!e.has_transaction()) return field_error("RpcMempoolEntry.transaction", "missing");
  IGRA_TRY(out.transaction, rpc_transaction_at(e.transaction(), "RpcMempoolEntry.transaction"));
  out.is_orphan = e.isorphan();
  return out;
}

FeerateBucket feerate_bucket_from_proto(const protowire::RpcFeerateBucket& b) {
  return FeerateBucket{b.feerate(), b.estimatedseconds()};
}

FeeEstimate fee_estimate_from_proto(const protowire::RpcFeeEstimate& f) {
  FeeEstimate out;
  out.priority_bucket = feerate_bucket_from_proto(f.prioritybucket());
  for (const auto& b : f.normalbuckets()) out.normal_buckets.push_back(feerate_bucket_from_proto(b));
  for (const auto& b : f.lowbuckets()) out.low_buckets.push_back(feerate_bucket_from_proto(b));
  return out;
}

ServerInfo server_info_from_proto(const protowire::GetServerInfoResponseMessage& m) {
  ServerInfo s;
  s.rpc_api_version = m.rpcapiversion();
  s.rpc_api_revision = m.rpcapirevision();
  s.server_version = m.serverversion();
  s.network_id = m.networkid();
  s.has_utxo_index = m.hasutxoindex();
  s.is_synced = m.issynced();
  s.virtual_daa_score = m.virtualdaascore();
  return s;
}

core::Result<BlockDagInfo> block_dag_info_from_proto(const protowire::GetBlockDagInfoResponseMessage& m) {
  const std::string path = "GetBlockDagInfoResponseMessage";
  BlockDagInfo d;
  d.network_name = m.networkname();
  d.block_count = m.blockcount();
  d.header_count = m.headercount();
  IGRA_TRY(d.tip_hashes, hashes_at(m.tiphashes(), path, "tipHashes"));
  d.difficulty = m.difficulty();
  d.past_median_time = m.pastmediantime();
  IGRA_TRY(d.virtual_parent_hashes, hashes_at(m.virtualparenthashes(), path, "virtualParentHashes"));
  IGRA_TRY(d.pruning_point_hash, hash_at(m.pruningpointhash(), at(path, "pruningPointHash")));
  d.virtual_daa_score = m.virtualdaascore();
  IGRA_TRY(d.sink, hash_at(m.sink(), at(path, "sink")));
  return d;
}

core::Result<VirtualChainChanged> virtual_chain_from_proto(const protowire::GetVirtualChainFromBlockResponseMessage& m) {
  return virtual_chain_at(m, "GetVirtualChainFromBlockResponseMessage");
}
core::Result<VirtualChainChanged> virtual_chain_from_proto(const protowire::VirtualChainChangedNotificationMessage& m) {
  return virtual_chain_at(m, "VirtualChainChangedNotificationMessage");
}

core::Result<UtxosChanged> utxos_changed_from_proto(const protowire::UtxosChangedNotificationMessage& m) {
  const std::string path = "UtxosChangedNotificationMessage";
  UtxosChanged out;
  for (int i = 0; i < m.added_size(); ++i) {
    IGRA_TRY(auto e, utxos_entry_at(m.added(i), at(path, "added", static_cast<std::size_t>(i))));
    out.added.push_back(std::move(e));
  }
  for (int i = 0; i < m.removed_size(); ++i) {
    IGRA_TRY(auto e, utxos_entry_at(m.removed(i), at(path, "removed", static_cast<std::size_t>(i))));
    out.removed.push_back(std::move(e));
  }
  return out;
}

}  // namespace igra::kaspa::rpc
