#include "state/lmdb_env.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "state/tables.hpp"

namespace igra::state {

namespace {

MDB_val to_val(core::ByteView v) noexcept {
  return MDB_val{v.size(), const_cast<std::uint8_t*>(v.data())};
}
core::ByteView from_val(const MDB_val& v) noexcept {
  return core::ByteView(static_cast<const std::uint8_t*>(v.mv_data), v.mv_size);
}

}  // namespace

bool is_map_full(const core::Error& e) noexcept { return e.message.rfind(kMapFullMessage, 0) == 0; }

core::Error lmdb_error(int rc, std::string_view what) {
  switch (rc) {
    case MDB_MAP_FULL:
      return core::make_error(core::ErrorCode::kOutOfRange, std::string(kMapFullMessage) + " (" + std::string(what) + ")");
    case MDB_TXN_FULL:
      // LMDB caps the pages one write transaction may dirty (about 512 MiB without MDB_WRITEMAP).
      return core::make_error(core::ErrorCode::kOutOfRange, "lmdb: transaction too large (MDB_TXN_FULL) during " +
                                                                std::string(what) +
                                                                "; the transaction was rolled back, nothing was written");
    case ENOSPC:
      return core::make_error(core::ErrorCode::kIo, "lmdb: disk full (ENOSPC) during " + std::string(what) +
                                                        "; the transaction was rolled back, nothing was written");
    case EFBIG:
      return core::make_error(core::ErrorCode::kIo, "lmdb: file size limit reached (EFBIG) during " +
                                                        std::string(what) +
                                                        "; the transaction was rolled back, nothing was written");
    case EIO:
      // LMDB reports a short write (what a full disk usually produces) as EIO.
      return core::make_error(core::ErrorCode::kIo, "lmdb: write failed (EIO) during " + std::string(what) +
                                                        ": disk full or failing; the transaction was rolled back, "
                                                        "nothing was written");
    default:
      return core::make_error(core::ErrorCode::kIo, "lmdb: " + std::string(what) + ": " + mdb_strerror(rc));
  }
}

// ---------------------------------------------------------------------------------------------------------

core::Result<std::optional<Cursor::Entry>> Cursor::move(MDB_cursor_op op, core::ByteView key) {
  MDB_val k = to_val(key), v{};
  const int rc = mdb_cursor_get(c_, &k, &v, op);
  if (rc == MDB_NOTFOUND) return std::optional<Entry>();
  if (rc != 0) return lmdb_error(rc, "cursor get");
  return std::optional<Entry>(Entry{from_val(k), from_val(v)});
}
core::Result<std::optional<Cursor::Entry>> Cursor::seek(core::ByteView key) {
  // LMDB rejects an empty key; every key is >= the empty key anyway.
  return key.empty() ? move(MDB_FIRST) : move(MDB_SET_RANGE, key);
}
core::Result<std::optional<Cursor::Entry>> Cursor::next() { return move(MDB_NEXT); }
core::Result<std::optional<Cursor::Entry>> Cursor::prev() { return move(MDB_PREV); }
core::Result<std::optional<Cursor::Entry>> Cursor::first() { return move(MDB_FIRST); }
core::Result<std::optional<Cursor::Entry>> Cursor::last() { return move(MDB_LAST); }
core::Result<std::optional<Cursor::Entry>> Cursor::find(core::ByteView key) { return move(MDB_SET_KEY, key); }
core::Result<void> Cursor::put(core::ByteView key, core::ByteView value) {
  MDB_val k = to_val(key), v = to_val(value);
  const int rc = mdb_cursor_put(c_, &k, &v, 0);
  if (rc != 0) return lmdb_error(rc, "cursor put");
  return {};
}
core::Result<void> Cursor::put_current(core::ByteView key, core::ByteView value) {
  MDB_val k = to_val(key), v = to_val(value);
  const int rc = mdb_cursor_put(c_, &k, &v, MDB_CURRENT);
  if (rc != 0) return lmdb_error(rc, "cursor put");
  return {};
}
core::Result<void> Cursor::erase() {
  const int rc = mdb_cursor_del(c_, 0);
  if (rc != 0) return lmdb_error(rc, "cursor delete");
  return {};
}

// ---------------------------------------------------------------------------------------------------------

core::Result<MDB_dbi> Txn::dbi(std::string_view table) const { return env_->dbi(table); }

core::Result<std::optional<core::ByteView>> Txn::get(std::string_view table, core::ByteView key) {
  IGRA_TRY(MDB_dbi d, dbi(table));
  MDB_val k = to_val(key), v{};
  const int rc = mdb_get(txn_, d, &k, &v);
  if (rc == MDB_NOTFOUND) return std::optional<core::ByteView>();
  if (rc != 0) return lmdb_error(rc, "get from " + std::string(table));
  return std::optional<core::ByteView>(from_val(v));
}

core::Result<void> Txn::put(std::string_view table, core::ByteView key, core::ByteView value) {
  IGRA_TRY(MDB_dbi d, dbi(table));
  MDB_val k = to_val(key), v = to_val(value);
  const int rc = mdb_put(txn_, d, &k, &v, 0);
  if (rc != 0) return lmdb_error(rc, "put into " + std::string(table));
  return {};
}

core::Result<void> Txn::append(std::string_view table, core::ByteView key, core::ByteView value) {
  IGRA_TRY(MDB_dbi d, dbi(table));
  MDB_val k = to_val(key), v = to_val(value);
  int rc = mdb_put(txn_, d, &k, &v, MDB_APPEND);
  if (rc == MDB_KEYEXIST) {  // not above the last key: an ordinary insert
    k = to_val(key);
    v = to_val(value);
    rc = mdb_put(txn_, d, &k, &v, 0);
  }
  if (rc != 0) return lmdb_error(rc, "append to " + std::string(table));
  return {};
}

core::Result<bool> Txn::erase(std::string_view table, core::ByteView key) {
  IGRA_TRY(MDB_dbi d, dbi(table));
  MDB_val k = to_val(key);
  const int rc = mdb_del(txn_, d, &k, nullptr);
  if (rc == MDB_NOTFOUND) return false;
  if (rc != 0) return lmdb_error(rc, "delete from " + std::string(table));
  return true;
}

core::Result<std::size_t> Txn::erase_prefix(std::string_view table, core::ByteView prefix) {
  IGRA_TRY(auto c, cursor(table));
  std::size_t n = 0;
  IGRA_TRY(auto e, c.seek(prefix));
  while (e && e->first.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), e->first.begin())) {
    IGRA_TRY_VOID(c.erase());
    ++n;
    // Re-seek after the delete (simple and always valid; LMDB's cursor position after a delete is subtle).
    IGRA_TRY(e, c.seek(prefix));
  }
  return n;
}

