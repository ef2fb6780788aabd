#include "simnet/clock.hpp"

#include <chrono>

namespace igra::simnet {

std::uint64_t RealClock::now_us() const {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

void VirtualClock::advance_to(std::uint64_t t_us) {
  std::uint64_t cur = now_.load(std::memory_order_relaxed);
  while (t_us > cur && !now_.compare_exchange_weak(cur, t_us, std::memory_order_relaxed)) {
  }
}

}  // namespace igra::simnet
