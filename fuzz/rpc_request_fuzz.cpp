// libFuzzer target: the JSON-RPC request path. Every input is one HTTP body / WebSocket message handed to the
// node's real dispatcher (all eth_ / net_ / web3_ / debug_ / igra_ methods) over a devnet genesis database:
// JSON parsing, the nesting pre-check, batches, parameter decoding of every method. Whatever the input, the
// answer is a JSON-RPC response (or nothing for notifications), never a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "chain/genesis.hpp"
#include "igra/network.hpp"
#include "igra/node.hpp"
#include "rpc/eth_api.hpp"
#include "rpc/json_rpc.hpp"

namespace ig = ::igra::igra;
namespace rpc = ::igra::rpc;

namespace {

struct Env {
  std::unique_ptr<igra::state::StateDb> db;
  std::unique_ptr<rpc::EthApi> api;
  rpc::Dispatcher dispatcher;
};

Env* make_env() {
  auto params = ig::builtin_network("devnet");
  if (!params) std::abort();
  const std::string genesis_json = ig::render_genesis_json(*params);
  auto genesis = igra::chain::parse_genesis(genesis_json);
  if (!genesis) std::abort();
  char tmpl[] = "/tmp/rpc-fuzz-XXXXXX";
  if (!mkdtemp(tmpl)) std::abort();
  const std::filesystem::path dir(tmpl);
  if (!ig::init_datadir(dir, *genesis)) std::abort();
  igra::state::EnvOptions eo;
  eo.path = (dir / "chaindata").string();
  auto db = igra::state::StateDb::open(eo);
  if (!db) std::abort();
  auto* env = new Env();
  env->db = std::move(*db);
  env->api = std::make_unique<rpc::EthApi>(*env->db, *params, rpc::NodeHooks{});
  env->api->register_methods(env->dispatcher);
  return env;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Env* env = make_env();
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  rpc::CallContext ctx;
  ctx.peer = "fuzz";
  const std::string out = env->dispatcher.handle(body, ctx);
  if (!out.empty()) {
    auto j = rpc::json::parse(out, nullptr, false);
    if (j.is_discarded()) std::abort();  // we must always answer valid JSON
  }
  return 0;
}
