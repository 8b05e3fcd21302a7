"""The database holds every push key: the real server, started under the common umask 022,
creates uptime.db, its -wal and -shm readable by their owner only, and its data folder
private; a database left readable by others by an older version is narrowed at start."""

import os
import socket
import stat
import unittest

from harness import ServerTestCase, make_config, push_monitor, run_cli

CONFIG = make_config([push_monitor("Nightly backup", "1h")])


class DatabaseFilesTest(ServerTestCase):
    def setUp(self):
        # The server inherits the umask of the process that starts it.
        previous = os.umask(0o022)
        self.addCleanup(os.umask, previous)

    def mode(self, path):
        return stat.S_IMODE(os.stat(path).st_mode)

    def assertOwnerOnly(self, path):
        self.assertEqual(self.mode(path) & 0o077, 0,
                         f"{os.path.basename(path)} has mode {self.mode(path):04o}")

    def test_the_database_its_wal_and_shm_are_readable_by_their_owner_only(self):
        s = self.start_server(CONFIG)
        self.assertPushOk(s.push("Nightly backup"))
        for suffix in ["", "-wal", "-shm"]:
            with self.subTest(file="uptime.db" + suffix):
                self.assertTrue(os.path.exists(s.db_path + suffix))
                self.assertOwnerOnly(s.db_path + suffix)
        self.assertEqual(self.mode(os.path.dirname(s.db_path)), 0o700)

    def test_an_existing_folder_keeps_its_mode(self):
        s = self.start_server(CONFIG, start=False)
        data = os.path.dirname(s.db_path)
        os.mkdir(data, 0o755)
        os.chmod(data, 0o755)
        s.start()
        self.assertPushOk(s.push("Nightly backup"))
        self.assertEqual(self.mode(data), 0o755)
        self.assertOwnerOnly(s.db_path)

    def test_a_database_others_could_read_is_narrowed_at_start_and_says_so_without_secrets(self):
        s = self.start_server(CONFIG)
        self.assertPushOk(s.push("Nightly backup"))
        key = s.secret_key("Nightly backup")
        s.stop()
        for suffix in ["", "-wal", "-shm"]:
            if os.path.exists(s.db_path + suffix):
                os.chmod(s.db_path + suffix, 0o644)
        s.start()
        self.assertPushOk(s.push("Nightly backup"))
        for suffix in ["", "-wal", "-shm"]:
            with self.subTest(file="uptime.db" + suffix):
                self.assertOwnerOnly(s.db_path + suffix)
        log = s.run_log()
        self.assertIn("uptime.db was readable by other users (mode 0644); restricted to its owner (0600)", log)
        before_init = log[:log.index("Push monitor initialized")]
        self.assertNotIn(key, before_init)




class PortInUseTest(ServerTestCase):
    def test_serve_on_a_port_in_use_exits_1_and_creates_no_database(self):
        """`serve` opens its listening socket before the database: a port already taken is
        refused with nothing left behind (no data folder, no uptime.db)."""
        taken = socket.socket()
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        self.addCleanup(taken.close)
        port = taken.getsockname()[1]
        s = self.start_server(make_config([push_monitor("Nightly backup", "1h")],
                                          server={"host": "127.0.0.1", "port": port}), start=False)
        r = run_cli("serve", "--config", s.config_path, timeout=20)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("Cannot listen on 127.0.0.1:%d" % port, r.stdout + r.stderr)
        self.assertFalse(os.path.exists(os.path.dirname(s.db_path)), "a data folder was created")


if __name__ == "__main__":
    unittest.main()
