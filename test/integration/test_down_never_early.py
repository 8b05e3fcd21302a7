"""A DOWN never comes before expected_interval + grace_period has passed since the push, as
the client measures it, whatever the push's offset inside its second (issue 13: the push's
instant was cut to whole seconds, so a monitor could go DOWN up to a second early). The answer
still shows whole seconds: next_expected_by is the push + interval + grace rounded up to the
second, and that is also when the DOWN comes."""

import random
import time
import unittest

from harness import ServerTestCase, make_config, parse_iso, push_monitor

INTERVAL, GRACE = 1, 1  # seconds


def first_down_poll(server, monitor_id, give_up_after):
    """Polls state_changes every 20 ms for an up->down row; returns the wall time at the end of
    the first poll that saw it: the DOWN had been decided and written by then."""
    end = time.monotonic() + give_up_after
    while True:
        found = server.query("SELECT 1 FROM state_changes WHERE monitor_id = ? AND "
                             "from_status = 'up' AND to_status = 'down'", (monitor_id,))
        t_after = time.time()
        if found:
            return t_after
        if time.monotonic() > end:
            raise AssertionError(f"monitor {monitor_id} did not go DOWN within {give_up_after}s")
        time.sleep(0.02)


class DownNeverEarlyTest(ServerTestCase):
    def test_no_down_before_interval_plus_grace_after_pushes_at_random_sub_second_offsets(self):
        rng = random.Random()
        names = [f"Job {i}" for i in range(4)]
        s = self.start_server(make_config([push_monitor(n, f"{INTERVAL}s", f"{GRACE}s")
                                           for n in names]))
        for name in names:
            with self.subTest(name=name):
                mid = s.monitor_id(name)
                # A push at a random point of a second (late ones were the early DOWNs).
                time.sleep(rng.random())
                sent = time.time()
                body = self.assertPushOk(s.push(name), mid)
                self.assertDeadlineIn(body, INTERVAL + GRACE)
                seen = first_down_poll(s, mid, give_up_after=10)
                # The DOWN was written before `seen`: had it come before the push + 2 s, a poll
                # ending before then would have seen it.
                self.assertGreaterEqual(seen, sent + INTERVAL + GRACE,
                                        f"DOWN seen {sent + INTERVAL + GRACE - seen:.3f}s early "
                                        f"(push sent {sent % 1:.3f}s into its second)")
                # And it is on time: within a second (generous for a loaded machine).
                self.assertLessEqual(seen, sent + INTERVAL + GRACE + 1.0,
                                     f"DOWN only seen {seen - sent - INTERVAL - GRACE:.3f}s late")

    def test_a_push_late_in_its_second_is_up_just_before_its_deadline(self):
        s = self.start_server(make_config([push_monitor("Late", f"{INTERVAL}s", f"{GRACE}s")]))
        mid = s.monitor_id("Late")
        # Send the push about 0.85 s into a second: a deadline cut to the whole second would
        # come 0.85 s early.
        now = time.time()
        time.sleep((0.85 - now % 1) % 1)
        sent = time.time()
        self.assertPushOk(s.push("Late"), mid)
        # 0.3 s before the deadline as the client counts it (the server's is later still).
        time.sleep(max(0.0, sent + INTERVAL + GRACE - 0.3 - time.time()))
        self.assertEqual(s.status_of("Late"), "up")
        first_down_poll(s, mid, give_up_after=10)


if __name__ == "__main__":
    unittest.main()
