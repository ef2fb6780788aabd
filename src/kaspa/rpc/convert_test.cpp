#include "kaspa/rpc/convert.hpp"

#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include <string>

#include "core/hex.hpp"
#include "kaspa/header.hpp"
#include "kaspa/rpc/proto/messages.pb.h"
#include "kaspa/tx_id.hpp"
#include "kaspa/tx_vectors_testing.hpp"

namespace igra::kaspa::rpc {
namespace {

using vectors_testing::hash_from;
using vectors_testing::kaspa_vectors;
using vectors_testing::tx_from_json;
using vectors_testing::header_from;
using vectors_testing::u64_from;

// ---- numbering: our .proto subset must match rusty-kaspa (kaspa-protocol.md §7.1) ----

int field_number(const google::protobuf::Descriptor* d, const std::string& name) {
  const auto* f = d->FindFieldByName(name);
  return f ? f->number() : -1;
}

TEST(RpcProto, ServiceAndPackage) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  const auto* svc = pool->FindServiceByName("protowire.RPC");
  ASSERT_NE(svc, nullptr);
  const auto* m = svc->FindMethodByName("MessageStream");
  ASSERT_NE(m, nullptr);
  EXPECT_TRUE(m->client_streaming());
  EXPECT_TRUE(m->server_streaming());
  EXPECT_EQ(m->input_type()->full_name(), "protowire.KaspadRequest");
  EXPECT_EQ(m->output_type()->full_name(), "protowire.KaspadResponse");
}

TEST(RpcProto, OneofNumbers) {
  const auto* req = protowire::KaspadRequest::descriptor();
  const auto* resp = protowire::KaspadResponse::descriptor();
  EXPECT_EQ(field_number(req, "id"), 101);
  EXPECT_EQ(field_number(resp, "id"), 101);
  const std::pair<const char*, int> requests[] = {
      {"getBlockRequest", 1025}, {"getBlocksRequest", 1031}, {"getBlockDagInfoRequest", 1035},
      {"GetSinkRequest", 1012}, {"getSinkBlueScoreRequest", 1054}, {"getVirtualChainFromBlockRequest", 1029},
      {"submitTransactionRequest", 1020}, {"submitTransactionReplacementRequest", 1100},
      {"getUtxosByAddressesRequest", 1052}, {"getBalanceByAddressRequest", 1077},
      {"getMempoolEntriesRequest", 1043}, {"getServerInfoRequest", 1092}, {"getFeeEstimateRequest", 1106},
      {"notifyBlockAddedRequest", 1007}, {"notifyVirtualChainChangedRequest", 1022},
      {"notifyUtxosChangedRequest", 1049}, {"stopNotifyingUtxosChangedRequest", 1065},
      {"notifySinkBlueScoreChangedRequest", 1056}, {"getBlockTemplateRequest", 1005}, {"submitBlockRequest", 1003},
      {"getInfoRequest", 1063}, {"pingRequest", 1088}, {"getCurrentNetworkRequest", 1001}};
  for (const auto& [name, num] : requests) EXPECT_EQ(field_number(req, name), num) << name;
  const std::pair<const char*, int> responses[] = {
      {"getBlockResponse", 1026}, {"getBlocksResponse", 1032}, {"getBlockDagInfoResponse", 1036},
      {"GetSinkResponse", 1013}, {"getSinkBlueScoreResponse", 1055}, {"getVirtualChainFromBlockResponse", 1030},
      {"submitTransactionResponse", 1021}, {"submitTransactionReplacementResponse", 1101},
      {"getUtxosByAddressesResponse", 1053}, {"getBalanceByAddressResponse", 1078},
      {"getMempoolEntriesResponse", 1044}, {"getServerInfoResponse", 1093}, {"getFeeEstimateResponse", 1107},
      {"notifyBlockAddedResponse", 1008}, {"blockAddedNotification", 1009},
      {"notifyVirtualChainChangedResponse", 1023}, {"virtualChainChangedNotification", 1024},
      {"notifyUtxosChangedResponse", 1050}, {"utxosChangedNotification", 1051},
      {"stopNotifyingUtxosChangedResponse", 1066}, {"notifySinkBlueScoreChangedResponse", 1057},
      {"sinkBlueScoreChangedNotification", 1058}, {"getBlockTemplateResponse", 1006}, {"submitBlockResponse", 1004},
      {"getInfoResponse", 1064}, {"pingResponse", 1089}, {"getCurrentNetworkResponse", 1002}};
  for (const auto& [name, num] : responses) EXPECT_EQ(field_number(resp, name), num) << name;
}

TEST(RpcProto, MessageFieldNumbers) {
  struct Case {
    const google::protobuf::Descriptor* d;
    std::vector<std::pair<const char*, int>> fields;
  };
  const Case cases[] = {
      {protowire::GetVirtualChainFromBlockRequestMessage::descriptor(),
       {{"startHash", 1}, {"includeAcceptedTransactionIds", 2}, {"minConfirmationCount", 3}}},
      {protowire::GetVirtualChainFromBlockResponseMessage::descriptor(),
       {{"removedChainBlockHashes", 1}, {"addedChainBlockHashes", 3}, {"acceptedTransactionIds", 2}, {"error", 1000}}},
      {protowire::VirtualChainChangedNotificationMessage::descriptor(),
       {{"removedChainBlockHashes", 1}, {"addedChainBlockHashes", 3}, {"acceptedTransactionIds", 2}}},
      {protowire::RpcAcceptedTransactionIds::descriptor(), {{"acceptingBlockHash", 1}, {"acceptedTransactionIds", 2}}},
      {protowire::NotifyVirtualChainChangedRequestMessage::descriptor(),
       {{"includeAcceptedTransactionIds", 1}, {"command", 101}}},
      {protowire::GetBlockRequestMessage::descriptor(), {{"hash", 1}, {"includeTransactions", 3}}},
      {protowire::GetBlockResponseMessage::descriptor(), {{"block", 3}, {"error", 1000}}},
      {protowire::GetBlocksRequestMessage::descriptor(), {{"lowHash", 1}, {"includeBlocks", 2}, {"includeTransactions", 3}}},
      {protowire::GetBlocksResponseMessage::descriptor(), {{"blockHashes", 4}, {"blocks", 3}}},
      {protowire::GetBlockDagInfoResponseMessage::descriptor(),
       {{"networkName", 1}, {"blockCount", 2}, {"headerCount", 3}, {"tipHashes", 4}, {"difficulty", 5},
        {"pastMedianTime", 6}, {"virtualParentHashes", 7}, {"pruningPointHash", 8}, {"virtualDaaScore", 9},
        {"sink", 10}}},
      {protowire::GetSinkBlueScoreResponseMessage::descriptor(), {{"blueScore", 1}}},
      {protowire::SubmitTransactionRequestMessage::descriptor(), {{"transaction", 1}, {"allowOrphan", 2}}},
      {protowire::SubmitTransactionResponseMessage::descriptor(), {{"transactionId", 1}}},
      {protowire::GetUtxosByAddressesRequestMessage::descriptor(), {{"addresses", 1}}},
      {protowire::RpcUtxosByAddressesEntry::descriptor(), {{"address", 1}, {"outpoint", 2}, {"utxoEntry", 3}}},
      {protowire::NotifyUtxosChangedRequestMessage::descriptor(), {{"addresses", 1}, {"command", 101}}},
      {protowire::UtxosChangedNotificationMessage::descriptor(), {{"added", 1}, {"removed", 2}}},
      {protowire::BlockAddedNotificationMessage::descriptor(), {{"block", 3}}},
      {protowire::GetMempoolEntriesRequestMessage::descriptor(), {{"includeOrphanPool", 1}, {"filterTransactionPool", 2}}},
      {protowire::RpcMempoolEntry::descriptor(), {{"fee", 1}, {"transaction", 3}, {"isOrphan", 4}}},
      {protowire::GetServerInfoResponseMessage::descriptor(),
       {{"rpcApiVersion", 1}, {"rpcApiRevision", 2}, {"serverVersion", 3}, {"networkId", 4}, {"hasUtxoIndex", 5},
        {"isSynced", 6}, {"virtualDaaScore", 7}}},
      {protowire::RpcBlock::descriptor(), {{"header", 1}, {"transactions", 2}, {"verboseData", 3}}},
      {protowire::RpcBlockHeader::descriptor(),
       {{"version", 1}, {"parents", 12}, {"hashMerkleRoot", 3}, {"acceptedIdMerkleRoot", 4}, {"utxoCommitment", 5},
        {"timestamp", 6}, {"bits", 7}, {"nonce", 8}, {"daaScore", 9}, {"blueWork", 10}, {"blueScore", 13},
        {"pruningPoint", 14}, {"hash", 15}}},
      {protowire::RpcBlockVerboseData::descriptor(),
       {{"hash", 1}, {"difficulty", 11}, {"selectedParentHash", 13}, {"transactionIds", 14}, {"isHeaderOnly", 15},
        {"blueScore", 16}, {"childrenHashes", 17}, {"mergeSetBluesHashes", 18}, {"mergeSetRedsHashes", 19},
        {"isChainBlock", 20}}},
      {protowire::RpcTransaction::descriptor(),
       {{"version", 1}, {"inputs", 2}, {"outputs", 3}, {"lockTime", 4}, {"subnetworkId", 5}, {"gas", 6},
        {"payload", 8}, {"verboseData", 9}, {"storage_mass", 10}}},
      {protowire::RpcTransactionInput::descriptor(),
       {{"previousOutpoint", 1}, {"signatureScript", 2}, {"sequence", 3}, {"sigOpCount", 5}, {"verboseData", 4},
        {"computeBudget", 6}}},
      {protowire::RpcOutpoint::descriptor(), {{"transactionId", 1}, {"index", 2}}},
      {protowire::RpcTransactionOutput::descriptor(),
       {{"amount", 1}, {"scriptPublicKey", 2}, {"verboseData", 3}, {"covenant", 4}}},
      {protowire::RpcScriptPublicKey::descriptor(), {{"version", 1}, {"scriptPublicKey", 2}}},
      {protowire::RpcCovenantBinding::descriptor(), {{"authorizing_input", 1}, {"covenant_id", 2}}},
      {protowire::RpcTransactionVerboseData::descriptor(),
       {{"transactionId", 1}, {"hash", 2}, {"computeMass", 4}, {"blockHash", 12}, {"blockTime", 14}}},
      {protowire::RpcUtxoEntry::descriptor(),
       {{"amount", 1}, {"scriptPublicKey", 2}, {"blockDaaScore", 3}, {"isCoinbase", 4}, {"verboseData", 5},
        {"covenant_id", 6}}},
      {protowire::RPCError::descriptor(), {{"message", 1}}},
  };
  for (const auto& c : cases)
    for (const auto& [name, num] : c.fields) EXPECT_EQ(field_number(c.d, name), num) << c.d->name() << "." << name;
}

// ---- round trips through the wire bytes ----

template <typename M>
M reparse(const M& m) {
  std::string bytes;
  EXPECT_TRUE(m.SerializeToString(&bytes));
  M out;
  EXPECT_TRUE(out.ParseFromString(bytes));
  return out;
}

bool has_v1_sigop_variant(const Transaction& tx) {
  if (tx.version < kTxVersionToccata) return false;
  for (const auto& in : tx.inputs)
    if (std::holds_alternative<SigOpCount>(in.compute_commit) && in.sig_op_count() != 0) return true;
  return false;
}

TEST(RpcConvert, TransactionVectorsRoundTrip) {
  int checked = 0, rejected = 0;
  for (const auto& v : kaspa_vectors().at("tx_vectors")) {
    SCOPED_TRACE(v.at("name").get<std::string>());
    const Transaction tx = tx_from_json(v.at("tx"));
    protowire::RpcTransaction p;
    to_proto(tx, &p);
    const auto back = transaction_from_proto(reparse(p));
    if (has_v1_sigop_variant(tx)) {
      // As rusty-kaspa: a v1 input carrying a sig-op count is inconsistent with its version.
      ASSERT_FALSE(back.ok());
      EXPECT_NE(back.error().message.find("sigOpCount: inconsistent with transaction version"), std::string::npos)
          << back.error().message;
      ++rejected;
      continue;
    }
    ASSERT_TRUE(back.ok()) << back.error().message;
    // A v1 input holding SigOpCount{0} comes back as ComputeBudget{0}: same encoding, same id.
    if (tx.version == 0) EXPECT_EQ(*back, tx);
    if (v.at("name").get<std::string>().rfind("v1.1.0-legacy", 0) == 0) {
      EXPECT_EQ(core::to_hex(transaction_id_legacy(*back)), v.at("expected_id").get<std::string>());
    } else {
      EXPECT_EQ(core::to_hex(transaction_id(*back)), v.at("expected_id").get<std::string>());
      EXPECT_EQ(core::to_hex(transaction_hash(*back)), v.at("expected_hash").get<std::string>());
    }
    EXPECT_EQ(transaction_id(*back), transaction_id(tx));
    EXPECT_EQ(transaction_hash(*back), transaction_hash(tx));
    ++checked;
  }
  EXPECT_GE(checked, 10);
  RecordProperty("rejected_v1_sigop", rejected);
}


TEST(RpcConvert, HeaderVectorsRoundTrip) {
  int n = 0;
  for (const auto& v : kaspa_vectors().at("header_vectors")) {
    if (!v.contains("header")) continue;
    SCOPED_TRACE(v.at("name").get<std::string>());
    Block b;
    b.header = header_from(v.at("header"));
    if (v.contains("coinbase_tx")) b.transactions.push_back({tx_from_json(v.at("coinbase_tx")), std::nullopt});
    protowire::RpcBlock p;
    to_proto(b, &p);  // hash left zero: filled with header_hash
    EXPECT_EQ(p.header().hash(), v.at("expected_hash").get<std::string>());
    auto back = block_from_proto(reparse(p));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->header, b.header);
    EXPECT_EQ(core::to_hex(back->hash), v.at("expected_hash").get<std::string>());
    EXPECT_EQ(back->transactions, b.transactions);
    // A raw header (no hash field) gets the computed hash.
    p.mutable_header()->clear_hash();
    auto raw = block_from_proto(p);
    ASSERT_TRUE(raw.ok());
    EXPECT_EQ(core::to_hex(raw->hash), v.at("expected_hash").get<std::string>());
    ++n;
  }
  EXPECT_EQ(n, 4);
}

