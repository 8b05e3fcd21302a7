// Reading the management API's query parameters (?limit=, ?after=, ?before=, ?status=): each
// either a value or the 400 answer naming the parameter and what it accepts.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

#include "http/request.hpp"
#include "http/response.hpp"

namespace uptime::api {

// The value of the last `name` in the query, or nullopt if absent.
std::optional<std::string_view> query_value(const http_api::query_params& q, std::string_view name);

// A whole number in [min, max] (absent: `absent`), or a 400 `{"error":"limit must be a whole
// number from 1 to 10000"}`.
std::variant<std::int64_t, http_api::response> int_param(const http_api::query_params& q, std::string_view name,
                                                         std::int64_t absent, std::int64_t min, std::int64_t max);

// The monitor id of a path segment: a positive decimal number, else nullopt.
std::optional<std::int64_t> parse_id(std::string_view text);

}  // namespace uptime::api
