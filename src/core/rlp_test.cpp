// RLP against the ethereum/tests RLPTests fixtures, plus one test per strictness rule (each with its own
// error message) and encoder/decoder properties.
#include "core/rlp.hpp"

#include <gmp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/hex.hpp"
#include "support/testing.hpp"

using namespace igra::core;
using nlohmann::json;

namespace {

// Minimal big-endian bytes of a "#<decimal>" fixture integer, converted by GMP (independent of our code).
Bytes bignum_bytes(const std::string& decimal) {
  mpz_t v;
  mpz_init(v);
  EXPECT_EQ(mpz_set_str(v, decimal.c_str(), 10), 0) << decimal;
  Bytes out((mpz_sizeinbase(v, 2) + 7) / 8);
  std::size_t count = 0;
  if (mpz_sgn(v) != 0) mpz_export(out.data(), &count, 1, 1, 1, 0, v);
  out.resize(count);
  mpz_clear(v);
  return out;
}

bool is_bignum(const json& j) { return j.is_string() && !j.get<std::string>().empty() && j.get<std::string>()[0] == '#'; }

void encode_json(RlpEncoder& e, const json& j) {
  if (j.is_array()) {
    const auto l = e.begin_list();
    for (const auto& x : j) encode_json(e, x);
    e.end_list(l);
  } else if (is_bignum(j)) {
    const Bytes b = bignum_bytes(j.get<std::string>().substr(1));
    if (b.size() <= 32)
      e.add_uint(uint256::from_be_bytes(b));
    else
      e.add_bytes(b);  // wider than 256 bits: a plain big-endian byte string
  } else if (j.is_string()) {
    e.add_string(j.get<std::string>());
  } else {
    ASSERT_TRUE(j.is_number_unsigned()) << j.dump();
    e.add_uint(j.get<std::uint64_t>());
  }
}

// Decodes `item` as the value the fixture describes, reading integers as integers.
void check_decoded(const RlpItem& item, const json& j, const std::string& where) {
  if (j.is_array()) {
    ASSERT_TRUE(item.is_list) << where;
    RlpReader r(item.payload);
    for (std::size_t i = 0; i < j.size(); ++i) {
      auto child = r.next();
      ASSERT_TRUE(child.ok()) << where << "[" << i << "]: " << child.error().message;
      check_decoded(*child, j[i], where + "[" + std::to_string(i) + "]");
    }
    EXPECT_TRUE(r.finish().ok()) << where;
  } else if (is_bignum(j)) {
    const Bytes b = bignum_bytes(j.get<std::string>().substr(1));
    if (b.size() <= 32) {
      auto v = rlp_uint256(item);
      ASSERT_TRUE(v.ok()) << where << ": " << v.error().message;
      EXPECT_EQ(v->to_be_trimmed(), b) << where;
    } else {
      EXPECT_FALSE(rlp_uint256(item).ok()) << where;
      auto v = rlp_bytes(item);
      ASSERT_TRUE(v.ok()) << where;
      EXPECT_EQ(Bytes(v->begin(), v->end()), b) << where;
    }
  } else if (j.is_string()) {
    auto v = rlp_bytes(item);
    ASSERT_TRUE(v.ok()) << where << ": " << v.error().message;
    const std::string s = j.get<std::string>();
    EXPECT_EQ(std::string(v->begin(), v->end()), s) << where;
  } else {
    auto v = rlp_uint64(item);
    ASSERT_TRUE(v.ok()) << where << ": " << v.error().message;
    EXPECT_EQ(*v, j.get<std::uint64_t>()) << where;
    auto w = rlp_uint256(item);
    ASSERT_TRUE(w.ok()) << where;
    EXPECT_EQ(*w, uint256(j.get<std::uint64_t>())) << where;
  }
}

// A decoded tree, for structure-only decoding and re-encoding.
struct Node {
  bool is_list = false;
  Bytes data;
  std::vector<Node> children;
};

Result<Node> decode_tree(const RlpItem& item, std::size_t depth) {
  Node n;
  n.is_list = item.is_list;
  if (!item.is_list) {
    n.data.assign(item.payload.begin(), item.payload.end());
    return n;
  }
  if (depth >= 256) return make_error("test: nesting too deep");
  RlpReader r(item.payload);
  while (!r.empty()) {
    IGRA_TRY(RlpItem child, r.next());
    IGRA_TRY(Node c, decode_tree(child, depth + 1));
    n.children.push_back(std::move(c));
  }
  IGRA_TRY_VOID(r.finish());
  return n;
}

// Full strict decode of a complete encoding, recursively.
Result<Node> decode_all(ByteView in) {
  IGRA_TRY(RlpItem top, rlp_decode(in));
  return decode_tree(top, 0);
}

void encode_tree(RlpEncoder& e, const Node& n) {
  if (!n.is_list) return e.add_bytes(n.data);
  const auto l = e.begin_list();
  for (const auto& c : n.children) encode_tree(e, c);
  e.end_list(l);
}

Bytes reencode(const Node& n) {
  RlpEncoder e;
  encode_tree(e, n);
  return std::move(e).finish();
}

std::string error_of(ByteView in) {
  auto r = decode_all(in);
  return r.ok() ? std::string("<no error>") : r.error().message;
}
std::string error_of_hex(std::string_view hex) { return error_of(hex_or_die(hex)); }

}  // namespace