core::Hash32 h(std::uint8_t b) {
  core::Hash32 x;
  x.bytes.fill(b);
  return x;
}

TEST(RpcConvert, BlockWithVerboseDataRoundTrip) {
  Block b;
  b.header.version = 1;
  b.header.parents_by_level = {{h(1), h(2)}, {h(3)}};
  b.header.hash_merkle_root = h(4);
  b.header.timestamp = 1'700'000'000'123;
  b.header.bits = 0x207fffff;
  b.header.nonce = 42;
  b.header.daa_score = 1000;
  b.header.blue_work = blue_work_from_u64(0xabcde);
  b.header.blue_score = 999;
  b.hash = h(9);  // reported hash kept as is
  Transaction tx;
  tx.inputs.push_back({{h(5), 3}, core::hex_or_die("41aa"), 7, SigOpCount{1}});
  tx.outputs.push_back({5000, {0, core::hex_or_die("20" + std::string(64, 'b') + "ac")}, std::nullopt});
  tx.payload = core::hex_or_die("deadbeef");
  tx.storage_mass = 123;
  b.transactions.push_back({tx, TransactionVerboseData{transaction_id(tx), transaction_hash(tx), 1234, h(9), 77}});
  BlockVerboseData vd;
  vd.hash = h(9);
  vd.difficulty = 1.5;
  vd.selected_parent_hash = h(1);
  vd.transaction_ids = {transaction_id(tx)};
  vd.blue_score = 999;
  vd.children_hashes = {h(10)};
  vd.merge_set_blues_hashes = {h(1)};
  vd.merge_set_reds_hashes = {h(2)};
  vd.is_chain_block = true;
  b.verbose_data = vd;
  protowire::RpcBlock p;
  to_proto(b, &p);
  EXPECT_EQ(p.header().bluework(), "abcde");  // kaspad form: no leading zeros, odd length
  EXPECT_EQ(p.header().hash(), core::to_hex(h(9)));
  auto back = block_from_proto(reparse(p));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, b);
}

