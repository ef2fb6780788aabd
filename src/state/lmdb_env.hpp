#pragma once
// RAII wrappers over LMDB: the environment (with automatic map growth), read and write transactions and
// cursors. Errors come back as core::Result; nothing throws.
//
// Concurrency: one writer at a time (LMDB serializes write transactions); any number of readers, each on
// its own MVCC snapshot, never blocked by the writer. The only exception is map growth, which LMDB allows
// only while this process has no open transaction: Env::grow_map() waits (up to kGrowWait) for open
// snapshots to close, and fails with a clear error rather than deadlock if they do not. Growth is
// geometric, so it happens a handful of times over the life of a database.
#include <lmdb.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"

namespace igra::state {

// Message prefix of the error returned when a write does not fit in the current map (the caller aborts,
// calls Env::grow_map() and retries).
inline constexpr std::string_view kMapFullMessage = "lmdb: map full";
bool is_map_full(const core::Error& e) noexcept;

// Turns an LMDB return code into an error with a clear message ("disk full" for ENOSPC, ...).
core::Error lmdb_error(int rc, std::string_view what);

class Env;

class Cursor {
 public:
  using Entry = std::pair<core::ByteView, core::ByteView>;
  Cursor() = default;
  explicit Cursor(MDB_cursor* c) noexcept : c_(c) {}
  ~Cursor() { if (c_) mdb_cursor_close(c_); }
  Cursor(Cursor&& o) noexcept : c_(std::exchange(o.c_, nullptr)) {}
  Cursor& operator=(Cursor&& o) noexcept {
    if (this != &o) {
      if (c_) mdb_cursor_close(c_);
      c_ = std::exchange(o.c_, nullptr);
    }
    return *this;
  }

  // First entry with key >= `key`.
  core::Result<std::optional<Entry>> seek(core::ByteView key);
  core::Result<std::optional<Entry>> next();
  core::Result<std::optional<Entry>> prev();
  core::Result<std::optional<Entry>> first();
  core::Result<std::optional<Entry>> last();
  // The entry with exactly this key (the cursor is left on it), or nullopt.
  core::Result<std::optional<Entry>> find(core::ByteView key);
  // Write transaction's cursor only: inserts or replaces key (the cursor is left on it); replaces the value
  // of the entry under the cursor, whose key must be `key` (no second search of the tree); deletes the entry
  // under the cursor.
  core::Result<void> put(core::ByteView key, core::ByteView value);
  core::Result<void> put_current(core::ByteView key, core::ByteView value);
  core::Result<void> erase();

 private:
  core::Result<std::optional<Entry>> move(MDB_cursor_op op, core::ByteView key = {});
  MDB_cursor* c_ = nullptr;
};

class Txn {
 public:
  Txn() = default;
  ~Txn() { abort(); }
  Txn(Txn&& o) noexcept
      : env_(std::exchange(o.env_, nullptr)), txn_(std::exchange(o.txn_, nullptr)), lock_(std::move(o.lock_)) {}
  Txn& operator=(Txn&& o) noexcept {
    if (this != &o) {
      abort();
      env_ = std::exchange(o.env_, nullptr);
      txn_ = std::exchange(o.txn_, nullptr);
      lock_ = std::move(o.lock_);
    }
    return *this;
  }

  bool is_open() const noexcept { return txn_ != nullptr; }
  // Value under key in table, or nullopt. The view is valid until the transaction ends (or, in a write
  // transaction, until the next write).
  core::Result<std::optional<core::ByteView>> get(std::string_view table, core::ByteView key);
  core::Result<void> put(std::string_view table, core::ByteView key, core::ByteView value);
  // put() for a key that is normally above every key of the table (block-numbered rows written in key
  // order): appended without a search, onto pages filled completely; falls back to put() otherwise.
  core::Result<void> append(std::string_view table, core::ByteView key, core::ByteView value);
  // Returns whether the key existed.
  core::Result<bool> erase(std::string_view table, core::ByteView key);
  // Deletes every key starting with prefix; returns the number deleted.
  core::Result<std::size_t> erase_prefix(std::string_view table, core::ByteView prefix);
  // Deletes every row of the table (its pages go back to the free list at once).
  core::Result<void> clear(std::string_view table);
  core::Result<Cursor> cursor(std::string_view table);
  // Makes the transaction durable (write) or ends it (read). The transaction is closed either way.
  core::Result<void> commit();
  void abort() noexcept;

 private:
  friend class Env;
  core::Result<MDB_dbi> dbi(std::string_view table) const;
  Env* env_ = nullptr;
  MDB_txn* txn_ = nullptr;
  std::shared_lock<std::shared_timed_mutex> lock_;
};

struct EnvOptions {
  std::string path;                               // a directory (created if missing)
  std::size_t initial_map_size = 256ull << 20;    // bytes; rounded to a page multiple by LMDB
  std::size_t max_map_size = 1ull << 40;          // growth stops here with a clear error
  // fsync on every commit. Off only for tests and benchmarks that do not measure durability: with it
  // off a power loss (not a process crash) may lose the newest commits, never corrupt older ones.
  bool sync = true;
  unsigned max_readers = 256;
  // The named tables to open (created if missing); empty: the state database's (tables.hpp kAllTables). The
  // views must outlive the Env (string literals).
  std::vector<std::string_view> tables;
};

class Env {
 public:
  static core::Result<std::unique_ptr<Env>> open(const EnvOptions& options);
  ~Env();
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  core::Result<Txn> begin_read();
  core::Result<Txn> begin_write();
  static constexpr std::chrono::seconds kGrowWait{30};
  // Doubles the map size (up to max_map_size). Call with no transaction of this thread open.
  core::Result<void> grow_map();
  std::size_t map_size() const noexcept { return map_size_; }
  // Size of the data file in bytes, and the bytes in use (last used page + 1, times the page size).
  std::size_t file_size() const;
  std::size_t used_bytes() const;
  const EnvOptions& options() const noexcept { return options_; }
  core::Result<MDB_dbi> dbi(std::string_view table) const;

 private:
  Env() = default;
  core::Result<Txn> begin(bool write);
  MDB_env* env_ = nullptr;
  EnvOptions options_;
  std::size_t map_size_ = 0;
  std::vector<std::pair<std::string_view, MDB_dbi>> dbis_;
  // Shared by every open transaction; grow_map takes it exclusively (LMDB's rule for mdb_env_set_mapsize).
  std::shared_timed_mutex resize_mutex_;
};

}  // namespace igra::state
