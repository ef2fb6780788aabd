#include "igra/node.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cinttypes>

#include "core/hex.hpp"

namespace igra::igra {
namespace {

using Clock = std::chrono::steady_clock;

core::Result<std::unique_ptr<state::StateDb>> open_db(const std::filesystem::path& datadir, bool sync) {
  std::error_code ec;
  std::filesystem::create_directories(datadir / "chaindata", ec);
  if (ec) return core::Error{core::ErrorCode::kIo, "cannot create " + (datadir / "chaindata").string() + ": " + ec.message()};
  state::EnvOptions env;
  env.path = (datadir / "chaindata").string();
  env.sync = sync;
  return state::StateDb::open(env);
}

std::string fmt_duration(double s) {
  if (s < 0 || s > 1e9) return "?";
  const auto t = static_cast<std::uint64_t>(s);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%" PRIu64 "h%02" PRIu64 "m%02" PRIu64 "s", t / 3600, (t / 60) % 60, t % 60);
  return buf;
}

}  // namespace

core::Result<core::Hash32> init_datadir(const std::filesystem::path& datadir, const chain::Genesis& genesis,
                                        const core::Hash32& l1_start) {
  IGRA_TRY(auto db, open_db(datadir, true));
  return write_genesis(*db, genesis.header, chain::genesis_changes(genesis), l1_start);
}

core::Result<std::unique_ptr<Node>> Node::open(NodeOptions options) {
  std::unique_ptr<Node> n(new Node());
  IGRA_TRY(n->genesis_, chain::parse_genesis(options.genesis_json));
  if (n->genesis_.chain_id != core::uint256(options.params.chain_id))
    return core::Error{core::ErrorCode::kInvalidArgument, "genesis chain id " + n->genesis_.chain_id.to_decimal() +
                                                              " differs from the network's " +
                                                              std::to_string(options.params.chain_id)};
  IGRA_TRY(n->db_, open_db(options.datadir, options.sync_writes));
  IGRA_TRY(auto hash, write_genesis(*n->db_, n->genesis_.header, chain::genesis_changes(n->genesis_),
                                    options.params.l1_start_hash.value_or(core::Hash32{})));
  (void)hash;
  n->options_ = std::move(options);
  return n;
}

Node::~Node() { stop(); }

core::Result<void> Node::start() {
  kaspa::rpc::ClientOptions co;
  co.target = options_.kaspad;
  client_ = std::make_unique<kaspa::rpc::Client>(co);
  client_->start();
  if (!client_->wait_connected(std::chrono::seconds(10)))
    return core::Error{core::ErrorCode::kIo, "cannot connect to kaspad at " + options_.kaspad};
  IGRA_TRY(auto info, client_->get_server_info());
  spdlog::info("connected to kaspad {} ({} network {}, virtual DAA score {})", options_.kaspad, info.server_version,
               info.network_id, info.virtual_daa_score);
  auto sub = client_->subscribe_virtual_chain_changed(false, [this](const kaspa::rpc::VirtualChainChanged&) {
    std::lock_guard lk(mu_);
    l1_changed_ = true;
    cv_.notify_all();
  });
  if (!sub) spdlog::warn("VirtualChainChanged subscription failed ({}); polling", sub.error().message);
  source_ = std::make_unique<RpcL1Source>(*client_, options_.params);
  deriver_ = std::make_unique<Deriver>(options_.params, *db_, *source_);
  if (on_commit_) deriver_->on_commit(on_commit_);
  if (on_unwind_) deriver_->on_unwind(on_unwind_);
  IGRA_TRY_VOID(deriver_->init());
  {
    std::lock_guard lk(mu_);
    stats_.l2_head = deriver_->head_number();
    head_hash_ = deriver_->head_hash();
  }
  spdlog::info("L2 head {} ({}), resuming after L1 chain block {}", deriver_->head_number(),
               core::to_hex(deriver_->head_hash(), true), core::to_hex(deriver_->tip()));
  stop_ = false;
  // The derivation thread executes blocks: the EVM recurses once per call depth (up to 1024), so it gets a
  // large stack (address space only; pages are committed as touched).
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, std::size_t{512} << 20);
  pthread_t t;
  const int rc = pthread_create(
      &t, &attr,
      [](void* self) -> void* {
        static_cast<Node*>(self)->run();
        return nullptr;
      },
      this);
  pthread_attr_destroy(&attr);
  if (rc != 0) return core::Error{core::ErrorCode::kInternal, "cannot start the derivation thread"};
  thread_ = t;
  return {};
}

void Node::stop() {
  stop_ = true;
  cv_.notify_all();
  if (thread_) {
    pthread_join(*thread_, nullptr);
    thread_.reset();
  }
  if (client_) client_->shutdown();
}