TEST(Rlp, EthereumTestsFixtures) {
  const auto dir = igra::testing::unpacked_fixture("ethereum-tests.tar.xz") / "RLPTests";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  ASSERT_GE(files.size(), 3u) << "RLPTests not found under " << dir;

  std::size_t valid = 0, invalid = 0, structural = 0;
  for (const auto& file : files) {
    const json tests = igra::testing::load_json(file);
    for (const auto& [name, tc] : tests.items()) {
      const std::string where = file.filename().string() + ":" + name;
      auto out_r = from_hex(tc.at("out").get<std::string>());
      ASSERT_TRUE(out_r.ok()) << where;
      const Bytes out = *out_r;
      const json& in = tc.at("in");
      if (in.is_string() && in.get<std::string>() == "INVALID") {
        EXPECT_FALSE(decode_all(out).ok()) << where << ": accepted by the recursive decoder";
        EXPECT_FALSE(rlp_validate(out).ok()) << where << ": accepted by rlp_validate";
        ++invalid;
      } else if (in.is_string() && in.get<std::string>() == "VALID") {
        auto tree = decode_all(out);
        ASSERT_TRUE(tree.ok()) << where << ": " << tree.error().message;
        EXPECT_TRUE(rlp_validate(out).ok()) << where;
        EXPECT_EQ(to_hex(reencode(*tree)), to_hex(out)) << where;
        ++structural;
      } else {
        RlpEncoder e;
        encode_json(e, in);
        const Bytes enc = std::move(e).finish();
        EXPECT_EQ(to_hex(enc), to_hex(out)) << where << ": encoding";
        auto validated = rlp_validate(out);
        EXPECT_TRUE(validated.ok()) << where << ": " << (validated.ok() ? "" : validated.error().message);
        auto top = rlp_decode(out);
        ASSERT_TRUE(top.ok()) << where << ": " << top.error().message;
        check_decoded(*top, in, where);
        auto tree = decode_all(out);
        ASSERT_TRUE(tree.ok()) << where;
        EXPECT_EQ(to_hex(reencode(*tree)), to_hex(out)) << where << ": structural re-encoding";
        ++valid;
      }
      if (::testing::Test::HasFailure()) return;
    }
  }
  // rlptest.json has 28 valid cases, invalidRLPTest.json 26 invalid ones, RandomRLPTests 1 structural one.
  EXPECT_GE(valid, 28u);
  EXPECT_GE(invalid, 26u);
  EXPECT_GE(structural, 1u);
}