core::Result<void> Txn::clear(std::string_view table) {
  IGRA_TRY(MDB_dbi d, dbi(table));
  const int rc = mdb_drop(txn_, d, 0);
  if (rc != 0) return lmdb_error(rc, "clear " + std::string(table));
  return {};
}

core::Result<Cursor> Txn::cursor(std::string_view table) {
  IGRA_TRY(MDB_dbi d, dbi(table));
  MDB_cursor* c = nullptr;
  const int rc = mdb_cursor_open(txn_, d, &c);
  if (rc != 0) return lmdb_error(rc, "cursor open on " + std::string(table));
  return Cursor(c);
}

core::Result<void> Txn::commit() {
  if (!txn_) return core::make_error(core::ErrorCode::kInternal, "lmdb: commit of a closed transaction");
  const int rc = mdb_txn_commit(txn_);  // frees the transaction whatever the outcome
  txn_ = nullptr;
  if (lock_.owns_lock()) lock_.unlock();
  if (rc != 0) return lmdb_error(rc, "commit");
  return {};
}

void Txn::abort() noexcept {
  if (txn_) mdb_txn_abort(txn_);
  txn_ = nullptr;
  if (lock_.owns_lock()) lock_.unlock();
}

// ---------------------------------------------------------------------------------------------------------

core::Result<std::unique_ptr<Env>> Env::open(const EnvOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.path, ec);
  if (ec) return core::make_error(core::ErrorCode::kIo, "state db: cannot create " + options.path + ": " + ec.message());
  std::unique_ptr<Env> env(new Env());
  env->options_ = options;
  int rc = mdb_env_create(&env->env_);
  if (rc != 0) return lmdb_error(rc, "env create");
  std::vector<std::string_view> names = options.tables;
  if (names.empty()) names.assign(tables::kAllTables.begin(), tables::kAllTables.end());
  mdb_env_set_maxdbs(env->env_, static_cast<MDB_dbi>(names.size() + 4));
  mdb_env_set_maxreaders(env->env_, options.max_readers);
  // A database that another run already grew keeps its size: take the larger of the two.
  std::size_t size = options.initial_map_size;
  const std::size_t existing = static_cast<std::size_t>(std::filesystem::file_size(options.path + "/data.mdb", ec));
  if (!ec && existing > size) size = existing;
  rc = mdb_env_set_mapsize(env->env_, size);
  if (rc != 0) return lmdb_error(rc, "set map size");
  // MDB_NOTLS: read transactions are not tied to a thread (RPC handlers may hand snapshots around).
  // No MDB_WRITEMAP: with it a full disk surfaces as SIGBUS instead of an error from commit.
  unsigned flags = MDB_NOTLS;
  if (!options.sync) flags |= MDB_NOSYNC;
  rc = mdb_env_open(env->env_, options.path.c_str(), flags, 0644);
  if (rc != 0) return lmdb_error(rc, "open " + options.path);
  MDB_envinfo info{};
  mdb_env_info(env->env_, &info);
  env->map_size_ = info.me_mapsize;

  MDB_txn* txn = nullptr;
  rc = mdb_txn_begin(env->env_, nullptr, 0, &txn);
  if (rc != 0) return lmdb_error(rc, "begin (open tables)");
  for (auto name : names) {
    MDB_dbi d = 0;
    rc = mdb_dbi_open(txn, std::string(name).c_str(), MDB_CREATE, &d);
    if (rc != 0) {
      mdb_txn_abort(txn);
      return lmdb_error(rc, "open table " + std::string(name));
    }
    env->dbis_.emplace_back(name, d);
  }
  rc = mdb_txn_commit(txn);
  if (rc != 0) return lmdb_error(rc, "commit (open tables)");
  return env;
}

