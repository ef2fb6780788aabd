// Keccak-256 with the original Keccak padding (0x01 ... 0x80), rate 136 bytes, as used by Ethereum.
// keccak-f[1600] is fully unrolled with the 25 lanes in local variables, two rounds per loop iteration
// (A -> E -> A), combining theta, rho, pi, chi and iota in one pass per round. chi is either plain or
// lane-complemented, chosen per CPU (see keccak_permute).
#include "core/keccak.hpp"

#include <cstring>

namespace igra::core {
namespace {

constexpr std::size_t kRate = 136;
constexpr std::size_t kRateLanes = kRate / 8;

constexpr std::uint64_t kRoundConstants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

inline std::uint64_t rol64(std::uint64_t x, unsigned n) noexcept { return (x << n) | (x >> (64 - n)); }

inline std::uint64_t load64(const std::uint8_t* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}

inline void store64(std::uint8_t* p, std::uint64_t v) noexcept {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  std::memcpy(p, &v, 8);
}

// Lane naming: <prefix><row><column>, row y in b,g,k,m,s (0..4), column x in a,e,i,o,u (0..4);
// lane (x, y) is state[x + 5 * y].
// One round from lanes A.. into lanes E..; rho offsets and the pi mapping (x, y) -> (y, 2x + 3y) are
// written out per output row, followed by chi (and iota on lane ba).
//
// Two variants of chi:
//  * plain:  E = B[x] ^ (~B[x+1] & B[x+2]) - best where the CPU has ANDN (BMI1);
//  * lane complementing (Keccak implementation overview, section 2.2): the lanes be, bi, go, ki, mi, sa
//    are held complemented between rounds. With the complements folded into chi row by row the pattern
//    maps onto itself, and a round needs 8 NOTs instead of 25 - best without ANDN. The per-row comments
//    name which chi inputs arrive complemented (after theta, rho and pi) and which outputs are stored
//    complemented.
#define IGRA_KECCAK_CHI_PLAIN(E, r) \
  E##r##a = Ba ^ (~Be & Bi);        \
  E##r##e = Be ^ (~Bi & Bo);        \
  E##r##i = Bi ^ (~Bo & Bu);        \
  E##r##o = Bo ^ (~Bu & Ba);        \
  E##r##u = Bu ^ (~Ba & Be)

#define IGRA_KECCAK_ROUND(A, E, rc)                                     \
  do {                                                                  \
    std::uint64_t Ca = A##ba ^ A##ga ^ A##ka ^ A##ma ^ A##sa;           \
    std::uint64_t Ce = A##be ^ A##ge ^ A##ke ^ A##me ^ A##se;           \
    std::uint64_t Ci = A##bi ^ A##gi ^ A##ki ^ A##mi ^ A##si;           \
    std::uint64_t Co = A##bo ^ A##go ^ A##ko ^ A##mo ^ A##so;           \
    std::uint64_t Cu = A##bu ^ A##gu ^ A##ku ^ A##mu ^ A##su;           \
    std::uint64_t Da = Cu ^ rol64(Ce, 1);                               \
    std::uint64_t De = Ca ^ rol64(Ci, 1);                               \
    std::uint64_t Di = Ce ^ rol64(Co, 1);                               \
    std::uint64_t Do = Ci ^ rol64(Cu, 1);                               \
    std::uint64_t Du = Co ^ rol64(Ca, 1);                               \
    std::uint64_t Ba, Be, Bi, Bo, Bu;                                   \
    Ba = A##ba ^ Da;                                                    \
    Be = rol64(A##ge ^ De, 44);                                         \
    Bi = rol64(A##ki ^ Di, 43);                                         \
    Bo = rol64(A##mo ^ Do, 21);                                         \
    Bu = rol64(A##su ^ Du, 14);                                         \
    if constexpr (kLaneComplement) {                                    \
      /* row b: inputs ~a e ~i ~o u; outputs be, bi complemented */     \
      E##ba = Ba ^ (Be | Bi);                                           \
      E##be = Be ^ (~Bi | Bo);                                          \
      E##bi = Bi ^ (Bo & Bu);                                           \
      E##bo = Bo ^ (Bu | Ba);                                           \
      E##bu = Bu ^ (Ba & Be);                                           \
    } else {                                                            \
      IGRA_KECCAK_CHI_PLAIN(E, b);                                      \
    }                                                                   \
    E##ba ^= (rc);                                                      \
    Ba = rol64(A##bo ^ Do, 28);                                         \
    Be = rol64(A##gu ^ Du, 20);                                         \
    Bi = rol64(A##ka ^ Da, 3);                                          \
    Bo = rol64(A##me ^ De, 45);                                         \
    Bu = rol64(A##si ^ Di, 61);                                         \
    if constexpr (kLaneComplement) {                                    \
      /* row g: inputs ~a e ~i o u; output go complemented */           \
      E##ga = Ba ^ (Be | Bi);                                           \
      E##ge = Be ^ (Bi & Bo);                                           \
      E##gi = Bi ^ (Bo | ~Bu);                                          \
      E##go = Bo ^ (Bu | Ba);                                           \
      E##gu = Bu ^ (Ba & Be);                                           \
    } else {                                                            \
      IGRA_KECCAK_CHI_PLAIN(E, g);                                      \
    }                                                                   \
    Ba = rol64(A##be ^ De, 1);                                          \
    Be = rol64(A##gi ^ Di, 6);                                          \
    Bi = rol64(A##ko ^ Do, 25);                                         \
    Bo = rol64(A##mu ^ Du, 8);                                          \
    Bu = rol64(A##sa ^ Da, 18);                                         \
    if constexpr (kLaneComplement) {                                    \
      /* row k: inputs ~a e ~i o u; output ki complemented */           \
      E##ka = Ba ^ (Be | Bi);                                           \
      E##ke = Be ^ (Bi & Bo);                                           \
      E##ki = Bi ^ (~Bo & Bu);                                          \
      E##ko = ~Bo ^ (Bu | Ba);                                          \
      E##ku = Bu ^ (Ba & Be);                                           \
    } else {                                                            \
      IGRA_KECCAK_CHI_PLAIN(E, k);                                      \
    }                                                                   \
    Ba = rol64(A##bu ^ Du, 27);                                         \
    Be = rol64(A##ga ^ Da, 36);                                         \
    Bi = rol64(A##ke ^ De, 10);                                         \
    Bo = rol64(A##mi ^ Di, 15);                                         \
    Bu = rol64(A##so ^ Do, 56);                                         \
    if constexpr (kLaneComplement) {                                    \
      /* row m: inputs a ~e i ~o ~u; output mi complemented */          \
      E##ma = Ba ^ (Be & Bi);                                           \
      E##me = Be ^ (Bi | Bo);                                           \
      E##mi = Bi ^ (~Bo | Bu);                                          \
      E##mo = ~Bo ^ (Bu & Ba);                                          \
      E##mu = Bu ^ (Ba | Be);                                           \
    } else {                                                            \
      IGRA_KECCAK_CHI_PLAIN(E, m);                                      \
    }                                                                   \
    Ba = rol64(A##bi ^ Di, 62);                                         \
    Be = rol64(A##go ^ Do, 55);                                         \
    Bi = rol64(A##ku ^ Du, 39);                                         \
    Bo = rol64(A##ma ^ Da, 41);                                         \
    Bu = rol64(A##se ^ De, 2);                                          \
    if constexpr (kLaneComplement) {                                    \
      /* row s: inputs ~a e i ~o u; output sa complemented */           \
      E##sa = Ba ^ (~Be & Bi);                                          \
      E##se = ~Be ^ (Bi | Bo);                                          \
      E##si = Bi ^ (Bo & Bu);                                           \
      E##so = Bo ^ (Bu | Ba);                                           \
      E##su = Bu ^ (Ba & Be);                                           \
    } else {                                                            \
      IGRA_KECCAK_CHI_PLAIN(E, s);                                      \
    }                                                                   \
  } while (0)

#define IGRA_KECCAK_LANES(X)                                                                      \
  X(ba, 0) X(be, 1) X(bi, 2) X(bo, 3) X(bu, 4) X(ga, 5) X(ge, 6) X(gi, 7) X(go, 8) X(gu, 9)       \
  X(ka, 10) X(ke, 11) X(ki, 12) X(ko, 13) X(ku, 14) X(ma, 15) X(me, 16) X(mi, 17) X(mo, 18)        \
  X(mu, 19) X(sa, 20) X(se, 21) X(si, 22) X(so, 23) X(su, 24)

template <bool kLaneComplement>
__attribute__((always_inline)) inline void permute_body(std::uint64_t* s) noexcept {
#define IGRA_KECCAK_LOAD(n, i) std::uint64_t A##n = s[i]; std::uint64_t E##n;
  IGRA_KECCAK_LANES(IGRA_KECCAK_LOAD)
#undef IGRA_KECCAK_LOAD
  if constexpr (kLaneComplement) {
    Abe = ~Abe;
    Abi = ~Abi;
    Ago = ~Ago;
    Aki = ~Aki;
    Ami = ~Ami;
    Asa = ~Asa;
  }
  for (int r = 0; r < 24; r += 2) {
    IGRA_KECCAK_ROUND(A, E, kRoundConstants[r]);
    IGRA_KECCAK_ROUND(E, A, kRoundConstants[r + 1]);
  }
  if constexpr (kLaneComplement) {
    Abe = ~Abe;
    Abi = ~Abi;
    Ago = ~Ago;
    Aki = ~Aki;
    Ami = ~Ami;
    Asa = ~Asa;
  }
#define IGRA_KECCAK_STORE(n, i) s[i] = A##n;
  IGRA_KECCAK_LANES(IGRA_KECCAK_STORE)
#undef IGRA_KECCAK_STORE
}

#undef IGRA_KECCAK_LANES
#undef IGRA_KECCAK_ROUND
#undef IGRA_KECCAK_CHI_PLAIN

// On x86-64 with GCC, two versions are compiled and the loader picks one (function multiversioning
// through an ifunc): x86-64-v3 CPUs (BMI1 ANDN, BMI2 RORX) take plain chi, others lane complementing.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__ELF__) && \
    !defined(IGRA_KECCAK_NO_MULTIVERSION)
__attribute__((target("arch=x86-64-v3"))) void keccak_permute(std::uint64_t* s) noexcept {
  permute_body<false>(s);
}
__attribute__((target("default"))) void keccak_permute(std::uint64_t* s) noexcept { permute_body<true>(s); }
#else
void keccak_permute(std::uint64_t* s) noexcept { permute_body<true>(s); }
#endif

inline void absorb_block(std::uint64_t* state, const std::uint8_t* block) noexcept {
  for (std::size_t i = 0; i < kRateLanes; ++i) state[i] ^= load64(block + 8 * i);
  keccak_permute(state);
}

}  // namespace

void keccak_f1600(std::uint64_t state[25]) noexcept { keccak_permute(state); }

void Keccak256::update(ByteView data) noexcept {
  const std::uint8_t* p = data.data();
  std::size_t n = data.size();
  if (n == 0) return;
  if (buf_len_ > 0) {
    std::size_t take = kRate - buf_len_;
    if (take > n) take = n;
    std::memcpy(buf_ + buf_len_, p, take);
    buf_len_ += take;
    p += take;
    n -= take;
    if (buf_len_ < kRate) return;
    absorb_block(state_, buf_);
    buf_len_ = 0;
  }
  while (n >= kRate) {
    absorb_block(state_, p);
    p += kRate;
    n -= kRate;
  }
  if (n > 0) {
    std::memcpy(buf_, p, n);
    buf_len_ = n;
  }
}

Hash32 Keccak256::finalize() noexcept {
  std::memset(buf_ + buf_len_, 0, kRate - buf_len_);
  buf_[buf_len_] ^= 0x01;
  buf_[kRate - 1] ^= 0x80;
  absorb_block(state_, buf_);
  buf_len_ = 0;
  Hash32 out;
  for (int i = 0; i < 4; ++i) store64(out.data() + 8 * i, state_[i]);
  return out;
}

Hash32 keccak256(ByteView data) noexcept {
  Keccak256 h;
  h.update(data);
  return h.finalize();
}

}  // namespace igra::core
