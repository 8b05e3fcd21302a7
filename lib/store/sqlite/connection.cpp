// The SQLite RAII layer (see sqlite.hpp).
#include "store/sqlite/connection.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <system_error>

namespace uptime::store {

namespace {
[[noreturn]] void fail(sqlite3* db, int rc, std::string_view context) {
  std::string what(context);
  what += ": ";
  what += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw sqlite_error(rc, what);
}
}  // namespace

statement::statement(sqlite3* db, std::string_view sql) : db_(db) {
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) fail(db, rc, "prepare");
}

statement::~statement() { sqlite3_finalize(stmt_); }

statement& statement::bind(int i, std::int64_t v) {
  if (int rc = sqlite3_bind_int64(stmt_, i, v); rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}

statement& statement::bind(int i, std::string_view v) {
  if (int rc = sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      rc != SQLITE_OK)
    fail(db_, rc, "bind");
  return *this;
}

statement& statement::bind_view(int i, std::string_view v) {
  if (int rc = sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8);
      rc != SQLITE_OK)
    fail(db_, rc, "bind");
  return *this;
}

statement& statement::bind_null(int i) {
  if (int rc = sqlite3_bind_null(stmt_, i); rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}

bool statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(stmt_);
  fail(db_, rc, "step");
}

void statement::run() {
  while (step()) {
  }
  sqlite3_reset(stmt_);
}

void statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
std::int64_t statement::int64(int col) const { return sqlite3_column_int64(stmt_, col); }
std::string statement::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
           : std::string();
}
std::optional<std::string> statement::optional_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}
int statement::changes() const { return sqlite3_changes(db_); }

namespace {
// Before SQLite's first use: no global allocation statistics (nothing here reads them), so
// an allocation inside SQLite takes no process-wide mutex.
void configure_library_once() {
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
}
}  // namespace

namespace {

constexpr mode_t private_file_mode = 0600;
constexpr mode_t private_folder_mode = 0700;

// Creates the missing folders on the way to `folder`, each 0700 (mkdir applies the umask, which
// can only narrow it). Existing folders are left as they are: their owner chose their mode.
void create_private_folders(const std::filesystem::path& folder) {
  if (folder.empty()) return;
  std::error_code ec;
  if (std::filesystem::exists(folder, ec)) return;
  create_private_folders(folder.parent_path() == folder ? std::filesystem::path() : folder.parent_path());
  if (::mkdir(folder.c_str(), private_folder_mode) != 0 && errno != EEXIST) {
    throw sqlite_error(SQLITE_CANTOPEN, "cannot create the folder " + folder.string() + ": " +
                                            std::generic_category().message(errno));
  }
}

// Takes the group and other bits off `file`'s mode if it has any; says so once. A file we do
// not own (chmod refused) is left as it is, with a warning: its owner has to do it. By path,
// never through a descriptor of our own: closing any descriptor of a file drops every POSIX
// lock this process holds on it, the locks of SQLite's other connections included.
void narrow_to_owner(const std::filesystem::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0 || (st.st_mode & 077) == 0) return;
  const mode_t was = st.st_mode & 07777;
  if (::chmod(file.c_str(), was & ~mode_t{077}) == 0) {
    spdlog::warn("{} was readable by other users (mode {:04o}); restricted to its owner ({:04o})",
                 file.string(), was, was & ~mode_t{077});
  } else {
    spdlog::warn("{} is readable by other users (mode {:04o}) and cannot be restricted: {}", file.string(),
                 was, std::generic_category().message(errno));
  }
}

// Before SQLite opens `file`: it exists, private. SQLite would create it with 0644 less the
// umask (and the -wal and -shm after it with the same mode), so a missing file is created
// here first, empty, which SQLite takes for a new database. A file, -wal or -shm left by an
// earlier run with a wider mode is narrowed (SQLite reuses them as they are).
void prepare_private_files(const std::filesystem::path& file) {
  create_private_folders(file.parent_path());
  // O_EXCL: only a file this call creates is opened (and closed) here; see narrow_to_owner.
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, private_file_mode);
  if (fd >= 0) ::close(fd);  // on failure (it exists, or cannot be made) SQLite's open decides
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) narrow_to_owner(file.string() + suffix);
}

}  // namespace

connection::connection(const std::filesystem::path& file, mode m) {
  configure_library_once();
  if (m == mode::read_write_create) prepare_private_files(file);
  const int flags = m == mode::read_only ? SQLITE_OPEN_READONLY
                                         : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(file.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string what = "cannot open " + file.string() + ": " +
                       (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    sqlite3_close(db_);
    db_ = nullptr;
    throw sqlite_error(rc, what);
  }
  sqlite3_extended_result_codes(db_, 1);
}

connection::~connection() {
  cache_.clear();
  sqlite3_close(db_);
}

void connection::exec(std::string_view sql) {
  std::string copy(sql);
  char* msg = nullptr;
  const int rc = sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &msg);
  if (rc != SQLITE_OK) {
    std::string what = msg ? msg : sqlite3_errstr(rc);
    sqlite3_free(msg);
    throw sqlite_error(rc, what);
  }
}

statement& connection::cached(const char* sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) it = cache_.emplace(sql, statement(db_, sql)).first;
  it->second.reset();
  return it->second;
}

std::int64_t connection::query_int(std::string_view sql) {
  statement s(db_, sql);
  return s.step() ? s.int64(0) : 0;
}

transaction::~transaction() {
  if (!done_) {
    try {
      c_.exec("ROLLBACK");
    } catch (const sqlite_error&) {
      // Already rolled back by SQLite (e.g. after an I/O error): nothing left to undo.
    }
  }
}

}  // namespace uptime::store
