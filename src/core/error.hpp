#pragma once
// Errors as values. Consensus code returns Result<T>; no exceptions cross layer boundaries.
#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace igra::core {

// Broad classes; the message carries the precise reason.
enum class ErrorCode {
  kInvalidArgument,  // malformed input (bad hex, bad encoding, wrong length, ...)
  kOutOfRange,       // a value or size exceeds a limit
  kNotFound,
  kVerifyFailed,     // signature or script verification failed
  kUnsupported,
  kInternal,
  kIo,
};

struct Error {
  ErrorCode code = ErrorCode::kInvalidArgument;
  std::string message;

  Error() = default;
  Error(ErrorCode c, std::string m) : code(c), message(std::move(m)) {}
  explicit Error(std::string m) : code(ErrorCode::kInvalidArgument), message(std::move(m)) {}
  // Prefixes the message with context ("rlp: " + ...).
  Error context(std::string_view what) const& { return Error(code, std::string(what) + ": " + message); }
};

// Minimal expected-like type (std::expected is not available with every compiler we build with).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Error err) : v_(std::in_place_index<1>, std::move(err)) {}

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const& { assert(!ok()); return std::get<1>(v_); }
  Error&& error() && { assert(!ok()); return std::get<1>(std::move(v_)); }
  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Error> v_;
};

struct Unit {};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error err) : err_(std::move(err)), ok_(false) {}
  bool ok() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  const Error& error() const& { assert(!ok_); return err_; }
  Error&& error() && { assert(!ok_); return std::move(err_); }

 private:
  Error err_;
  bool ok_ = true;
};

inline Error make_error(std::string message) { return Error(ErrorCode::kInvalidArgument, std::move(message)); }
inline Error make_error(ErrorCode code, std::string message) { return Error(code, std::move(message)); }

}  // namespace igra::core

// Propagates an error: IGRA_TRY(auto x, expr); or IGRA_TRY_VOID(expr);
#define IGRA_CONCAT_INNER(a, b) a##b
#define IGRA_CONCAT(a, b) IGRA_CONCAT_INNER(a, b)
#define IGRA_TRY_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                    \
  if (!tmp.ok()) return std::move(tmp).error(); \
  decl = std::move(tmp).value()
#define IGRA_TRY(decl, expr) IGRA_TRY_IMPL(IGRA_CONCAT(igra_try_, __LINE__), decl, expr)
#define IGRA_TRY_VOID(expr)                                   \
  do {                                                        \
    auto igra_try_v = (expr);                                 \
    if (!igra_try_v.ok()) return std::move(igra_try_v).error(); \
  } while (0)
