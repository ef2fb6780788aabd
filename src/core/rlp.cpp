#include "core/rlp.hpp"

#include <algorithm>
#include <cassert>
#include <string>

namespace igra::core {

namespace {

Error rlp_error(std::string message) { return make_error("rlp: " + message); }

// Header for a payload of `len` bytes; offset is 0x80 (string) or 0xc0 (list). Returns the header length.
std::size_t write_header(std::uint8_t* out, std::uint8_t offset, std::size_t len) noexcept {
  if (len < 56) {
    out[0] = static_cast<std::uint8_t>(offset + len);
    return 1;
  }
  std::size_t n = 0;
  for (std::size_t v = len; v != 0; v >>= 8) ++n;
  out[0] = static_cast<std::uint8_t>(offset + 55 + n);
  for (std::size_t i = 0; i < n; ++i) out[n - i] = static_cast<std::uint8_t>(len >> (8 * i));
  return 1 + n;
}

}  // namespace

// ---- decoding ----

Result<RlpItem> rlp_parse_item(ByteView in) {
  if (in.empty()) return rlp_error("empty input where an item was expected");
  const std::uint8_t b = in[0];
  if (b < 0x80) return RlpItem{false, in.first(1), in.first(1)};

  const bool is_list = b >= 0xc0;
  const std::uint8_t offset = is_list ? 0xc0 : 0x80;
  const char* kind = is_list ? "list" : "string";
  std::size_t header_len, len;
  if (b - offset <= 55) {
    header_len = 1;
    len = static_cast<std::size_t>(b - offset);
  } else {
    const std::size_t len_of_len = static_cast<std::size_t>(b - offset - 55);  // 1..8
    if (in.size() - 1 < len_of_len)
      return rlp_error(std::string("input ends inside the length of a long ") + kind + " (need " +
                       std::to_string(len_of_len) + " length bytes, have " + std::to_string(in.size() - 1) + ")");
    if (in[1] == 0) return rlp_error(std::string("length of a long ") + kind + " has leading zero bytes");
    std::uint64_t l = 0;
    for (std::size_t i = 1; i <= len_of_len; ++i) l = (l << 8) | in[i];
    if (l < 56)
      return rlp_error(std::string("long form used for a ") + kind + " of length " + std::to_string(l) +
                       " (< 56 must use the short form)");
    header_len = 1 + len_of_len;
    if (l > in.size() - header_len)  // no addition: cannot overflow
      return rlp_error(std::string(kind) + " length " + std::to_string(l) + " exceeds the remaining input (" +
                       std::to_string(in.size() - header_len) + " bytes)");
    len = static_cast<std::size_t>(l);
  }
  if (len > in.size() - header_len)
    return rlp_error(std::string(kind) + " length " + std::to_string(len) + " exceeds the remaining input (" +
                     std::to_string(in.size() - header_len) + " bytes)");
  if (!is_list && header_len == 1 && len == 1 && in[1] < 0x80)
    return rlp_error("single byte below 0x80 must be encoded as itself, not with a 0x81 prefix");
  return RlpItem{is_list, in.subspan(header_len, len), in.first(header_len + len)};
}

Result<RlpItem> rlp_decode(ByteView in) {
  IGRA_TRY(RlpItem item, rlp_parse_item(in));
  if (item.raw.size() != in.size())
    return rlp_error(std::to_string(in.size() - item.raw.size()) + " trailing bytes after the top-level item");
  return item;
}

Result<void> rlp_validate(ByteView in, std::size_t max_depth) {
  IGRA_TRY(RlpItem top, rlp_decode(in));
  if (!top.is_list) return {};
  if (max_depth == 0) return make_error(ErrorCode::kOutOfRange, "rlp: lists nested deeper than 0");
  std::vector<ByteView> stack{top.payload};  // unread remainder of each open list's payload
  while (!stack.empty()) {
    if (stack.back().empty()) {
      stack.pop_back();
      continue;
    }
    IGRA_TRY(RlpItem item, rlp_parse_item(stack.back()));
    stack.back() = stack.back().subspan(item.raw.size());
    if (item.is_list) {
      if (stack.size() >= max_depth)
        return make_error(ErrorCode::kOutOfRange, "rlp: lists nested deeper than " + std::to_string(max_depth));
      stack.push_back(item.payload);
    }
  }
  return {};
}

Result<ByteView> rlp_bytes(const RlpItem& item) {
  if (item.is_list) return rlp_error("expected a string, got a list");
  return item.payload;
}

namespace {
Result<ByteView> integer_bytes(const RlpItem& item, std::size_t max_bytes) {
  if (item.is_list) return rlp_error("expected an integer, got a list");
  if (item.payload.size() > max_bytes)
    return rlp_error("integer of " + std::to_string(item.payload.size()) + " bytes exceeds " +
                     std::to_string(8 * max_bytes) + " bits");
  if (!item.payload.empty() && item.payload[0] == 0) return rlp_error("integer has leading zero bytes");
  return item.payload;
}
}  // namespace

Result<std::uint64_t> rlp_uint64(const RlpItem& item) {
  IGRA_TRY(ByteView b, integer_bytes(item, 8));
  std::uint64_t v = 0;
  for (auto c : b) v = (v << 8) | c;
  return v;
}

Result<uint256> rlp_uint256(const RlpItem& item) {
  IGRA_TRY(ByteView b, integer_bytes(item, 32));
  return uint256::from_be_bytes(b);
}

Result<RlpReader> RlpReader::of_list(const RlpItem& item) {
  if (!item.is_list) return rlp_error("expected a list, got a string");
  return RlpReader(item.payload);
}

Result<RlpReader> RlpReader::of_encoded_list(ByteView in) {
  IGRA_TRY(RlpItem item, rlp_decode(in));
  return of_list(item);
}

Result<RlpItem> RlpReader::next() {
  if (rest_.empty()) return rlp_error("list has fewer items than expected");
  IGRA_TRY(RlpItem item, rlp_parse_item(rest_));
  rest_ = rest_.subspan(item.raw.size());
  return item;
}

Result<RlpReader> RlpReader::read_list() {
  IGRA_TRY(RlpItem item, next());
  return of_list(item);
}

Result<ByteView> RlpReader::read_bytes() {
  IGRA_TRY(RlpItem item, next());
  return rlp_bytes(item);
}

Result<std::uint64_t> RlpReader::read_uint64() {
  IGRA_TRY(RlpItem item, next());
  return rlp_uint64(item);
}

Result<uint256> RlpReader::read_uint256() {
  IGRA_TRY(RlpItem item, next());
  return rlp_uint256(item);
}

Result<void> RlpReader::finish() const {
  if (!rest_.empty())
    return rlp_error("list payload not fully consumed (" + std::to_string(rest_.size()) + " bytes left)");
  return {};
}

// ---- encoding ----

void RlpEncoder::add_bytes(ByteView b) {
  if (b.size() == 1 && b[0] < 0x80) {
    buf_.push_back(b[0]);
    return;
  }
  std::uint8_t h[9];
  const std::size_t n = write_header(h, 0x80, b.size());
  buf_.insert(buf_.end(), h, h + n);
  buf_.insert(buf_.end(), b.begin(), b.end());
}

void RlpEncoder::add_uint(std::uint64_t v) {
  if (v == 0) {
    buf_.push_back(0x80);
    return;
  }
  if (v < 0x80) {
    buf_.push_back(static_cast<std::uint8_t>(v));
    return;
  }
  std::size_t n = 0;
  for (std::uint64_t t = v; t != 0; t >>= 8) ++n;
  buf_.push_back(static_cast<std::uint8_t>(0x80 + n));
  for (std::size_t i = n; i-- > 0;) buf_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void RlpEncoder::add_uint(const uint256& v) {
  if (v.fits_uint64()) return add_uint(v.low64());
  std::uint8_t be[32];
  v.store_be(be);
  const unsigned n = v.byte_width();  // > 8 here, so always the short string form
  buf_.push_back(static_cast<std::uint8_t>(0x80 + n));
  buf_.insert(buf_.end(), be + (32 - n), be + 32);
}

void RlpEncoder::add_raw(ByteView encoded) { buf_.insert(buf_.end(), encoded.begin(), encoded.end()); }

RlpEncoder::ListMarker RlpEncoder::begin_list() {
  // Headers appear in the output in the order lists are opened (pre-order), at non-decreasing positions,
  // so each list gets its slot now and finish() never needs to sort.
  headers_.push_back(Header{buf_.size(), 0, {}});
  open_.push_back({headers_.size() - 1, header_bytes_});
  return open_.size() - 1;
}

void RlpEncoder::end_list(ListMarker marker) {
  assert(!open_.empty() && marker == open_.size() - 1 && "RlpEncoder: lists must be ended innermost first");
  (void)marker;
  const OpenList l = open_.back();
  open_.pop_back();
  Header& h = headers_[l.slot];
  const std::size_t payload = (buf_.size() - h.pos) + (header_bytes_ - l.header_bytes);
  h.len = static_cast<std::uint8_t>(write_header(h.bytes, 0xc0, payload));
  header_bytes_ += h.len;
}

Bytes RlpEncoder::finish() const& {
  assert(open_.empty() && "RlpEncoder: unterminated list");
  if (headers_.empty()) return buf_;
  Bytes out(buf_.size() + header_bytes_);
  std::uint8_t* o = out.data();
  std::size_t in_pos = 0;
  for (const Header& h : headers_) {
    std::copy(buf_.data() + in_pos, buf_.data() + h.pos, o);
    o += h.pos - in_pos;
    in_pos = h.pos;
    std::copy(h.bytes, h.bytes + h.len, o);
    o += h.len;
  }
  std::copy(buf_.data() + in_pos, buf_.data() + buf_.size(), o);
  return out;
}

Bytes RlpEncoder::finish() && {
  assert(open_.empty() && "RlpEncoder: unterminated list");
  if (headers_.empty()) return std::move(buf_);
  return static_cast<const RlpEncoder&>(*this).finish();
}

Bytes rlp_encode_bytes(ByteView b) {
  RlpEncoder e;
  e.add_bytes(b);
  return std::move(e).finish();
}

Bytes rlp_encode_uint(std::uint64_t v) {
  RlpEncoder e;
  e.add_uint(v);
  return std::move(e).finish();
}

Bytes rlp_encode_uint(const uint256& v) {
  RlpEncoder e;
  e.add_uint(v);
  return std::move(e).finish();
}

Bytes rlp_encode_list(const std::vector<Bytes>& encoded_items) {
  RlpEncoder e;
  const auto l = e.begin_list();
  for (const Bytes& item : encoded_items) e.add_raw(item);
  e.end_list(l);
  return std::move(e).finish();
}

}  // namespace igra::core
