// The configuration schema: which keys exist where, their defaults and limits, and the rules
// that span several places (unique monitor names, channel references, expected_interval
// resolution). The API's settings (api_keys, cors_origins, metrics) are read in
// detail/api_access and maintenance windows in detail/maintenance_section. Parsing YAML into a compact tree is in detail/tree, walking it and reading
// typed values in detail/reader, and the fields of each notification channel type are in
// core/channel_schema (shared with the renderers); this file only says what a valid config is.
// Loading never stops at the first problem: every error is collected and reported in file
// order, and a config is returned only when there are none.
#include "config/config.hpp"

#include <boost/asio/ip/address.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <set>
#include <system_error>
#include <variant>

#include "config/detail/api_access.hpp"
#include "config/detail/kinds.hpp"
#include "config/detail/maintenance_section.hpp"
#include "config/detail/reader.hpp"
#include "core/channel_schema.hpp"
#include "core/duration.hpp"
#include "core/url.hpp"

namespace uptime::config {
namespace {

namespace fs = std::filesystem;
using detail::entry;
using detail::join;
using detail::reader;

constexpr std::string_view root_keys[] = {"server",        "database", "default_interval", "notify_retry_hours",
                                          "notifications", "monitors", "api_keys",         "metrics",
                                          "maintenance"};
constexpr std::string_view server_keys[] = {"host",          "port",           "base_url",
                                            "max_body_bytes", "max_connections", "header_timeout",
                                            "idle_timeout",  "cors_origins"};
constexpr std::string_view database_keys[] = {
    "path", "retention_days", "max_check_results", "push_history_per_monitor", "busy_timeout", "synchronous"};
constexpr std::string_view monitor_keys[] = {"name",     "type",   "enabled",       "group",
                                             "interval", "config", "notifications", "alert_on"};

constexpr std::uint64_t max_body_limit = std::uint64_t{1} << 30;  // 1GiB: bodies are held in memory
constexpr std::int64_t max_connections_limit = 1'000'000;
constexpr std::int64_t int_max = std::numeric_limits<int>::max();
// A year: an undelivered alert is not worth retrying longer, and hours * 3600 stays far from
// overflowing any integer type the dispatcher may use.
constexpr std::int64_t max_notify_retry_hours = 24 * 366;
// SQLite takes the busy timeout as an int of milliseconds; an hour is already far too long to
// hold the writer.
constexpr std::chrono::seconds max_busy_timeout{3600};
constexpr std::string_view default_database_path = "data/uptime.db";

// "https://status.example.com/" -> "https://status.example.com"; nullopt if not an absolute
// http(s) URL (core/url.hpp). Query strings and fragments are refused: push URLs are appended
// to the base.
std::optional<std::string> normalize_base_url(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  const auto parsed = core::parse_http_url(url);
  if (!parsed || parsed->has_query_or_fragment) return std::nullopt;
  return url;
}

class parser {
 public:
  parser(reader& r, config& c, fs::path folder) : r_(r), c_(c), folder_(std::move(folder)) {
    c_.database.path = resolve(fs::path(default_database_path));
  }

  void root(const entry& e) {
    if (!e.empty() && !e.is_mapping()) {
      r_.error(e, fmt::format("the top level must be a mapping with keys such as {}; got {}",
                              fmt::join(root_keys, ", "), e.is_list() ? "a list" : "text"));
      return;
    }
    const std::vector<entry> fields = r_.mapping(e, root_keys);
    // Order matters: monitors refer to channels and to default_interval, wherever they are in
    // the file. Errors are sorted by position afterwards, so this order does not show.
    for (const entry& f : fields) {
      if (f.key == "server") {
        server(f);
      } else if (f.key == "database") {
        database(f);
      } else if (f.key == "default_interval") {
        if (auto d = r_.duration(f, false)) c_.default_interval = *d;
      } else if (f.key == "notify_retry_hours") {
        if (auto v = r_.integer(f, 1, max_notify_retry_hours)) c_.notify_retry_hours = static_cast<int>(*v);
      } else if (f.key == "api_keys") {
        detail::parse_api_keys(r_, f, c_.api_keys);
      } else if (f.key == "metrics") {
        detail::parse_metrics(r_, f, c_);
      }
    }
    for (const entry& f : fields) {
      if (f.key == "notifications") notifications(f);
    }
    for (const entry& f : fields) {
      if (f.key == "monitors") monitors(f);
    }
    // Windows name monitors and groups.
    for (const entry& f : fields) {
      if (f.key == "maintenance") detail::parse_maintenance(r_, f, c_.monitors, c_.maintenance);
    }
  }