// One case per strictness rule; each rule has its own message.
TEST(Rlp, RejectsNonCanonicalWithDistinctMessages) {
  auto has = [](const std::string& msg, const char* needle) { return msg.find(needle) != std::string::npos; };
  EXPECT_PRED2(has, error_of_hex(""), "empty input");
  EXPECT_PRED2(has, error_of_hex("8100"), "single byte below 0x80");
  EXPECT_PRED2(has, error_of_hex("817f"), "single byte below 0x80");
  EXPECT_TRUE(decode_all(hex_or_die("8180")).ok());  // 0x80 itself needs the prefix
  EXPECT_PRED2(has, error_of_hex("b801ff"), "long form used for a string of length 1");
  EXPECT_PRED2(has, error_of_hex("f80180"), "long form used for a list of length 1");
  EXPECT_PRED2(has, error_of_hex("b800"), "length of a long string has leading zero bytes");
  EXPECT_PRED2(has, error_of_hex("f9003a" + std::string(116, '0')), "length of a long list has leading zero bytes");
  EXPECT_PRED2(has, error_of_hex("b9"), "input ends inside the length of a long string");
  EXPECT_PRED2(has, error_of_hex("fa0100"), "input ends inside the length of a long list");
  EXPECT_PRED2(has, error_of_hex("83aabb"), "string length 3 exceeds the remaining input (2 bytes)");
  EXPECT_PRED2(has, error_of_hex("c3c0"), "list length 3 exceeds the remaining input (1 bytes)");
  // Oversize lengths: 2^64 - 1 and friends must not overflow size arithmetic.
  EXPECT_PRED2(has, error_of_hex("bfffffffffffffffff00"), "string length 18446744073709551615 exceeds");
  EXPECT_PRED2(has, error_of_hex("ffffffffffffffffff00"), "list length 18446744073709551615 exceeds");
  EXPECT_PRED2(has, error_of_hex("bf0f000000000000021111"), "exceeds the remaining input");
  EXPECT_PRED2(has, error_of_hex("8080"), "1 trailing bytes after the top-level item");
  EXPECT_PRED2(has, error_of_hex("c0c0c0"), "2 trailing bytes after the top-level item");
  // Nested: an item running past the end of its list's payload.
  EXPECT_PRED2(has, error_of_hex("c282aa"), "string length 2 exceeds the remaining input (1 bytes)");
  EXPECT_PRED2(has, error_of_hex("c2c2c0"), "list length 2 exceeds");
  EXPECT_PRED2(has, error_of_hex("c28100"), "single byte below 0x80");

  // Typed readers.
  auto item = [](std::string_view hex) {
    static std::vector<Bytes> keep;  // items view into these buffers
    keep.push_back(hex_or_die(hex));
    return *rlp_decode(keep.back());
  };
  EXPECT_PRED2(has, rlp_uint64(item("820001")).error().message, "integer has leading zero bytes");
  EXPECT_PRED2(has, rlp_uint64(item("00")).error().message, "integer has leading zero bytes");
  EXPECT_PRED2(has, rlp_uint256(item("00")).error().message, "integer has leading zero bytes");
  EXPECT_PRED2(has, rlp_uint64(item("89010000000000000000")).error().message, "integer of 9 bytes exceeds 64 bits");
  EXPECT_PRED2(has, rlp_uint256(item("a1" + std::string(66, '1'))).error().message, "integer of 33 bytes exceeds 256 bits");
  EXPECT_PRED2(has, rlp_uint64(item("c0")).error().message, "expected an integer, got a list");
  EXPECT_PRED2(has, rlp_bytes(item("c0")).error().message, "expected a string, got a list");
  EXPECT_PRED2(has, RlpReader::of_list(item("80")).error().message, "expected a list, got a string");
  EXPECT_PRED2(has, (rlp_fixed<4>(item("83010203")).error().message), "expected 4 bytes, got 3");

  // List payload not fully consumed / too few items.
  const Bytes two = hex_or_die("c20102");
  auto r = RlpReader::of_encoded_list(two);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(*r->read_uint64(), 1u);
  EXPECT_PRED2(has, r->finish().error().message, "list payload not fully consumed (1 bytes left)");
  ASSERT_EQ(*r->read_uint64(), 2u);
  EXPECT_TRUE(r->finish().ok());
  EXPECT_PRED2(has, r->next().error().message, "fewer items than expected");

  // Depth limit of rlp_validate.
  RlpEncoder e;  // 2000 nested lists
  std::vector<RlpEncoder::ListMarker> ls;
  for (int i = 0; i < 2000; ++i) ls.push_back(e.begin_list());
  for (int i = 1999; i >= 0; --i) e.end_list(ls[i]);
  const Bytes deep = std::move(e).finish();
  EXPECT_TRUE(rlp_validate(deep, 4096).ok());
  EXPECT_PRED2(has, rlp_validate(deep).error().message, "lists nested deeper than 1024");
  EXPECT_PRED2(has, rlp_validate(deep, 1999).error().message, "lists nested deeper than 1999");
  EXPECT_TRUE(rlp_validate(deep, 2000).ok());
}

