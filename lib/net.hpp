// Namespace aliases for Boost.Asio / Beast / JSON, in one place instead of repeated in every
// file (as Beast's chat example does). Include this, never spell the aliases again.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

namespace uptime {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace json = boost::json;
using tcp = boost::asio::ip::tcp;
}  // namespace uptime
