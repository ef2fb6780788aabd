// libFuzzer target: every precompile (0x01-0x11) as the EVM calls it, on arbitrary input and gas. Byte 0 picks
// the precompile, bytes 1-3 the gas given (scaled), the rest is the input. None may crash, and:
//  * the result is deterministic (a second call gives the same success, gas and output);
//  * a success never uses more gas than given, and its output has the precompile's size (32 for the hashes and
//    pairings, 64 for bn254 points, blake2f and KZG, 128 / 256 for BLS12-381 G1 / G2, the input's size for
//    identity, the modulus length for modexp; ecrecover 0 or 32);
//  * gas is a price, not a side effect: with a block's worth of gas (30M) the call reports its cost c; with any
//    allowance >= c the result is the same, with less it fails.
// The bls12_381 and kzg targets go deeper into those curves; this one covers the parsers and gas rules of all.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "evm/evm.hpp"

using namespace igra;

namespace {

bool same(const evm::PrecompileOutput& a, const evm::PrecompileOutput& b) {
  return a.ok == b.ok && a.gas_used == b.gas_used && a.output == b.output;
}

// Big-endian value of input[off, off+32) when it fits in 32 bits (modexp's length fields), else nullopt-like -1.
std::int64_t small_word(core::ByteView in, std::size_t off) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 32; ++i) {
    const std::uint8_t b = off + i < in.size() ? in[off + i] : 0;
    if (i < 28 && b != 0) return -1;
    if (i >= 28) v = (v << 8) | b;
  }
  return static_cast<std::int64_t>(v);
}

void check_size(int idx, core::ByteView in, const evm::PrecompileOutput& r) {
  if (!r.ok) return;
  const std::size_t n = r.output.size();
  switch (idx) {
    case 1: if (n != 0 && n != 32) std::abort(); break;
    case 2: case 3: case 8: case 15: if (n != 32) std::abort(); break;
    case 4: if (n != in.size()) std::abort(); break;
    case 5: {
      const std::int64_t mlen = small_word(in, 64);
      if (mlen >= 0 && n != static_cast<std::size_t>(mlen)) std::abort();
      break;
    }
    case 6: case 7: case 9: case 10: if (n != 64) std::abort(); break;
    case 11: case 12: case 16: if (n != 128) std::abort(); break;
    case 13: case 14: case 17: if (n != 256) std::abort(); break;
    default: break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  const int idx = 1 + data[0] % evm::kMaxPrecompile;
  // Gas: 0 .. ~16.7M, with small allowances common (bytes 1-3).
  const std::int64_t gas = (std::int64_t{data[1]} << 16 | std::int64_t{data[2]} << 8 | data[3]) >> (data[1] & 7);
  const core::ByteView in(data + 4, size - 4);
  const auto fn = evm::find_precompile(idx);
  if (fn == nullptr) std::abort();
  for (const auto rev : {evm::Revision::kCancun, evm::Revision::kPrague}) {
    if (idx > evm::precompile_count(rev)) continue;
    const evm::PrecompileOutput r = fn(in, gas, rev);
    if (!same(r, fn(in, gas, rev))) std::abort();
    if (r.ok && (r.gas_used > gas || r.gas_used < 0)) std::abort();
    check_size(idx, in, r);
    // The cost with ample gas (a whole block's worth: more is never available to a call) decides the outcome at
    // any allowance.
    constexpr std::int64_t kUnlimited = 30'000'000;
    const evm::PrecompileOutput big = fn(in, kUnlimited, rev);
    if (big.ok) {
      if (big.gas_used <= gas) {
        if (!same(r, big)) std::abort();
      } else if (r.ok) {
        std::abort();
      }
    } else if (r.ok) {
      std::abort();  // invalid input is invalid at any allowance
    }
  }
  return 0;
}
