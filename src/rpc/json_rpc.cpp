#include "rpc/json_rpc.hpp"

namespace igra::rpc {
namespace {

json error_object(int c, std::string_view message, const std::optional<json>& data = std::nullopt) {
  json e = {{"code", c}, {"message", message}};
  if (data) e["data"] = *data;
  return e;
}

json response_error(const json& id, int c, std::string_view message, const std::optional<json>& data = std::nullopt) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"error", error_object(c, message, data)}};
}

bool valid_id(const json& id) { return id.is_null() || id.is_string() || id.is_number(); }

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::size_t json_nesting_depth(std::string_view text, std::size_t limit) {
  std::size_t depth = 0, max_depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > max_depth) {
          max_depth = depth;
          if (max_depth > limit) return max_depth;
        }
        break;
      case ']':
      case '}':
        if (depth) --depth;
        break;
      default:
        break;
    }
  }
  return max_depth;
}

std::string Dispatcher::error_response(int c, std::string_view message) {
  return dump(response_error(nullptr, c, message));
}

json Dispatcher::call_one(const json& request, CallContext& ctx) const {
  if (!request.is_object()) return response_error(nullptr, code::kInvalidRequest, "invalid request: not an object");
  const auto id_it = request.find("id");
  const bool notification = id_it == request.end();
  const json id = notification ? json(nullptr) : *id_it;
  if (!valid_id(id)) return response_error(nullptr, code::kInvalidRequest, "invalid request: id must be a string, number or null");
  const auto ver = request.find("jsonrpc");
  if (ver == request.end())
    return response_error(id, code::kInvalidRequest, "invalid request: missing \"jsonrpc\": \"2.0\"");
  if (!ver->is_string() || ver->get_ref<const std::string&>() != "2.0")
    return response_error(id, code::kVersionNotSupported, "JSON-RPC version not supported: use \"2.0\"");
  const auto m = request.find("method");
  if (m == request.end() || !m->is_string())
    return response_error(id, code::kInvalidRequest, "invalid request: method must be a string");
  const auto& name = m->get_ref<const std::string&>();
  const auto p = request.find("params");
  static const json kEmpty = json::array();
  const json& params = p == request.end() || p->is_null() ? kEmpty : *p;
  if (!params.is_array() && !params.is_object())
    return response_error(id, code::kInvalidRequest, "invalid request: params must be an array or an object");
  if (ctx.take_token && !ctx.take_token())
    return notification ? json() : response_error(id, code::kLimitExceeded, "rate limit exceeded: too many requests from " + ctx.peer);
  const auto it = methods_.find(name);
  if (it == methods_.end()) {
    if (notification) return json();
    return response_error(id, code::kMethodNotFound, "the method " + name + " does not exist/is not available");
  }
  json result;
  try {
    ctx.deadline = std::chrono::steady_clock::now() + limits_.call_timeout;
    result = it->second(params, ctx);
  } catch (const RpcError& e) {
    if (notification) return json();
    return response_error(id, e.code(), e.what(), e.data());
  } catch (const json::exception& e) {
    if (notification) return json();
    return response_error(id, code::kInvalidParams, std::string("invalid params: ") + e.what());
  } catch (const std::bad_alloc&) {
    if (notification) return json();
    return response_error(id, code::kLimitExceeded, "out of memory while answering " + name);
  } catch (const std::exception& e) {
    if (notification) return json();
    return response_error(id, code::kInternalError, std::string("internal error: ") + e.what());
  }
  if (notification) return json();
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

std::string Dispatcher::handle(std::string_view body, CallContext& ctx) const {
  if (json_nesting_depth(body, limits_.max_depth) > limits_.max_depth)
    return error_response(code::kInvalidRequest,
                          "invalid request: JSON nested deeper than " + std::to_string(limits_.max_depth) + " levels");
  json req = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (req.is_discarded()) return error_response(code::kParseError, "parse error: invalid JSON");
  const auto too_large = [&](const json& id) {
    return response_error(id, code::kLimitExceeded,
                          "response too large: over " + std::to_string(limits_.max_response_bytes) + " bytes");
  };
  if (!req.is_array()) {
    json resp = call_one(req, ctx);
    if (resp.is_null()) return {};
    std::string out = dump(resp);
    if (out.size() > limits_.max_response_bytes) out = dump(too_large(resp["id"]));
    return out;
  }
  if (req.empty()) return error_response(code::kInvalidRequest, "invalid request: empty batch");
  if (req.size() > limits_.max_batch)
    return error_response(code::kLimitExceeded, "batch too large: " + std::to_string(req.size()) + " items, at most " +
                                                    std::to_string(limits_.max_batch));
  std::string out = "[";
  std::size_t total = 1;
  bool any = false, over = false;
  for (const auto& item : req) {
    std::string piece;
    if (over) {
      const json id = item.is_object() && item.contains("id") ? item["id"] : json(nullptr);
      if (item.is_object() && !item.contains("id")) continue;
      piece = dump(too_large(valid_id(id) ? id : json(nullptr)));
    } else {
      json resp = call_one(item, ctx);
      if (resp.is_null()) continue;
      piece = dump(resp);
      if (total + piece.size() + 1 > limits_.max_response_bytes) {
        over = true;
        piece = dump(too_large(resp["id"]));
      }
    }
    if (any) out += ',';
    out += piece;
    total += piece.size() + 1;
    any = true;
  }
  if (!any) return {};
  out += ']';
  return out;
}

}  // namespace igra::rpc