TEST(RpcConvert, ToccataTransactionRoundTrip) {
  Transaction tx;
  tx.version = kTxVersionToccata;
  tx.inputs.push_back({{h(5), 0}, {}, 0, ComputeBudget{500}});
  tx.outputs.push_back({1, {0, core::hex_or_die("51")}, CovenantBinding{0, h(6)}});
  tx.subnetwork_id = subnetwork_lane(0x97b10000);
  tx.gas = 10;
  tx.storage_mass = 1;
  protowire::RpcTransaction p;
  to_proto(tx, &p);
  EXPECT_EQ(p.inputs(0).computebudget(), 500u);
  EXPECT_EQ(p.inputs(0).sigopcount(), 0u);
  EXPECT_EQ(p.subnetworkid(), "97b1000000000000000000000000000000000000");
  auto back = transaction_from_proto(reparse(p));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, tx);
}

TEST(RpcConvert, OtherMessagesRoundTrip) {
  VirtualChainChanged v{{h(1), h(2)}, {h(3)}, {{h(3), {h(7), h(8)}}}};
  protowire::VirtualChainChangedNotificationMessage vn;
  to_proto(v, &vn);
  EXPECT_EQ(*virtual_chain_from_proto(reparse(vn)), v);
  protowire::GetVirtualChainFromBlockResponseMessage vr;
  to_proto(v, &vr);
  EXPECT_EQ(*virtual_chain_from_proto(reparse(vr)), v);

  UtxoEntry e{100, {0, core::hex_or_die("aa")}, 55, true, h(4)};
  UtxosChanged u{{{"kaspasim:qq", {h(1), 2}, e}}, {{"", {h(2), 0}, UtxoEntry{1, {}, 0, false, std::nullopt}}}};
  protowire::UtxosChangedNotificationMessage un;
  to_proto(u, &un);
  EXPECT_EQ(*utxos_changed_from_proto(reparse(un)), u);

  MempoolEntry me{10, {Transaction{}, std::nullopt}, true};
  protowire::RpcMempoolEntry mp;
  to_proto(me, &mp);
  EXPECT_EQ(*mempool_entry_from_proto(reparse(mp)), me);

  FeeEstimate f{{1.0, 0.5}, {{2.0, 10}, {1.5, 30}}, {{1.0, 3600}}};
  protowire::RpcFeeEstimate fp;
  to_proto(f, &fp);
  EXPECT_EQ(fee_estimate_from_proto(reparse(fp)), f);

  BlockDagInfo d{"kaspa-simnet", 10, 10, {h(1)}, 2.5, 123, {h(1), h(2)}, h(0), 77, h(1)};
  protowire::GetBlockDagInfoResponseMessage dp;
  to_proto(d, &dp);
  EXPECT_EQ(*block_dag_info_from_proto(reparse(dp)), d);

  ServerInfo s{1, 2, "1.0.0", "simnet", true, true, 1234};
  protowire::GetServerInfoResponseMessage sp;
  to_proto(s, &sp);
  EXPECT_EQ(server_info_from_proto(reparse(sp)), s);
}

