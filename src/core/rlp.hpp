#pragma once
// Recursive Length Prefix (Ethereum Yellow Paper, appendix B): a strict decoder and a linear-time encoder.
//
// Decoding is zero-copy: an RlpItem points into the input. Every non-canonical form is rejected with its
// own message: a single byte below 0x80 wrapped in a 0x81 prefix, the long form for a length below 56, a
// length-of-length with leading zero bytes, a length running past the input, trailing bytes after the
// top-level item, integers with leading zero bytes, and list payloads that are not fully consumed.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "core/uint256.hpp"

namespace igra::core {

// Nesting limit of rlp_validate (and a sensible limit for recursive walkers).
inline constexpr std::size_t kRlpMaxDepth = 1024;

struct RlpItem {
  bool is_list = false;
  ByteView payload;  // string bytes, or the concatenated encodings of the list's items
  ByteView raw;      // header + payload
};

// Parses the item at the start of `in` (which may continue past it). Checks the header strictly; does not
// look inside list payloads.
Result<RlpItem> rlp_parse_item(ByteView in);
// Parses exactly one item spanning all of `in` (trailing bytes are an error). Header checks only.
Result<RlpItem> rlp_decode(ByteView in);
// Full strict check of a complete encoding: one top-level item, every nested item canonical, every list
// payload consumed exactly, nesting at most max_depth lists deep. Iterative (no recursion).
Result<void> rlp_validate(ByteView in, std::size_t max_depth = kRlpMaxDepth);

// Typed views of a single item.
Result<ByteView> rlp_bytes(const RlpItem& item);         // a string item
Result<std::uint64_t> rlp_uint64(const RlpItem& item);   // canonical integer of at most 8 bytes
Result<uint256> rlp_uint256(const RlpItem& item);        // canonical integer of at most 32 bytes
template <std::size_t N>
Result<FixedBytes<N>> rlp_fixed(const RlpItem& item) {
  auto b = rlp_bytes(item);
  if (!b) return b.error();
  if (b->size() != N)
    return make_error("rlp: expected " + std::to_string(N) + " bytes, got " + std::to_string(b->size()));
  return FixedBytes<N>::from_view(*b);
}

// A cursor over the items of a list payload (or over a sequence of concatenated items).
class RlpReader {
 public:
  RlpReader() = default;
  explicit RlpReader(ByteView payload) noexcept : rest_(payload) {}
  // Reader over a list item's payload; an error if the item is a string.
  static Result<RlpReader> of_list(const RlpItem& item);
  // Decodes `in` as exactly one list item and returns a reader over its payload.
  static Result<RlpReader> of_encoded_list(ByteView in);

  bool empty() const noexcept { return rest_.empty(); }
  std::size_t remaining_bytes() const noexcept { return rest_.size(); }
  ByteView remaining() const noexcept { return rest_; }

  // The next item (any kind).
  Result<RlpItem> next();
  // The next item, which must be a list; returns a reader over its payload.
  Result<RlpReader> read_list();
  Result<ByteView> read_bytes();
  Result<std::uint64_t> read_uint64();
  Result<uint256> read_uint256();
  template <std::size_t N>
  Result<FixedBytes<N>> read_fixed() {
    auto it = next();
    if (!it) return it.error();
    return rlp_fixed<N>(*it);
  }
  // Succeeds only if every item has been read ("list payload not fully consumed" otherwise).
  Result<void> finish() const;

 private:
  ByteView rest_;
};

// Builds an encoding in one buffer. Items are appended as they arrive; each list's header is computed when
// the list ends and spliced in by finish() in a single pass, so nested lists cost O(total size) (no
// back-shifting of payloads).
//
//   RlpEncoder e;
//   auto l = e.begin_list();
//   e.add_uint(nonce); e.add_bytes(to);
//   e.end_list(l);
//   Bytes out = std::move(e).finish();
class RlpEncoder {
 public:
  using ListMarker = std::size_t;

  void add_bytes(ByteView b);
  void add_string(std::string_view s) { add_bytes(as_bytes(s)); }
  void add_uint(std::uint64_t v);
  void add_uint(const uint256& v);
  // Appends an already-encoded item verbatim (the caller vouches for it).
  void add_raw(ByteView encoded);

  ListMarker begin_list();
  void end_list(ListMarker marker);

  // The encoding; every begun list must have been ended.
  Bytes finish() &&;
  Bytes finish() const&;

 private:
  struct OpenList {
    std::size_t slot;          // index in headers_
    std::size_t header_bytes;  // header_bytes_ when the list was opened
  };
  struct Header {
    std::size_t pos;  // offset in buf_ (where the list's payload begins) before which the header goes
    std::uint8_t len;
    std::uint8_t bytes[9];
  };

  Bytes buf_;                  // payload bytes without list headers
  std::vector<OpenList> open_;
  std::vector<Header> headers_;   // one per list, in the order the lists were begun
  std::size_t header_bytes_ = 0;  // total size of the headers of the lists ended so far
};

// One-shot helpers.
Bytes rlp_encode_bytes(ByteView b);
Bytes rlp_encode_uint(std::uint64_t v);
Bytes rlp_encode_uint(const uint256& v);
// A list whose items are already encoded.
Bytes rlp_encode_list(const std::vector<Bytes>& encoded_items);

}  // namespace igra::core
