// Unit tests for the words every channel shares: headline() ("[DOWN] Daily Backup Job") and
// details() (the report a person reads at 3 am), for each event, with what is known and what
// is not, and without ever showing more of the push URL than its host.
#include <catch2/catch.hpp>

#include "render_support.hpp"

using namespace render_support;

TEST_CASE("events have the lowercase names the webhook document and the outbox use") {
  CHECK(to_string(alert_event::down) == "down");
  CHECK(to_string(alert_event::up) == "up");
  CHECK(to_string(alert_event::reminder) == "reminder");
  CHECK(to_string(alert_event::test) == "test");
}

TEST_CASE("the headline names the event and the monitor") {
  CHECK(headline(down_alert()) == "[DOWN] Daily Backup Job");
  CHECK(headline(up_alert()) == "[UP] Daily Backup Job");
  CHECK(headline(with_event(down_alert(), alert_event::reminder)) ==
        "[REMINDER] Daily Backup Job is still DOWN");
  CHECK(headline(with_event(down_alert(), alert_event::test)) == "[TEST] Daily Backup Job");

  alert nameless;
  nameless.event = alert_event::test;
  CHECK(headline(nameless) == "[TEST] uptime-monitor notification test");
  nameless.event = alert_event::down;
  nameless.monitor_id = 9;
  CHECK(headline(nameless) == "[DOWN] monitor #9");

  alert multiline = down_alert();
  multiline.monitor_name = "Backup\r\nBcc: evil@example.com";
  CHECK(headline(multiline) == "[DOWN] Backup  Bcc: evil@example.com");  // one line, always
}

TEST_CASE("a DOWN report says since when, why, the last push and the push host") {
  CHECK(details(down_alert()) ==
        "Daily Backup Job is DOWN since 2025-01-15 10:30:00 UTC.\n"
        "\n"
        "Monitor: Daily Backup Job (#5)\n"
        "Group: backups\n"
        "State: DOWN (was UP)\n"
        "Reason: no push received by 2025-01-15T10:30:00Z (expected every 24h, grace 1h)\n"
        "Last push: 2025-01-14 09:30:12 UTC\n"
        "Push expected by: 2025-01-15 10:30:00 UTC\n"
        "Push URL host: status.example.com\n");
}

TEST_CASE("an UP report says it is up again, with the job's message and how long the run took") {
  CHECK(details(up_alert()) ==
        "Daily Backup Job is UP again since 2025-01-15 11:02:07 UTC.\n"
        "\n"
        "Monitor: Daily Backup Job (#5)\n"
        "Group: backups\n"
        "State: UP (was DOWN)\n"
        "Message: backup finished: 42 GB\n"
        "Last push: 2025-01-15 11:02:07 UTC\n"
        "Push expected by: 2025-01-16 12:02:07 UTC\n"
        "Run took: 12m 34s\n"
        "Push URL host: status.example.com\n");

  alert first = up_alert();
  first.previous_status = "pending";
  first.duration_seconds = 2.5;
  const std::string text = details(first);
  CHECK(text.starts_with("Daily Backup Job is UP since 2025-01-15 11:02:07 UTC.\n"));
  CHECK(text.find("State: UP (was PENDING)\n") != std::string::npos);
  CHECK(text.find("Run took: 2.5s\n") != std::string::npos);
}

TEST_CASE("a reminder says the monitor is still DOWN and since when") {
  alert r = with_event(down_alert(), alert_event::reminder);
  CHECK(details(r).starts_with("Daily Backup Job is still DOWN, since 2025-01-15 10:30:00 UTC.\n\n"));
}

TEST_CASE("a monitor that never pushed says so, and unknown facts are left out") {
  alert a;
  a.event = alert_event::down;
  a.monitor_id = 3;
  a.monitor_name = "New job";
  a.status = "down";
  a.previous_status = "pending";
  a.occurred_at = at("2025-03-30T01:00:00Z");
  CHECK(details(a) ==
        "New job is DOWN since 2025-03-30 01:00:00 UTC.\n"
        "\n"
        "Monitor: New job (#3)\n"
        "State: DOWN (was PENDING)\n"
        "Last push: none received yet\n");
}

TEST_CASE("a test report says it is a test") {
  alert t;
  t.event = alert_event::test;
  t.occurred_at = at("2025-01-15T10:30:00Z");
  CHECK(details(t) ==
        "This is a test notification from uptime-monitor: if you can read it, this channel works.\n");
}

TEST_CASE("a job's multi-line message is kept on one line in the report") {
  alert a = down_alert();
  a.message = "rsync failed\nexit code 23\ttimeout";
  CHECK(details(a).find("Reason: rsync failed exit code 23 timeout\n") != std::string::npos);
}