 private:
  fs::path resolve(const fs::path& p) const { return (p.is_absolute() ? p : folder_ / p).lexically_normal(); }

  void server(const entry& e) {
    server_settings& s = c_.server;
    for (const entry& f : r_.mapping(e, server_keys)) {
      if (f.key == "host") {
        // The server listens on make_address(host): check-config refuses what it would.
        auto v = r_.text(f, true);
        if (!v) continue;
        boost::system::error_code ec;
        boost::asio::ip::make_address(*v, ec);
        if (ec) {
          r_.error(f, fmt::format("must be an IP address such as 0.0.0.0 or ::1, got \"{}\"", *v));
        } else {
          s.host = *v;
        }
      } else if (f.key == "port") {
        if (auto v = r_.integer(f, 0, 65535)) s.port = static_cast<std::uint16_t>(*v);
      } else if (f.key == "base_url") {
        auto v = r_.text(f);
        if (!v || v->empty()) continue;  // empty: derived from host and port
        if (auto url = normalize_base_url(*v)) {
          s.base_url = *url;
        } else {
          r_.error(f, fmt::format("must be an http:// or https:// URL such as {}, got \"{}\"",
                                  "https://status.example.com", *v));
        }
      } else if (f.key == "max_body_bytes") {
        if (auto v = r_.size(f, 1, max_body_limit)) s.max_body_bytes = static_cast<std::size_t>(*v);
      } else if (f.key == "max_connections") {
        if (auto v = r_.integer(f, 1, max_connections_limit))
          s.max_connections = static_cast<std::size_t>(*v);
      } else if (f.key == "header_timeout") {
        if (auto v = r_.duration(f, false)) s.header_timeout = *v;
      } else if (f.key == "idle_timeout") {
        if (auto v = r_.duration(f, false)) s.idle_timeout = *v;
      } else if (f.key == "cors_origins") {
        detail::parse_cors_origins(r_, f, s.cors_origins);
      }
    }
  }

  void database(const entry& e) {
    database_settings& d = c_.database;
    for (const entry& f : r_.mapping(e, database_keys)) {
      if (f.key == "path") {
        if (auto v = r_.text(f, true)) d.path = resolve(fs::path(*v));
      } else if (f.key == "retention_days") {
        if (auto v = r_.integer(f, 1, int_max)) d.retention_days = static_cast<int>(*v);
      } else if (f.key == "max_check_results") {
        if (auto v = r_.integer(f, 1, int_max)) d.max_check_results = static_cast<int>(*v);
      } else if (f.key == "push_history_per_monitor") {
        if (auto v = r_.integer(f, 1, 1'000'000)) d.push_history_per_monitor = static_cast<int>(*v);
      } else if (f.key == "busy_timeout") {
        auto v = r_.duration(f, false);
        if (v && *v > max_busy_timeout) {
          r_.error(f, fmt::format("must be at most 1h, got {}", core::format_duration(*v)));
        } else if (v) {
          d.busy_timeout = *v;
        }
      } else if (f.key == "synchronous") {
        auto v = r_.text(f, true);
        if (v && (*v == "normal" || *v == "full")) {
          d.synchronous = *v;
        } else if (v) {
          r_.error(f, fmt::format("must be normal or full, got \"{}\"", *v));
        }
      }
    }
  }

