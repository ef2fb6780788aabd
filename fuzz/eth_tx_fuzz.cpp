// libFuzzer target: strict Ethereum transaction decoding of arbitrary input. Whatever decodes must re-encode
// to exactly the input (the canonical form is unique), decode again to the same value, survive the block-body
// form, and the hash / signing-hash / sender paths must not crash on any decoded value.
//
// Links igra_chain (fuzz/CMakeLists.txt links igra_kaspa by default; see the note there).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "chain/transaction_codec.hpp"

using namespace igra;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const core::ByteView in(data, size);
  auto tx = chain::decode_transaction(in);
  if (!tx) return 0;
  const core::Bytes out = chain::encode_transaction(*tx);
  if (out.size() != size || std::memcmp(out.data(), data, size) != 0) {
    std::fprintf(stderr, "re-encoding differs from the input\n");
    std::abort();
  }
  auto again = chain::decode_transaction(out);
  if (!again || !(*again == *tx)) std::abort();

  const core::Bytes block_form = chain::encode_block_transaction(*tx);
  auto item = core::rlp_decode(block_form);
  if (!item) std::abort();
  auto from_block = chain::decode_block_transaction(*item);
  if (!from_block || !(*from_block == *tx)) std::abort();

  (void)chain::transaction_hash(*tx);
  (void)chain::signing_hash(*tx);
  (void)chain::recover_sender(*tx);
  for (const auto& auth : tx->authorization_list) (void)chain::recover_authority(auth);
  return 0;
}