TEST(Rlp, TypedReadersAndEncoderVectors) {
  // Hand-derived encodings (Yellow Paper rules).
  EXPECT_EQ(to_hex(rlp_encode_uint(0)), "80");
  EXPECT_EQ(to_hex(rlp_encode_uint(0x7f)), "7f");
  EXPECT_EQ(to_hex(rlp_encode_uint(0x80)), "8180");
  EXPECT_EQ(to_hex(rlp_encode_uint(~0ull)), "88ffffffffffffffff");
  EXPECT_EQ(to_hex(rlp_encode_uint(uint256(0))), "80");
  EXPECT_EQ(to_hex(rlp_encode_uint(uint256(5))), "05");
  EXPECT_EQ(to_hex(rlp_encode_uint(uint256(1) << 64)), "89010000000000000000");
  EXPECT_EQ(to_hex(rlp_encode_uint(uint256::max())), "a0" + std::string(64, 'f'));
  EXPECT_EQ(to_hex(rlp_encode_bytes({})), "80");
  EXPECT_EQ(to_hex(rlp_encode_bytes(hex_or_die("00"))), "00");
  EXPECT_EQ(to_hex(rlp_encode_bytes(hex_or_die("80"))), "8180");
  EXPECT_EQ(to_hex(rlp_encode_bytes(Bytes(55, 0xaa))), "b7" + to_hex(Bytes(55, 0xaa)));
  EXPECT_EQ(to_hex(rlp_encode_bytes(Bytes(56, 0xaa))), "b838" + to_hex(Bytes(56, 0xaa)));
  EXPECT_EQ(to_hex(rlp_encode_bytes(Bytes(256, 0xaa))).substr(0, 6), "b90100");
  EXPECT_EQ(to_hex(rlp_encode_list({})), "c0");
  EXPECT_EQ(to_hex(rlp_encode_list({rlp_encode_uint(1), rlp_encode_bytes(as_bytes("dog"))})), "c50183646f67");
  // [[[]], []]: sibling lists that begin at the same payload offset.
  RlpEncoder e;
  auto outer = e.begin_list();
  auto a = e.begin_list();
  auto a0 = e.begin_list();
  e.end_list(a0);
  e.end_list(a);
  auto b = e.begin_list();
  e.end_list(b);
  e.end_list(outer);
  EXPECT_EQ(to_hex(std::move(e).finish()), "c3c1c0c0");
  // A long list inside a long list: headers of different sizes spliced in.
  RlpEncoder e2;
  auto o2 = e2.begin_list();
  auto i2 = e2.begin_list();
  e2.add_bytes(Bytes(60, 0x11));
  e2.end_list(i2);
  e2.add_uint(0x400);
  e2.end_list(o2);
  const Bytes enc2 = std::move(e2).finish();
  // inner item: b83c + 60 bytes = 62; inner list: f83e + 62 = 64; + 820400 = 67 -> outer f843.
  EXPECT_EQ(to_hex(enc2), "f843f83eb83c" + to_hex(Bytes(60, 0x11)) + "820400");

  auto reader = RlpReader::of_encoded_list(enc2);
  ASSERT_TRUE(reader.ok());
  auto inner = reader->read_list();
  ASSERT_TRUE(inner.ok());
  auto blob = inner->read_bytes();
  ASSERT_TRUE(blob.ok());
  EXPECT_EQ(Bytes(blob->begin(), blob->end()), Bytes(60, 0x11));
  EXPECT_TRUE(inner->finish().ok());
  EXPECT_EQ(*reader->read_uint256(), uint256(0x400));
  EXPECT_TRUE(reader->finish().ok());

  const Bytes addr = hex_or_die("94" + std::string(40, 'a'));
  auto top = rlp_decode(addr);
  ASSERT_TRUE(top.ok());
  auto fixed = rlp_fixed<20>(*top);
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(to_hex(*fixed), std::string(40, 'a'));
  const Bytes seq_bytes = hex_or_die("94" + std::string(40, 'b'));
  RlpReader seq(seq_bytes);
  auto f2 = seq.read_fixed<20>();
  ASSERT_TRUE(f2.ok());
  EXPECT_EQ(to_hex(*f2), std::string(40, 'b'));
}