// ---- strictness ----

TEST(RpcConvert, BlueWorkHex) {
  EXPECT_EQ(blue_work_to_rpc_hex(BlueWork{}), "0");
  EXPECT_EQ(blue_work_to_rpc_hex(blue_work_from_u64(0x1000)), "1000");
  EXPECT_EQ(*blue_work_from_rpc_hex("abc"), blue_work_from_u64(0xabc));
  EXPECT_EQ(*blue_work_from_rpc_hex("0"), BlueWork{});
  EXPECT_EQ(*blue_work_from_rpc_hex(""), BlueWork{});
  EXPECT_FALSE(blue_work_from_rpc_hex(std::string(49, '1')).ok());
  EXPECT_TRUE(blue_work_from_rpc_hex(std::string(48, 'f')).ok());
  EXPECT_FALSE(blue_work_from_rpc_hex("xyz").ok());
}

protowire::RpcTransaction sample_tx_proto() {
  Transaction tx;
  tx.inputs.push_back({{h(5), 3}, core::hex_or_die("41aa"), 7, SigOpCount{1}});
  tx.outputs.push_back({5000, {0, core::hex_or_die("51")}, std::nullopt});
  protowire::RpcTransaction p;
  to_proto(tx, &p);
  return p;
}

std::string error_of(const protowire::RpcTransaction& p) {
  auto r = transaction_from_proto(p);
  return r.ok() ? std::string("ok") : r.error().message;
}

