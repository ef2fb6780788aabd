#include "crypto/modexp.hpp"

#include <gmp.h>

#include <algorithm>
#include <cstring>

#include "core/uint256.hpp"

namespace igra::crypto {

namespace {

using core::uint256;

constexpr std::uint64_t kMaxLen = std::uint64_t{1} << 32;  // beyond this no gas limit can pay

// `len` bytes of input starting at `offset`, zero-padded past its end.
core::Bytes read_padded(core::ByteView in, std::uint64_t offset, std::uint64_t len) {
  core::Bytes out(static_cast<std::size_t>(len), 0);
  if (offset < in.size() && len != 0) {  // (memcpy must not see the null data() of empty spans)
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(len, in.size() - offset));
    std::memcpy(out.data(), in.data() + offset, n);
  }
  return out;
}

uint256 read_word(core::ByteView in, std::uint64_t offset) {
  const core::Bytes w = read_padded(in, offset, 32);
  return uint256::load_be(w.data());
}

// RAII for one mpz_t.
struct Mpz {
  mpz_t v;
  Mpz() { mpz_init(v); }
  ~Mpz() { mpz_clear(v); }
  Mpz(const Mpz&) = delete;
  Mpz& operator=(const Mpz&) = delete;
  void set_bytes(const core::Bytes& b) { mpz_import(v, b.size(), 1, 1, 1, 0, b.data()); }
};

}  // namespace

std::uint64_t modexp_gas(core::ByteView input) noexcept {
  const uint256 base_len = read_word(input, 0);
  const uint256 exp_len = read_word(input, 32);
  const uint256 mod_len = read_word(input, 64);
  const uint256 max_len = base_len > mod_len ? base_len : mod_len;
  if (max_len.is_zero()) return 200;  // complexity 0
  if (max_len > uint256(kMaxLen)) return UINT64_MAX;
  const std::uint64_t words = (max_len.low64() + 7) / 8;
  const unsigned __int128 complexity = static_cast<unsigned __int128>(words) * words;

  // The exponent's first min(32, exp_len) bytes ("head") decide the iteration count with its length.
  std::uint64_t iterations;
  if (exp_len > uint256(kMaxLen)) return UINT64_MAX;
  const std::uint64_t el = exp_len.low64();
  const std::uint64_t head_len = std::min<std::uint64_t>(el, 32);
  const core::Bytes head_bytes = read_padded(input, 96 + base_len.low64(), head_len);
  const uint256 head = uint256::from_be_bytes(head_bytes);
  const std::uint64_t head_bits = head.bit_width();  // bit_length; log2(head) = head_bits - 1
  // 8 * (exp_len - 32) for long exponents, plus log2(head) where log2(0) counts as 0. (The EIP text's
  // Python has bit_length() - 1 = -1 for a zero head; geth, execution-specs and the state tests use 0.)
  iterations = el > 32 ? 8 * (el - 32) : 0;
  if (head_bits > 0) iterations += head_bits - 1;
  iterations = std::max<std::uint64_t>(iterations, 1);

  const unsigned __int128 gas = complexity * iterations / 3;
  if (gas > UINT64_MAX) return UINT64_MAX;
  return std::max<std::uint64_t>(200, static_cast<std::uint64_t>(gas));
}

core::Result<core::Bytes> modexp(core::ByteView input) {
  const uint256 base_len = read_word(input, 0);
  const uint256 exp_len = read_word(input, 32);
  const uint256 mod_len = read_word(input, 64);
  // An empty modulus gives empty output whatever the other lengths (and costs only the minimum gas).
  if (mod_len.is_zero()) return core::Bytes{};
  if (base_len > uint256(kMaxLen) || exp_len > uint256(kMaxLen) || mod_len > uint256(kMaxLen))
    return core::make_error(core::ErrorCode::kOutOfRange, "modexp: operand length above 2^32 bytes");
  const std::uint64_t bl = base_len.low64(), el = exp_len.low64(), ml = mod_len.low64();

  Mpz base, exp, mod, result;
  base.set_bytes(read_padded(input, 96, bl));
  exp.set_bytes(read_padded(input, 96 + bl, el));
  mod.set_bytes(read_padded(input, 96 + bl + el, ml));

  core::Bytes out(static_cast<std::size_t>(ml), 0);
  if (mpz_sgn(mod.v) == 0) return out;  // x mod 0 is defined as 0 here
  // Inputs are public, so the variable-time mpz_powm is fine (mpz_powm_sec needs an odd modulus anyway).
  // exp = 0 gives 1 mod m (0 for m = 1), as EIP-198 requires.
  mpz_powm(result.v, base.v, exp.v, mod.v);
  std::size_t count = 0;
  const std::size_t bytes = (mpz_sizeinbase(result.v, 2) + 7) / 8;
  if (mpz_sgn(result.v) != 0) mpz_export(out.data() + (out.size() - bytes), &count, 1, 1, 1, 0, result.v);
  return out;
}

}  // namespace igra::crypto