// Property: random trees encode, decode strictly and re-encode identically; random byte strings that decode
// re-encode to themselves (canonical encodings are unique).
TEST(Rlp, RoundTripProperties) {
  std::mt19937_64 rng(42);
  std::function<Node(int)> random_tree = [&](int depth) {
    Node n;
    n.is_list = depth < 4 && rng() % 3 == 0;
    if (n.is_list) {
      for (int k = static_cast<int>(rng() % 6); k > 0; --k) n.children.push_back(random_tree(depth + 1));
    } else {
      static constexpr std::size_t kSizes[] = {0, 1, 1, 2, 55, 56, 57, 255, 256, 1024};
      n.data.resize(kSizes[rng() % 10]);
      for (auto& c : n.data) c = static_cast<std::uint8_t>(rng() % 3 == 0 ? rng() % 0x81 : rng());
    }
    return n;
  };
  std::function<bool(const Node&, const Node&)> same = [&](const Node& x, const Node& y) {
    if (x.is_list != y.is_list || x.data != y.data || x.children.size() != y.children.size()) return false;
    for (std::size_t i = 0; i < x.children.size(); ++i)
      if (!same(x.children[i], y.children[i])) return false;
    return true;
  };
  for (int i = 0; i < 5000; ++i) {
    const Node t = random_tree(0);
    const Bytes enc = reencode(t);
    ASSERT_TRUE(rlp_validate(enc).ok()) << to_hex(enc);
    auto back = decode_all(enc);
    ASSERT_TRUE(back.ok()) << back.error().message;
    ASSERT_TRUE(same(t, *back)) << to_hex(enc);
  }
  std::size_t decoded = 0;
  for (int i = 0; i < 200000; ++i) {
    Bytes b(1 + rng() % 8);
    for (auto& c : b) c = static_cast<std::uint8_t>(rng() % 4 == 0 ? 0xc0 + rng() % 8 : rng() % 4 == 0 ? 0x80 + rng() % 8 : rng());
    auto t = decode_all(b);
    ASSERT_EQ(t.ok(), rlp_validate(b).ok()) << to_hex(b);
    if (!t.ok()) continue;
    ++decoded;
    ASSERT_EQ(to_hex(reencode(*t)), to_hex(b));
  }
  EXPECT_GT(decoded, 1000u);
}