void Node::run() {
  auto last_log = Clock::now();
  std::uint64_t blocks_at_log = 0, gas_at_log = 0;
  auto backoff = std::chrono::milliseconds(100);
  while (!stop_) {
    auto r = deriver_->step(options_.batch_chain_blocks);
    if (!r) {
      {
        std::lock_guard lk(mu_);
        ++stats_.l1_errors;
      }
      spdlog::warn("derivation step failed: {} (retrying in {} ms)", r.error().message, backoff.count());
      std::unique_lock lk(mu_);
      cv_.wait_for(lk, backoff, [this] { return stop_.load(); });
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
      continue;
    }
    backoff = std::chrono::milliseconds(100);
    {
      std::lock_guard lk(mu_);
      stats_.l2_head = deriver_->head_number();
      stats_.l1_tip_daa = deriver_->tip_daa_score();
      stats_.blocks_committed += r->l2_blocks;
      stats_.blocks_unwound += r->unwound;
      stats_.gas_used += r->gas_used;
      head_hash_ = deriver_->head_hash();
      if (r->unwound) spdlog::info("reorg: unwound {} L2 block(s), head now {}", r->unwound, stats_.l2_head);
      if (!r->more && r->chain_blocks == 0) {
        stats_.synced = true;
        ++sync_generation_;
      } else if (r->more) {
        stats_.synced = false;
      }
      cv_.notify_all();
    }
    const auto now = Clock::now();
    const double dt = std::chrono::duration<double>(now - last_log).count();
    if (dt >= options_.progress_interval_s) {
      NodeStats s = stats();
      auto v = source_->virtual_daa_score();
      if (v) {
        std::lock_guard lk(mu_);
        stats_.l1_virtual_daa = *v;
        s.l1_virtual_daa = *v;
      }
      const double bps = static_cast<double>(s.blocks_committed - blocks_at_log) / dt;
      const double mgas = static_cast<double>(s.gas_used - gas_at_log) / dt / 1e6;
      const double remaining_windows =
          s.l1_virtual_daa > s.l1_tip_daa ? static_cast<double>(s.l1_virtual_daa - s.l1_tip_daa) / kWindowDaaSpan : 0;
      const std::string eta = s.synced ? "synced" : (bps > 0 ? fmt_duration(remaining_windows / bps) : "?");
      spdlog::info("sync: L2 height {}  L1 DAA {} / {}  {:.1f} blocks/s  {:.2f} Mgas/s  ETA {}", s.l2_head,
                   s.l1_tip_daa, s.l1_virtual_daa, bps, mgas, eta);
      last_log = now;
      blocks_at_log = s.blocks_committed;
      gas_at_log = s.gas_used;
    }
    if (r->more || r->chain_blocks > 0) continue;
    std::unique_lock lk(mu_);
    cv_.wait_for(lk, std::chrono::milliseconds(200), [this] { return stop_.load() || l1_changed_; });
    l1_changed_ = false;
  }
}

NodeStats Node::stats() const {
  std::lock_guard lk(mu_);
  return stats_;
}

std::uint64_t Node::head() const {
  std::lock_guard lk(mu_);
  return stats_.l2_head;
}

core::Hash32 Node::head_hash() const {
  std::lock_guard lk(mu_);
  return head_hash_;
}

bool Node::wait_for_head(std::uint64_t number, std::chrono::milliseconds timeout) {
  std::unique_lock lk(mu_);
  return cv_.wait_for(lk, timeout, [&] { return stats_.l2_head >= number; });
}

bool Node::wait_synced(std::chrono::milliseconds timeout) {
  std::unique_lock lk(mu_);
  const std::uint64_t gen = sync_generation_;
  return cv_.wait_for(lk, timeout, [&] { return sync_generation_ > gen + 1; });
}

std::string Node::metrics_text() const {
  const NodeStats s = stats();
  std::string out;
  auto metric = [&](const char* name, const char* type, const char* help, std::uint64_t v) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
           std::to_string(v) + "\n";
  };
  metric("igra_l2_head", "gauge", "Number of the newest derived L2 block.", s.l2_head);
  metric("igra_l1_tip_daa_score", "gauge", "DAA score of the last Kaspa chain block processed.", s.l1_tip_daa);
  metric("igra_l1_virtual_daa_score", "gauge", "Virtual DAA score reported by kaspad.", s.l1_virtual_daa);
  metric("igra_l2_blocks_committed_total", "counter", "L2 blocks committed.", s.blocks_committed);
  metric("igra_l2_blocks_unwound_total", "counter", "L2 blocks unwound by Kaspa reorgs.", s.blocks_unwound);
  metric("igra_l2_gas_used_total", "counter", "Gas used by committed L2 blocks.", s.gas_used);
  metric("igra_l1_errors_total", "counter", "Failed derivation steps (L1 or database errors).", s.l1_errors);
  metric("igra_synced", "gauge", "1 when derivation has caught up with kaspad.", s.synced ? 1 : 0);
  return out;
}

}  // namespace igra::igra