  // Each channel is checked against its type's fields in core/channel_schema: unknown type,
  // unknown field, missing required field, and every value, each at its own position. A valid
  // channel is stored with its defaults filled in; an invalid one is left out (its name still
  // counts as defined, so monitors naming it are not reported twice).
  void notifications(const entry& e) {
    for (const entry& f : r_.mapping(e, {})) {
      channel_names_.insert(f.key);
      if (f.key.empty()) {
        r_.error(f.key_mark, e.path, "a channel name must not be empty");
        continue;
      }
      if (auto problem = detail::label_problem(f.key)) {
        r_.error(f.key_mark, e.path, "a channel name " + *problem);
        continue;
      }
      if (!f.is_mapping()) {
        r_.error(
            f, fmt::format("must be a mapping with a type, e.g. {{type: email, to: ops@example.com}}; got {}",
                           f.empty()     ? "nothing"
                           : f.is_list() ? "a list"
                                         : "text"));
        continue;
      }
      const std::vector<entry> fields = r_.mapping(f, {});
      const auto type_entry =
          std::find_if(fields.begin(), fields.end(), [](const entry& field) { return field.key == "type"; });
      if (type_entry == fields.end()) {
        r_.error(f.key_mark, join(f.path, "type"),
                 fmt::format("is required, e.g. type: email; one of {}", core::channel_type_names()));
        continue;
      }
      const auto type = r_.text(*type_entry, true);
      if (!type) continue;
      const core::channel_type_spec* spec = core::find_channel_type(*type);
      if (spec == nullptr) {
        r_.error(*type_entry,
                 fmt::format("unknown type \"{}\", expected one of {}", *type, core::channel_type_names()));
        continue;
      }

      // The YAML's shape is read here (lists, header maps, each item at its own position);
      // what a valid channel is, is core::check_channel's to say.
      channel_settings ch;
      ch.name = f.key;
      ch.type = *type;
      ch.line = f.key_mark.line + 1;
      bool read_ok = true;
      std::set<std::string, std::less<>> present;
      for (const entry& field : fields) {
        if (field.key == "type") continue;
        present.insert(field.key);
        const core::field_spec* spec_field = core::find_field(*spec, field.key);
        if (spec_field == nullptr) {
          ch.fields[field.key];  // unknown: core::check_channel says so
        } else if (auto v = channel_field(field, *spec_field)) {
          if (!v->empty()) ch.fields[field.key] = std::move(*v);  // empty = absent: the default applies
        } else {
          read_ok = false;
        }
      }
      bool ok = read_ok;
      for (const core::field_problem& problem : core::check_channel(*spec, ch.fields)) {
        using kind = core::field_problem::kind;
        const auto at = std::find_if(fields.begin(), fields.end(),
                                     [&](const entry& field) { return field.key == problem.field; });
        // A field written but empty or unreadable was reported as such when it was read.
        if (problem.what == kind::missing && present.contains(problem.field)) continue;
        // Rules between fields are checked only on settings that could all be read.
        if (problem.what == kind::rule && !read_ok) continue;
        ok = false;
        if (problem.what == kind::unknown_field) {
          r_.error(at->key_mark, at->path, unknown_field_message(*spec, problem.field));
        } else if (at != fields.end()) {
          r_.error(*at, problem.message);
        } else {
          r_.error(f.key_mark, join(f.path, problem.field), problem.message);
        }
      }
      if (!ok) continue;
      core::apply_defaults(*spec, ch.fields);
      c_.notifications.emplace(ch.name, std::move(ch));
    }
  }

  static std::string unknown_field_message(const core::channel_type_spec& spec, std::string_view key) {
    const std::vector<std::string_view> keys = core::channel_keys(spec);
    if (auto best = detail::closest_key(key, keys)) {
      return fmt::format("unknown field for type {} (did you mean {}?)", spec.type, *best);
    }
    return fmt::format("unknown field for type {}; expected one of {}", spec.type, fmt::join(keys, ", "));
  }

  // One channel field as text (see core::field_map), or nullopt after reporting why. Empty
  // means not given. The items of a YAML list and the headers of a map are checked here, one
  // by one, to point at each; a value written as text is checked by core::check_channel.
  std::optional<std::string> channel_field(const entry& field, const core::field_spec& spec) {
    using core::field_kind;
    if (spec.kind == field_kind::header_map) return header_map(field);
    if ((spec.kind == field_kind::address_list || spec.kind == field_kind::text_list) &&
        field.is_list()) {
      std::vector<std::string> items;
      bool ok = true;
      for (const entry& item : r_.list(field, "[a, b]")) {
        auto v = r_.text(item, true);
        if (!v) {
          ok = false;
        } else if (v->find(',') != std::string::npos) {
          r_.error(item, "must be one item per entry (a value cannot contain ',')");
          ok = false;
        } else if (auto problem = core::check_value(spec, *v)) {
          r_.error(item, *problem);
          ok = false;
        } else {
          items.push_back(std::move(*v));
        }
      }
      if (!ok) return std::nullopt;
      if (items.empty() && spec.required) {
        r_.error(field, fmt::format("must not be empty, e.g. {}: {}", spec.name, spec.example));
        return std::nullopt;
      }
      return fmt::format("{}", fmt::join(items, ","));
    }
    return r_.text(field, spec.required);  // its value is checked with the others (check_channel)
  }

