// Unit tests for the modes of the database's files (store/sqlite connection): the database,
// its -wal and -shm, and the folders created for it are their owner's alone whatever the
// umask, because they hold every push key; existing files with wider modes are narrowed when
// a writing connection opens them. Real files under a real umask of 022.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <string>

#include <filesystem>

#include "store/sqlite/connection.hpp"
#include "support/temp_db.hpp"

namespace fs = std::filesystem;
using uptime::store::connection;

namespace {

// The process umask for one test, put back afterwards (the tests run on one thread).
class scoped_umask {
 public:
  explicit scoped_umask(mode_t m) : previous_(::umask(m)) {}
  ~scoped_umask() { ::umask(previous_); }
  scoped_umask(const scoped_umask&) = delete;
  scoped_umask& operator=(const scoped_umask&) = delete;

 private:
  mode_t previous_;
};

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

fs::path with_suffix(const fs::path& file, const char* suffix) { return file.string() + suffix; }

// WAL mode and one write: SQLite then has created the -wal and the -shm.
void write_in_wal_mode(connection& c) {
  c.exec("PRAGMA journal_mode=WAL");
  c.exec("CREATE TABLE IF NOT EXISTS t(x); INSERT INTO t VALUES (1)");
}

}  // namespace

TEST_CASE("a new database, its -wal and its -shm are readable by their owner only under umask 022") {
  const scoped_umask umask_022(022);
  temp_db db;
  connection c(db.file);
  write_in_wal_mode(c);
  CHECK(mode_of(db.file) == 0600);
  CHECK(mode_of(with_suffix(db.file, "-wal")) == 0600);
  CHECK(mode_of(with_suffix(db.file, "-shm")) == 0600);
}

TEST_CASE("missing folders on the way to a new database are created 0700; an existing folder is left alone") {
  const scoped_umask umask_022(022);
  temp_db db;
  ::chmod(db.dir.c_str(), 0755);
  const fs::path file = db.dir / "state" / "data" / "uptime.db";
  connection c(file);
  CHECK(mode_of(db.dir / "state") == 0700);
  CHECK(mode_of(db.dir / "state" / "data") == 0700);
  CHECK(mode_of(db.dir) == 0755);
  CHECK(mode_of(file) == 0600);
}

TEST_CASE("an existing database, -wal and -shm that others could read are narrowed when opened for writing") {
  temp_db db;
  {
    connection first(db.file);
    write_in_wal_mode(first);
    // Left as a crash leaves them: the next open finds a -wal and -shm beside the file.
    for (const char* suffix : {"", "-wal", "-shm"}) ::chmod(with_suffix(db.file, suffix).c_str(), 0644);
    connection again(db.file);
    for (const char* suffix : {"", "-wal", "-shm"}) {
      INFO(suffix);
      CHECK(mode_of(with_suffix(db.file, suffix)) == 0600);
    }
    CHECK(again.query_int("SELECT count(*) FROM t") == 1);
  }
}

TEST_CASE("narrowing keeps the owner's bits and only removes the group's and others'") {
  temp_db db;
  { connection create(db.file); }
  ::chmod(db.file.c_str(), 0664);
  { connection again(db.file); }
  CHECK(mode_of(db.file) == 0600);
  ::chmod(db.file.c_str(), 0400);  // read-only for its owner: stays so, SQLite opens it read-only
  { connection again(db.file); }
  CHECK(mode_of(db.file) == 0400);
  ::chmod(db.file.c_str(), 0600);
}

TEST_CASE("a read-only connection changes no mode") {
  temp_db db;
  {
    connection create(db.file);
    write_in_wal_mode(create);
  }
  ::chmod(db.file.c_str(), 0644);
  connection reader(db.file, connection::mode::read_only);
  CHECK(reader.query_int("SELECT count(*) FROM t") == 1);
  CHECK(mode_of(db.file) == 0644);
}

TEST_CASE("opening another connection keeps the locks the first one holds for other processes") {
  // Closing any descriptor of a file drops all of this process's POSIX locks on it: making
  // the files private must not open and close the database behind SQLite's back.
  temp_db db;
  connection first(db.file);
  write_in_wal_mode(first);
  first.exec("BEGIN IMMEDIATE; INSERT INTO t VALUES (2)");
  { connection second(db.file); }
  // Another process (a fresh one: a forked child would share SQLite's record of this
  // process's locks) may not take the write lock the first connection holds.
  const std::string script =
      "import sqlite3, sys\n"
      "c = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)\n"
      "try:\n"
      "    c.execute('BEGIN IMMEDIATE')\n"
      "except sqlite3.OperationalError:\n"
      "    sys.exit(0)\n"
      "sys.exit(1)\n";
  const std::string command = "/usr/bin/python3 -c \"" + script + "\" '" + db.file.string() + "'";
  const int status = std::system(command.c_str());
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  first.exec("COMMIT");
}
