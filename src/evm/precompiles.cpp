// Precompiled contracts: 0x01-0x04 here, 0x05-0x11 adapted from src/crypto.
#include <array>
#include <cstring>

#include "crypto/blake2f.hpp"
#include "crypto/bls12_381.hpp"
#include "crypto/bn254.hpp"
#include "crypto/kzg.hpp"
#include "crypto/modexp.hpp"
#include "crypto/secp256k1.hpp"
#include "crypto/sha256.hpp"
#include "evm/evm.hpp"

namespace igra::evm {

namespace {

using core::uint256;

std::int64_t words(std::size_t n) { return static_cast<std::int64_t>((n + 31) / 32); }

PrecompileOutput out_of_gas() { return PrecompileOutput{false, INT64_MAX, {}}; }

PrecompileOutput ecrecover(ByteView input, std::int64_t gas, Revision) {
  constexpr std::int64_t kCost = 3000;
  if (gas < kCost) return out_of_gas();
  std::uint8_t in[128] = {};
  if (!input.empty()) std::memcpy(in, input.data(), std::min<std::size_t>(input.size(), 128));  // data() may be null
  PrecompileOutput r{true, kCost, {}};
  // v is a full 32-byte word that must be exactly 27 or 28.
  for (int i = 32; i < 63; ++i)
    if (in[i] != 0) return r;
  if (in[63] != 27 && in[63] != 28) return r;
  crypto::RecoverableSignature sig;
  std::memcpy(sig.r.data(), in + 64, 32);
  std::memcpy(sig.s.data(), in + 96, 32);
  sig.recovery_id = static_cast<std::uint8_t>(in[63] - 27);
  core::Hash32 msg;
  std::memcpy(msg.data(), in, 32);
  // Zero r or s, or values >= n, make recovery fail: the precompile then returns empty output.
  if (core::uint256::load_be(sig.r).is_zero() || core::uint256::load_be(sig.s).is_zero()) return r;
  auto pub = crypto::ecdsa_recover(msg, sig);
  if (!pub) return r;
  const Address20 a = crypto::public_key_to_address(*pub);
  r.output.assign(32, 0);
  std::memcpy(r.output.data() + 12, a.data(), 20);
  return r;
}

PrecompileOutput sha256_pc(ByteView input, std::int64_t gas, Revision) {
  const std::int64_t cost = 60 + 12 * words(input.size());
  if (gas < cost) return out_of_gas();
  const auto h = crypto::sha256(input);
  return PrecompileOutput{true, cost, Bytes(h.begin(), h.end())};
}

PrecompileOutput ripemd160_pc(ByteView input, std::int64_t gas, Revision) {
  const std::int64_t cost = 600 + 120 * words(input.size());
  if (gas < cost) return out_of_gas();
  const auto h = crypto::ripemd160(input);
  Bytes out(32, 0);
  std::memcpy(out.data() + 12, h.data(), 20);
  return PrecompileOutput{true, cost, std::move(out)};
}

PrecompileOutput identity(ByteView input, std::int64_t gas, Revision) {
  const std::int64_t cost = 15 + 3 * words(input.size());
  if (gas < cost) return out_of_gas();
  return PrecompileOutput{true, cost, Bytes(input.begin(), input.end())};
}

// Adapters for the precompiles whose arithmetic lives in src/crypto: charge the price first (a price above
// the gas given is out of gas), then any error of the computation fails the call consuming all its gas.
template <typename R>
PrecompileOutput finish(std::int64_t cost, const core::Result<R>& r) {
  if (!r) return PrecompileOutput{false, cost, {}};
  return PrecompileOutput{true, cost, Bytes(r->begin(), r->end())};
}
bool affordable(std::uint64_t price, std::int64_t gas) { return price <= static_cast<std::uint64_t>(gas); }

// EIP-2565 price as the consensus clients and execution-specs compute it. It differs from the EIP text in
// one corner: for exp_len > 32 with an all-zero exponent head the iteration count is 8 * (exp_len - 32)
// (log2 of zero counts as 0, not -1); the state tests pin this (e.g. "exponent-with-leading-zeros").
// crypto::modexp_gas follows the EIP text there, so the price is computed here.
std::uint64_t modexp_price(ByteView input) {
  auto word = [&](std::size_t off) {
    std::uint8_t w[32] = {};
    if (off < input.size()) std::memcpy(w, input.data() + off, std::min<std::size_t>(32, input.size() - off));
    return uint256::load_be(w);
  };
  const uint256 bl = word(0), el = word(32), ml = word(64);
  const uint256 max_len = bl > ml ? bl : ml;
  constexpr std::uint64_t kHuge = 1ull << 32;
  if (max_len > uint256(kHuge)) return UINT64_MAX;
  const unsigned __int128 words = (max_len.low64() + 7) / 8;
  const unsigned __int128 complexity = words * words;
  if (complexity == 0) return 200;
  if (el > uint256(kHuge)) return UINT64_MAX;
  // The exponent head: its first min(32, exp_len) bytes, read past the end of the input as zeros.
  uint256 head;
  const std::uint64_t head_len = std::min<std::uint64_t>(32, el.low64());
  if (bl.low64() < input.size() && head_len > 0) {
    std::uint8_t h[32] = {};
    const std::size_t start = 96 + bl.low64();
    for (std::uint64_t i = 0; i < head_len; ++i)
      if (start + i < input.size()) h[32 - head_len + i] = input[start + i];
    head = uint256::load_be(h);
  }
  const unsigned bits = head.bit_width();
  unsigned __int128 iterations = (el.low64() > 32 ? 8 * (el.low64() - 32) : 0) + (bits > 0 ? bits - 1 : 0);
  if (iterations < 1) iterations = 1;
  const unsigned __int128 price = complexity * iterations / 3;
  if (price > UINT64_MAX) return UINT64_MAX;
  return std::max<std::uint64_t>(200, static_cast<std::uint64_t>(price));
}

PrecompileOutput modexp_pc(ByteView input, std::int64_t gas, Revision) {
  const std::uint64_t price = modexp_price(input);
  if (!affordable(price, gas)) return out_of_gas();
  // A zero modulus length returns empty output whatever the other lengths (which may be huge).
  bool mod_len_zero = true;
  for (std::size_t i = 64; i < 96 && i < input.size(); ++i) mod_len_zero = mod_len_zero && input[i] == 0;
  if (mod_len_zero) return PrecompileOutput{true, static_cast<std::int64_t>(price), {}};
  return finish(static_cast<std::int64_t>(price), crypto::modexp(input));
}
PrecompileOutput bn254_add_pc(ByteView input, std::int64_t gas, Revision) {
  if (!affordable(crypto::kBn254AddGas, gas)) return out_of_gas();
  return finish(crypto::kBn254AddGas, crypto::bn254_add(input));
}
PrecompileOutput bn254_mul_pc(ByteView input, std::int64_t gas, Revision) {
  if (!affordable(crypto::kBn254MulGas, gas)) return out_of_gas();
  return finish(crypto::kBn254MulGas, crypto::bn254_mul(input));
}
PrecompileOutput bn254_pairing_pc(ByteView input, std::int64_t gas, Revision) {
  const std::uint64_t price = crypto::bn254_pairing_gas(input);
  if (!affordable(price, gas)) return out_of_gas();
  return finish(static_cast<std::int64_t>(price), crypto::bn254_pairing_check(input));
}
PrecompileOutput blake2f_pc(ByteView input, std::int64_t gas, Revision) {
  const std::uint64_t price = crypto::blake2f_gas(input);
  if (!affordable(price, gas)) return out_of_gas();
  return finish(static_cast<std::int64_t>(price), crypto::blake2f(input));
}
PrecompileOutput point_evaluation_pc(ByteView input, std::int64_t gas, Revision) {
  const std::uint64_t price = crypto::kzg_point_evaluation_gas();
  if (!affordable(price, gas)) return out_of_gas();
  return finish(static_cast<std::int64_t>(price), crypto::kzg_point_evaluation(input));
}
template <std::uint64_t (*Price)(std::size_t), core::Result<Bytes> (*Fn)(ByteView)>
PrecompileOutput bls_sized_pc(ByteView input, std::int64_t gas, Revision) {
  const std::uint64_t price = Price(input.size());
  if (!affordable(price, gas)) return out_of_gas();
  return finish(static_cast<std::int64_t>(price), Fn(input));
}
template <std::uint64_t (*Price)(), core::Result<Bytes> (*Fn)(ByteView)>
PrecompileOutput bls_fixed_pc(ByteView input, std::int64_t gas, Revision) {
  const std::uint64_t price = Price();
  if (!affordable(price, gas)) return out_of_gas();
  return finish(static_cast<std::int64_t>(price), Fn(input));
}

std::array<PrecompileFn, kMaxPrecompile + 1>& table() {
  static std::array<PrecompileFn, kMaxPrecompile + 1> t = {
      nullptr,
      ecrecover,
      sha256_pc,
      ripemd160_pc,
      identity,
      modexp_pc,
      bn254_add_pc,
      bn254_mul_pc,
      bn254_pairing_pc,
      blake2f_pc,
      point_evaluation_pc,
      bls_fixed_pc<crypto::bls12_g1_add_gas, crypto::bls12_g1_add>,
      bls_sized_pc<crypto::bls12_g1_msm_gas, crypto::bls12_g1_msm>,
      bls_fixed_pc<crypto::bls12_g2_add_gas, crypto::bls12_g2_add>,
      bls_sized_pc<crypto::bls12_g2_msm_gas, crypto::bls12_g2_msm>,
      bls_sized_pc<crypto::bls12_pairing_gas, crypto::bls12_pairing_check>,
      bls_fixed_pc<crypto::bls12_map_fp_to_g1_gas, crypto::bls12_map_fp_to_g1>,
      bls_fixed_pc<crypto::bls12_map_fp2_to_g2_gas, crypto::bls12_map_fp2_to_g2>,
  };
  return t;
}

}  // namespace

PrecompileFn find_precompile(int address) noexcept {
  if (address < 1 || address > kMaxPrecompile) return nullptr;
  return table()[static_cast<std::size_t>(address)];
}

int precompile_count(Revision rev) noexcept { return rev >= Revision::kPrague ? 0x11 : 0x0a; }

int precompile_index(const Address20& addr, Revision rev) noexcept {
  for (int i = 0; i < 19; ++i)
    if (addr[static_cast<std::size_t>(i)] != 0) return 0;
  const int n = addr[19];
  return n >= 1 && n <= precompile_count(rev) ? n : 0;
}

}  // namespace igra::evm
