#pragma once
// Clocks of the simnet: real time, or a deterministic virtual clock advanced by the simulation (fast mode).
#include <atomic>
#include <cstdint>

namespace igra::simnet {

class Clock {
 public:
  virtual ~Clock() = default;
  // Microseconds since the Unix epoch (real or virtual).
  virtual std::uint64_t now_us() const = 0;
  std::uint64_t now_ms() const { return now_us() / 1000; }
};

class RealClock final : public Clock {
 public:
  std::uint64_t now_us() const override;
};

// Starts at `start_us` and only moves when told to (never backwards).
class VirtualClock final : public Clock {
 public:
  explicit VirtualClock(std::uint64_t start_us) : now_(start_us) {}
  std::uint64_t now_us() const override { return now_.load(std::memory_order_relaxed); }
  void advance_to(std::uint64_t t_us);
  void advance_by(std::uint64_t dt_us) { advance_to(now_us() + dt_us); }

 private:
  std::atomic<std::uint64_t> now_;
};

}  // namespace igra::simnet
