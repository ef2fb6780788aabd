#pragma once
// JSON-RPC 2.0 request handling independent of the transport: parsing (single requests and batches),
// validation, dispatch to registered methods, EIP-1474 error codes, and the request-level limits (batch
// size, nesting depth, response size, per-caller rate budget).
//
// Methods are plain functions of (params, context) returning a JSON result; they report failures by
// throwing RpcError (exceptions stay inside this layer: the dispatcher turns every one into an error
// response, and any other exception into -32603). Responses are produced for every request that has an id;
// notifications (no id) get none; a batch answers with an array of the responses in request order.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace igra::rpc {

using json = nlohmann::json;

// EIP-1474 codes (plus 3, "execution reverted", as geth answers eth_call / eth_estimateGas).
namespace code {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
inline constexpr int kInvalidInput = -32000;
inline constexpr int kResourceNotFound = -32001;
inline constexpr int kResourceUnavailable = -32002;
inline constexpr int kTransactionRejected = -32003;
inline constexpr int kMethodNotSupported = -32004;
inline constexpr int kLimitExceeded = -32005;
inline constexpr int kVersionNotSupported = -32006;
inline constexpr int kExecutionReverted = 3;
}  // namespace code

class RpcError : public std::runtime_error {
 public:
  RpcError(int code, std::string message, std::optional<json> data = std::nullopt)
      : std::runtime_error(message), code_(code), data_(std::move(data)) {}
  int code() const noexcept { return code_; }
  const std::optional<json>& data() const noexcept { return data_; }

 private:
  int code_;
  std::optional<json> data_;
};

// Something a method can push notifications to (a WebSocket connection). Thread-safe; send() after the
// connection closed is a no-op and alive() turns false.
class Subscriber {
 public:
  virtual ~Subscriber() = default;
  virtual void send(std::string message) = 0;
  virtual bool alive() const = 0;
};

struct CallContext {
  std::string peer;                          // remote IP address
  std::shared_ptr<Subscriber> subscriber;    // set on WebSocket connections only
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  // Takes one unit of the caller's rate budget; false when it is exhausted. Empty: unlimited.
  std::function<bool()> take_token;
  bool expired() const { return std::chrono::steady_clock::now() > deadline; }
};

using Method = std::function<json(const json& params, CallContext& ctx)>;

struct DispatchLimits {
  std::size_t max_batch = 1000;                // items per batch (geth's default)
  std::size_t max_response_bytes = 25u << 20;  // per response (a batch counts all its items together)
  std::size_t max_depth = 64;                  // nesting of arrays / objects in a request
  std::chrono::milliseconds call_timeout{10'000};  // per request item (methods check ctx.deadline)
};

class Dispatcher {
 public:
  explicit Dispatcher(DispatchLimits limits = {}) : limits_(limits) {}

  void add(std::string name, Method method) { methods_[std::move(name)] = std::move(method); }
  bool has(const std::string& name) const { return methods_.count(name) != 0; }
  const DispatchLimits& limits() const noexcept { return limits_; }

  // Handles one transport message (an HTTP body or a WebSocket text frame). Returns the response text, or
  // an empty string when nothing is to be sent (notifications only).
  std::string handle(std::string_view body, CallContext& ctx) const;

  // The error response for a whole message (e.g. the transport's size limit): id null.
  static std::string error_response(int code, std::string_view message);

 private:
  json call_one(const json& request, CallContext& ctx) const;
  DispatchLimits limits_;
  std::unordered_map<std::string, Method> methods_;
};

// Depth of the deepest array / object nesting in a JSON text (strings and escapes skipped), stopping early
// once `limit` is exceeded. Runs before parsing so a deeply nested request cannot exhaust the stack.
std::size_t json_nesting_depth(std::string_view text, std::size_t limit);

}  // namespace igra::rpc
