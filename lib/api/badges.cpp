// The badge endpoints' routes and answers (see badges.hpp).
#include "api/badges.hpp"

#include "api/badge_svg.hpp"

namespace uptime::api {

namespace {

constexpr std::string_view not_found_message = "Badge not found";
constexpr std::size_t max_key_size = 64;

enum class badge_format { svg, json, shields };

http_api::response not_found() {
  return http_api::error_response(http::status::not_found, not_found_message);
}

// A badge answer: cacheable for a minute, so a README viewed by many (or a CDN in front)
// costs the server one lookup a minute per badge, while a status change still shows soon.
http_api::response cacheable(http_api::response r) {
  r.cache_control = badge_cache_control;
  return r;
}

http_api::response svg_answer(std::string svg) {
  http_api::response r;
  r.content_type = svg_content_type;
  r.cache_control = badge_cache_control;
  r.body = std::move(svg);
  // The SVG holds text from the config (escaped, but should an escape ever be missed): a
  // browser that opens it directly runs nothing and loads nothing.
  r.add_header("Content-Security-Policy", "default-src 'none'");
  r.add_header("X-Content-Type-Options", "nosniff");
  return r;
}

http_api::response status_answer(const badge_subject& s, badge_format format) {
  switch (format) {
    case badge_format::svg:
      return svg_answer(render_badge(s.name, s.status, status_color(s.status).hex));
    case badge_format::json:
      return cacheable(http_api::json_response(
          http::status::ok, json::object{{"name", s.name}, {"status", s.status}}));
    case badge_format::shields:
      return cacheable(http_api::json_response(
          http::status::ok, json::object{{"schemaVersion", 1},
                                         {"label", s.name},
                                         {"message", s.status},
                                         {"color", status_color(s.status).name}}));
  }
  return not_found();
}

// "<key>.<ext>" → the key and its format; nullopt for an extension we do not serve.
std::optional<std::pair<std::string_view, badge_format>> split_file(std::string_view file) {
  const auto dot = file.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto key = file.substr(0, dot);
  const auto ext = file.substr(dot + 1);
  if (ext == "svg") return std::pair{key, badge_format::svg};
  if (ext == "json") return std::pair{key, badge_format::json};
  if (ext == "shields") return std::pair{key, badge_format::shields};
  return std::nullopt;
}

std::optional<badge_subject> find(badge_source& source, std::string_view key) {
  if (!plausible_badge_key(key)) return std::nullopt;
  return source.find_badge(key);
}

}  // namespace

bool plausible_badge_key(std::string_view key) {
  if (key.empty() || key.size() > max_key_size) return false;
  for (const char c : key)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-')) return false;
  return true;
}

void add_badge_routes(http_api::route_table& routes, badge_source& source) {
  http_api::route_options options;
  options.not_found_message = std::string(not_found_message);
  routes.add(
      {http::verb::get}, "/badge/{file}",
      [&source](http_api::request&, const http_api::route_match& match,
                http_api::respond_fn respond) {
        const auto file = split_file(match.params[0]);
        const auto subject = file ? find(source, file->first) : std::nullopt;
        respond(subject ? status_answer(*subject, file->second) : not_found());
      },
      options);
  routes.add(
      {http::verb::get}, "/badge/{key}/uptime-30d.svg",
      [&source](http_api::request&, const http_api::route_match& match,
                http_api::respond_fn respond) {
        const auto subject = find(source, match.params[0]);
        if (!subject) {
          respond(not_found());
          return;
        }
        respond(svg_answer(render_badge(subject->name, uptime_message(subject->uptime_30d),
                                        uptime_color(subject->uptime_30d).hex)));
      },
      options);
}

}  // namespace uptime::api
