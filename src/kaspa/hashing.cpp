#include "kaspa/hashing.hpp"

namespace igra::kaspa {

crypto::Sha256 ecdsa_signing_hasher() noexcept {
  // Computed once; Sha256 is copyable, so every caller gets a copy of the pre-fed state.
  static const crypto::Sha256 kPrefed = [] {
    crypto::Sha256 h;
    const core::Hash32 domain_hash = crypto::sha256(core::as_bytes(kDomainTransactionSigningHashEcdsa));
    h.update(domain_hash.view());
    return h;
  }();
  return kPrefed;
}

}  // namespace igra::kaspa
