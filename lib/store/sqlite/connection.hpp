// A thin RAII layer over the SQLite C API: a connection, prepared statements with typed
// bind/column, and sqlite_error carrying SQLite's message. No schema knowledge here.
// A connection is used by one thread at a time (the writer thread, or a CLI command).
// A connection that may create the database also keeps it private: the file, its -wal and
// -shm, and any folder it creates are its owner's alone (they hold every push key).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace uptime::store {

class sqlite_error : public std::runtime_error {
 public:
  sqlite_error(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const noexcept { return code_; }

 private:
  int code_;
};

class statement {
 public:
  statement(sqlite3* db, std::string_view sql);
  ~statement();
  statement(statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  statement& operator=(statement&&) = delete;

  // Binding is 1-based, like SQLite's. Returns *this so binds chain.
  statement& bind(int i, std::int64_t v);
  statement& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  statement& bind(int i, std::string_view v);  // copied (SQLITE_TRANSIENT)
  // Not copied (SQLITE_STATIC): `v` must stay alive and unchanged until the statement has
  // run. For the writer's per-push statements, where the copy was a tenth of the insert.
  statement& bind_view(int i, std::string_view v);
  statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  statement& bind_null(int i);
  template <typename T>
  statement& bind(int i, const std::optional<T>& v) {
    return v ? bind(i, *v) : bind_null(i);
  }

  bool step();  // true while a row is available; throws on error
  void run();   // steps to completion, then resets for reuse
  void reset(); // resets and clears bindings

  bool is_null(int col) const;
  std::int64_t int64(int col) const;
  std::string text(int col) const;  // "" for NULL
  std::optional<std::string> optional_text(int col) const;
  int changes() const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class connection {
 public:
  enum class mode { read_write_create, read_only };
  // read_write_create: missing folders on the way to `file` are created with mode 0700, the
  // file with 0600 whatever the umask (SQLite gives the -wal and -shm it creates the mode of
  // the database file), and an existing file, -wal or -shm that others may read is narrowed
  // to its owner (with one warning naming the file, never its contents).
  explicit connection(const std::filesystem::path& file, mode m = mode::read_write_create);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  void exec(std::string_view sql);  // one or more statements, no results
  statement prepare(std::string_view sql) { return statement(db_, sql); }
  // A statement prepared once per connection and reused (reset before it is handed out).
  statement& cached(const char* sql);

  std::int64_t query_int(std::string_view sql);  // first column of the first row
  std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
  sqlite3* handle() const noexcept { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<const char*, statement> cache_;
};

// BEGIN IMMEDIATE … COMMIT, rolled back by the destructor unless commit() ran.
class transaction {
 public:
  // BEGIN and COMMIT are prepared once per connection (the writer runs thousands a second).
  explicit transaction(connection& c) : c_(c) { c_.cached("BEGIN IMMEDIATE").run(); }
  ~transaction();
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  void commit() {
    c_.cached("COMMIT").run();
    done_ = true;
  }

 private:
  connection& c_;
  bool done_ = false;
};

}  // namespace uptime::store