  // A YAML mapping of header name -> value, as "Name: value" lines joined with "\n".
  std::optional<std::string> header_map(const entry& field) {
    if (field.empty()) return std::string();
    if (!field.is_mapping()) {
      r_.error(field,
               fmt::format("must be a mapping of header names to values, e.g. {{Authorization: \"Bearer "
                           "${{HOOK_TOKEN}}\"}}; got {}",
                           field.is_list() ? "a list" : "text"));
      return std::nullopt;
    }
    std::vector<std::string> lines;
    bool ok = true;
    for (const entry& header : r_.mapping(field, {})) {
      auto v = r_.text(header, true);
      if (!v) {
        ok = false;
      } else if (auto problem = core::check_header(header.key, *v)) {
        r_.error(header.key_mark, header.path, *problem);
        ok = false;
      } else {
        lines.push_back(fmt::format("{}: {}", header.key, *v));
      }
    }
    if (!ok) return std::nullopt;
    return fmt::format("{}", fmt::join(lines, "\n"));
  }

  void monitors(const entry& e) {
    std::map<std::string, int, std::less<>> first_line;  // name -> line of its entry
    const detail::list_items items = r_.list(e, "[{name: Nightly backup, type: push, interval: 24h}]");
    // Growing by doubling would hold the old and the new array at once: with 100,000 monitors
    // that is tens of megabytes for a moment at startup.
    c_.monitors.reserve(items.size());
    for (const entry& item : items) {
      monitor_settings m;
      m.line = item.line();
      std::optional<entry> block;  // config:, read by the monitor's kind once its type is known
      const detail::kind_parser* kind = &detail::kind_parsers().front();  // no type: push
      bool has_name = false;
      for (const entry& f : r_.mapping(item, monitor_keys)) {
        if (f.key == "name") {
          has_name = true;
          auto v = r_.label(f);
          if (!v) continue;
          m.name = *v;
          if (auto [first, inserted] = first_line.emplace(*v, m.line); !inserted) {
            r_.error(f,
                     fmt::format("name \"{}\" is already used by the monitor on line {}", *v, first->second));
          }
        } else if (f.key == "type") {
          auto v = r_.text(f, true);
          if (!v) continue;
          kind = detail::find_kind_parser(*v);
          if (!kind) r_.error(f, fmt::format("unknown type \"{}\", {}", *v, detail::expected_kinds()));
        } else if (f.key == "enabled") {
          if (auto v = r_.boolean(f)) m.enabled = *v;
        } else if (f.key == "group") {
          auto v = r_.text(f);
          if (!v) continue;
          if (auto problem = detail::label_problem(*v)) {
            r_.error(f, *problem);
          } else {
            m.group = *v;
          }
        } else if (f.key == "interval") {
          if (auto v = r_.duration(f, false)) m.interval = *v;
        } else if (f.key == "config") {
          block = f;
        } else if (f.key == "notifications") {
          monitor_channels(f, m);
        } else if (f.key == "alert_on") {
          alert_on(f, m);
        }
      }
      // An item that is not a mapping was reported as such; "name is required" would be noise.
      if (!has_name && (item.empty() || item.is_mapping())) {
        r_.error(item.mark, join(item.path, "name"), "is required");
      }
      // The block's keys are the kind's: with an unknown type there is nothing to check it by.
      if (kind) {
        m.kind = kind->kind;
        kind->parse(r_, block ? &*block : nullptr, m, {c_.default_interval});
      }
      c_.monitors.push_back(std::move(m));
    }
  }

  void monitor_channels(const entry& f, monitor_settings& m) {
    for (const entry& item : r_.list(f, "[ops-email]")) {
      auto v = r_.text(item, true);
      if (!v) continue;
      if (!channel_names_.contains(*v)) {
        if (channel_names_.empty()) {
          r_.error(
              item,
              fmt::format("unknown notification channel \"{}\"; no channels are defined under notifications:",
                          *v));
        } else {
          r_.error(item, fmt::format("unknown notification channel \"{}\"; defined: {}", *v,
                                     fmt::join(channel_names_, ", ")));
        }
      } else if (std::find(m.notifications.begin(), m.notifications.end(), *v) != m.notifications.end()) {
        r_.error(item, fmt::format("\"{}\" is listed twice", *v));
      } else {
        m.notifications.push_back(*v);
      }
    }
  }

  void alert_on(const entry& f, monitor_settings& m) {
    if (f.empty()) return;  // as if absent: the default, both
    m.alert_on.clear();
    for (const entry& item : r_.list(f, "[down, up]")) {
      auto v = r_.text(item);
      if (!v) continue;
      alert_event event{};
      if (*v == "down") {
        event = alert_event::down;
      } else if (*v == "up") {
        event = alert_event::up;
      } else {
        r_.error(item, fmt::format("must be down or up, got \"{}\"", *v));
        continue;
      }
      if (std::find(m.alert_on.begin(), m.alert_on.end(), event) != m.alert_on.end()) {
        r_.error(item, fmt::format("\"{}\" is listed twice", *v));
      } else {
        m.alert_on.push_back(event);
      }
    }
  }