Env::~Env() {
  if (env_) mdb_env_close(env_);
}

core::Result<MDB_dbi> Env::dbi(std::string_view table) const {
  // Table names are the constants of tables.hpp: compare addresses first (the usual case), text second.
  for (const auto& [name, d] : dbis_)
    if (name.data() == table.data()) return d;
  for (const auto& [name, d] : dbis_)
    if (name == table) return d;
  return core::make_error(core::ErrorCode::kInternal, "state db: unknown table " + std::string(table));
}

core::Result<Txn> Env::begin(bool write) {
  Txn t;
  t.env_ = this;
  t.lock_ = std::shared_lock<std::shared_timed_mutex>(resize_mutex_);
  for (int attempt = 0; attempt < 2; ++attempt) {
    const int rc = mdb_txn_begin(env_, nullptr, write ? 0 : MDB_RDONLY, &t.txn_);
    if (rc == 0) return t;
    if (rc == MDB_MAP_RESIZED && attempt == 0) {
      // Another process grew the map: adopt its size (allowed: this process holds no transaction... except
      // other threads' readers, which resize_mutex_ excludes once we hold it exclusively).
      t.lock_.unlock();
      {
        std::unique_lock<std::shared_timed_mutex> excl(resize_mutex_);
        mdb_env_set_mapsize(env_, 0);
        MDB_envinfo info{};
        mdb_env_info(env_, &info);
        map_size_ = info.me_mapsize;
      }
      t.lock_ = std::shared_lock<std::shared_timed_mutex>(resize_mutex_);
      continue;
    }
    t.txn_ = nullptr;
    return lmdb_error(rc, write ? "begin write" : "begin read");
  }
  return core::make_error(core::ErrorCode::kIo, "lmdb: cannot begin a transaction");
}

core::Result<Txn> Env::begin_read() { return begin(false); }
core::Result<Txn> Env::begin_write() { return begin(true); }

core::Result<void> Env::grow_map() {
  std::unique_lock<std::shared_timed_mutex> excl(resize_mutex_, std::defer_lock);
  if (!excl.try_lock_for(kGrowWait))
    return core::make_error(core::ErrorCode::kIo, "state db: the map is full and cannot grow while read snapshots "
                                                  "stay open (waited " + std::to_string(kGrowWait.count()) + " s)");
  if (map_size_ >= options_.max_map_size)
    return core::make_error(core::ErrorCode::kOutOfRange,
                            "state db: map size limit of " + std::to_string(options_.max_map_size) + " bytes reached");
  const std::size_t next = std::min(options_.max_map_size, std::max<std::size_t>(map_size_ * 2, map_size_ + (std::size_t{64} << 20)));
  const int rc = mdb_env_set_mapsize(env_, next);
  if (rc != 0) return lmdb_error(rc, "grow map");
  MDB_envinfo info{};
  mdb_env_info(env_, &info);
  map_size_ = info.me_mapsize;
  return {};
}

std::size_t Env::file_size() const {
  std::error_code ec;
  const auto n = std::filesystem::file_size(options_.path + "/data.mdb", ec);
  return ec ? 0 : static_cast<std::size_t>(n);
}

std::size_t Env::used_bytes() const {
  MDB_envinfo info{};
  MDB_stat st{};
  mdb_env_info(env_, &info);
  mdb_env_stat(env_, &st);
  return static_cast<std::size_t>(info.me_last_pgno + 1) * st.ms_psize;
}

}  // namespace igra::state
