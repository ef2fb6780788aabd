#pragma once
// A thread-safe list of received notifications for tests that wait on asynchronous handlers.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

namespace igra::testing {

template <typename T>
class Inbox {
 public:
  void push(const T& v) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      items_.push_back(v);
    }
    cv_.notify_all();
  }
  // Waits until `pred` holds for some received item; returns it.
  std::optional<T> wait_for(const std::function<bool(const T&)>& pred,
                            std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    std::optional<T> found;
    wait_until(
        [&](const std::vector<T>& items) {
          for (const auto& v : items)
            if (pred(v)) {
              found = v;
              return true;
            }
          return false;
        },
        limit);
    return found;
  }
  // Waits until `pred` holds for everything received so far.
  bool wait_until(const std::function<bool(const std::vector<T>&)>& pred,
                  std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return pred(items_); });
  }
  std::vector<T> snapshot() {
    std::lock_guard<std::mutex> lock(mu_);
    return items_;
  }
  void clear() {
    std::lock_guard<std::mutex> lock(mu_);
    items_.clear();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<T> items_;
};

}  // namespace igra::testing