  reader& r_;
  config& c_;
  fs::path folder_;  // the config file's folder, absolute: relative paths are resolved against it
  std::set<std::string, std::less<>> channel_names_;
};

fs::path absolute_normal(const fs::path& file) {
  std::error_code ec;
  fs::path p = fs::absolute(file, ec);
  return (ec ? file : p).lexically_normal();
}

}  // namespace

std::string config::public_base_url() const {
  if (!server.base_url.empty()) {
    std::string url = server.base_url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
  }
  std::string host = server.host;
  if (host.empty() || host == "0.0.0.0" || host == "::" || host == "[::]") {
    host = "localhost";
  } else if (host.find(':') != std::string::npos && host.front() != '[') {
    host = fmt::format("[{}]", host);  // an IPv6 literal
  }
  return fmt::format("http://{}:{}", host, server.port);
}

std::string push_url(std::string_view base_url, std::int64_t monitor_id, std::string_view secret_key) {
  return fmt::format("{}/api/push/{}/{}", base_url, monitor_id, secret_key);
}

env_lookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

namespace {

// The tree of `yaml`, or the result that says why there is none.
std::variant<detail::tree, load_result> parse_yaml(std::string_view yaml, const std::string& file_name) {
  auto refused = [](std::string message) { return load_result{std::nullopt, {std::move(message)}}; };
  if (yaml.size() >= detail::tree::max_input) {
    return refused(fmt::format("{}: too large for a config file (1 GiB or more)", file_name));
  }
  auto parsed = detail::tree::parse(yaml);
  if (auto* doc = std::get_if<detail::tree>(&parsed)) return std::move(*doc);
  const auto& e = std::get<detail::syntax_error>(parsed);
  if (e.at.is_null()) return refused(fmt::format("{}: {}", file_name, e.message));
  return refused(fmt::format("{}:{}:{}: {}", file_name, e.at.line + 1, e.at.column + 1, e.message));
}

// Checks the parsed file against the schema; the YAML text is no longer needed.
load_result check(const detail::tree& doc, const std::string& file_name, const std::filesystem::path& file,
                  const env_lookup& env) {
  const std::vector<detail::node_id>& documents = doc.documents();
  reader r(file_name, env, doc);
  config c;
  c.file = absolute_normal(file);
  parser p(r, c, c.file.parent_path());
  if (!documents.empty()) p.root(r.root(documents.front()));
  for (std::size_t i = 1; i < documents.size(); ++i) {
    // A trailing "---" with nothing after it is harmless.
    if (doc.kind(documents[i]) == detail::node_kind::null) continue;
    r.error(doc.at(documents[i]), "", "only one YAML document is allowed (found another \"---\")");
  }

  if (r.has_errors()) return {std::nullopt, r.errors()};
  return {std::move(c), {}};
}

}  // namespace

load_result load_string(std::string_view yaml, const std::filesystem::path& file, const env_lookup& env) {
  const std::string file_name = file.string();
  auto parsed = parse_yaml(yaml, file_name);
  if (auto* failed = std::get_if<load_result>(&parsed)) return std::move(*failed);
  return check(std::get<detail::tree>(parsed), file_name, file, env);
}

load_result load_file(const std::filesystem::path& file, const env_lookup& env) {
  auto cannot_read = [&](int err) {
    return load_result{
        std::nullopt,
        {fmt::format("{}: cannot read: {}", file.string(), std::generic_category().message(err))}};
  };
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (!f) return cannot_read(errno);
  std::string contents;
  // Read into one allocation of the right size rather than growing by doubling (a large
  // config would briefly need twice its size). Not a regular file, or one load_string will
  // refuse as too large: grow as it comes.
  std::error_code size_error;
  const std::uintmax_t size = std::filesystem::file_size(file, size_error);
  if (!size_error && size < detail::tree::max_input)
    contents.reserve(static_cast<std::size_t>(size));
  char buffer[64 * 1024];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, f.get())) > 0) contents.append(buffer, n);
  if (std::ferror(f.get())) return cannot_read(errno);
  f.reset();
  const std::string file_name = file.string();
  auto parsed = parse_yaml(contents, file_name);
  if (auto* failed = std::get_if<load_result>(&parsed)) return std::move(*failed);
  // The tree holds all it needs (scalars are copied into it): free the text before the
  // settings are built, so the two are not both held at the peak.
  std::string().swap(contents);
  return check(std::get<detail::tree>(parsed), file_name, file, env);
}

}  // namespace uptime::config