TEST(RpcConvert, StrictTransactionParsing) {
  ASSERT_EQ(error_of(sample_tx_proto()), "ok");
  {
    auto p = sample_tx_proto();
    p.mutable_inputs(0)->mutable_previousoutpoint()->set_transactionid(std::string(62, 'a'));
    EXPECT_EQ(error_of(p), "RpcTransaction.inputs[0].previousOutpoint.transactionId: hex: expected 32 bytes, got 31");
  }
  {
    auto p = sample_tx_proto();
    p.mutable_inputs(0)->clear_previousoutpoint();
    EXPECT_EQ(error_of(p), "RpcTransaction.inputs[0].previousOutpoint: missing");
  }
  {
    auto p = sample_tx_proto();
    p.mutable_inputs(0)->set_computebudget(5);
    EXPECT_EQ(error_of(p), "RpcTransaction.inputs[0].computeBudget: inconsistent with transaction version 0");
  }
  {
    auto p = sample_tx_proto();
    p.mutable_inputs(0)->set_sigopcount(256);
    EXPECT_NE(error_of(p).find("sigOpCount: 256 exceeds 255"), std::string::npos) << error_of(p);
  }
  {
    auto p = sample_tx_proto();
    p.set_version(1);
    EXPECT_EQ(error_of(p), "RpcTransaction.inputs[0].sigOpCount: inconsistent with transaction version 1");
  }
  {
    auto p = sample_tx_proto();
    p.set_version(70000);
    EXPECT_NE(error_of(p).find("RpcTransaction.version: 70000 exceeds 65535"), std::string::npos);
  }
  {
    auto p = sample_tx_proto();
    p.mutable_outputs(0)->clear_scriptpublickey();
    EXPECT_EQ(error_of(p), "RpcTransaction.outputs[0].scriptPublicKey: missing");
  }
  {
    auto p = sample_tx_proto();
    p.mutable_outputs(0)->mutable_scriptpublickey()->set_scriptpublickey("abc");
    EXPECT_NE(error_of(p).find("RpcTransaction.outputs[0].scriptPublicKey.scriptPublicKey"), std::string::npos);
  }
  {
    auto p = sample_tx_proto();
    p.set_subnetworkid("00");
    EXPECT_NE(error_of(p).find("RpcTransaction.subnetworkId: hex: expected 20 bytes, got 1"), std::string::npos)
        << error_of(p);
  }
  {
    auto p = sample_tx_proto();
    p.set_payload("zz");
    EXPECT_NE(error_of(p).find("RpcTransaction.payload"), std::string::npos);
  }
}

TEST(RpcConvert, StrictHeaderParsing) {
  Block b;
  protowire::RpcBlock p;
  to_proto(b, &p);
  ASSERT_TRUE(block_from_proto(p).ok());
  auto bad = p;
  bad.mutable_header()->set_timestamp(-1);
  EXPECT_EQ(block_from_proto(bad).error().message, "RpcBlock.header.timestamp: negative (-1)");
  bad = p;
  bad.mutable_header()->add_parents()->add_parenthashes("00");
  EXPECT_EQ(block_from_proto(bad).error().message,
            "RpcBlock.header.parents[0].parentHashes[0]: hex: expected 32 bytes, got 1");
  bad = p;
  bad.mutable_header()->set_hashmerkleroot("");
  EXPECT_NE(block_from_proto(bad).error().message.find("RpcBlock.header.hashMerkleRoot"), std::string::npos);
  bad = p;
  bad.clear_header();
  EXPECT_EQ(block_from_proto(bad).error().message, "RpcBlock.header: missing");
  bad = p;
  bad.mutable_header()->set_hash("12");
  EXPECT_NE(block_from_proto(bad).error().message.find("RpcBlock.header.hash"), std::string::npos);
}

}  // namespace
}  // namespace igra::kaspa::rpc
