// libFuzzer target: EIP-4844 point evaluation on arbitrary input. It must never crash, and success must return
// exactly FIELD_ELEMENTS_PER_BLOB || BLS_MODULUS. When the first byte is odd the versioned hash is replaced by
// the commitment's, and z, y are brought below the modulus, so that the fuzzer reaches point decoding and the
// pairing instead of stopping at the hash comparison.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "crypto/kzg.hpp"

using namespace igra;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  core::Bytes in(data + 1, data + size);
  if ((data[0] & 1) && in.size() == crypto::kKzgPointEvaluationInputSize) {
    const auto commitment = crypto::KzgCommitment::from_view(core::ByteView(in).subspan(96, 48));
    const auto vh = crypto::kzg_to_versioned_hash(commitment);
    std::memcpy(in.data(), vh.data(), 32);
    in[32] &= 0x3f;  // z < 2^254 < r
    in[64] &= 0x3f;  // y
  }
  auto r = crypto::kzg_point_evaluation(in);
  if (r.ok()) {
    if (r->size() != 64 || (*r)[30] != 0x10 || (*r)[31] != 0 || (*r)[32] != 0x73 || (*r)[63] != 0x01) std::abort();
  }
  return 0;
}
