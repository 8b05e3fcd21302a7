// libcurl multi transfers on the notifier thread (see transport.hpp).
#include <curl/curl.h>

#include <cstring>

#include <memory>
#include <vector>

#include "notify/transport.hpp"

namespace uptime::notify {

namespace {

// One transfer's easy handle and everything it points at, alive until it completes.
struct transfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  curl_slist* recipients = nullptr;
  std::string upload;            // an e-mail's message
  std::size_t upload_offset = 0;
  std::string response;          // the first bytes of what the server answered
  char error[CURL_ERROR_SIZE] = {};
  bool is_http = true;
  delivery_done done;

  ~transfer() {
    curl_slist_free_all(headers);
    curl_slist_free_all(recipients);
    if (easy) curl_easy_cleanup(easy);
  }
};

constexpr std::size_t max_response_kept = 512;

std::size_t on_response(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<transfer*>(user);
  const std::size_t bytes = size * n;
  if (t->response.size() < max_response_kept)
    t->response.append(data, std::min(bytes, max_response_kept - t->response.size()));
  return bytes;
}

std::size_t on_upload(char* buffer, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<transfer*>(user);
  const std::size_t room = size * n;
  const std::size_t left = t->upload.size() - t->upload_offset;
  const std::size_t bytes = std::min(room, left);
  std::memcpy(buffer, t->upload.data() + t->upload_offset, bytes);
  t->upload_offset += bytes;
  return bytes;
}

void set_common(transfer& t, const curl_transport::timeouts& to) {
  curl_easy_setopt(t.easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(t.easy, CURLOPT_CONNECTTIMEOUT, static_cast<long>(to.connect.count()));
  curl_easy_setopt(t.easy, CURLOPT_TIMEOUT, static_cast<long>(to.total.count()));
  curl_easy_setopt(t.easy, CURLOPT_ERRORBUFFER, t.error);
  curl_easy_setopt(t.easy, CURLOPT_PRIVATE, &t);
  curl_easy_setopt(t.easy, CURLOPT_WRITEFUNCTION, on_response);
  curl_easy_setopt(t.easy, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(t.easy, CURLOPT_USERAGENT, "uptime-monitor/" UPTIME_VERSION_STRING);
}

void setup_http(transfer& t, http_request& r) {
  t.is_http = true;
  curl_easy_setopt(t.easy, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(t.easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(t.easy, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  if (r.method != "GET") {
    curl_easy_setopt(t.easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    curl_easy_setopt(t.easy, CURLOPT_COPYPOSTFIELDS, r.body.c_str());
  }
  for (const auto& [name, value] : r.headers)
    t.headers = curl_slist_append(t.headers, (name + ": " + value).c_str());
  // libcurl would otherwise send "Expect: 100-continue" for larger bodies and wait for it.
  t.headers = curl_slist_append(t.headers, "Expect:");
  curl_easy_setopt(t.easy, CURLOPT_HTTPHEADER, t.headers);
  if (!r.ca_file.empty()) curl_easy_setopt(t.easy, CURLOPT_CAINFO, r.ca_file.c_str());
}

void setup_email(transfer& t, email& m) {
  t.is_http = false;
  const std::string scheme = m.security == smtp_security::tls ? "smtps://" : "smtp://";
  const std::string url = scheme + m.host + ":" + std::to_string(m.port);
  curl_easy_setopt(t.easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(t.easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  if (m.security == smtp_security::starttls)
    curl_easy_setopt(t.easy, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!m.username.empty()) {
    curl_easy_setopt(t.easy, CURLOPT_USERNAME, m.username.c_str());
    curl_easy_setopt(t.easy, CURLOPT_PASSWORD, m.password.c_str());
  }
  if (!m.ca_file.empty()) curl_easy_setopt(t.easy, CURLOPT_CAINFO, m.ca_file.c_str());
  const std::string from = "<" + m.from + ">";
  curl_easy_setopt(t.easy, CURLOPT_MAIL_FROM, from.c_str());
  for (const auto& rcpt : m.to) t.recipients = curl_slist_append(t.recipients, ("<" + rcpt + ">").c_str());
  curl_easy_setopt(t.easy, CURLOPT_MAIL_RCPT, t.recipients);
  t.upload = std::move(m.message);
  curl_easy_setopt(t.easy, CURLOPT_READFUNCTION, on_upload);
  curl_easy_setopt(t.easy, CURLOPT_READDATA, &t);
  curl_easy_setopt(t.easy, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(t.easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(t.upload.size()));
}

delivery_result result_of(transfer& t, CURLcode code) {
  if (code != CURLE_OK) {
    std::string why = t.error[0] ? t.error : curl_easy_strerror(code);
    return {false, why};
  }
  if (!t.is_http) return {true, {}};
  long status = 0;
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) return {true, {}};
  std::string why = "HTTP " + std::to_string(status);
  if (!t.response.empty()) why += ": " + t.response;
  return {false, why};
}

}  // namespace

curl_transport::curl_transport(net::any_io_executor io, timeouts t)
    : io_(std::move(io)), timeouts_(t) {
  static const bool initialised = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)initialised;
  multi_ = curl_multi_init();
  thread_ = std::thread([this] { run(); });
}

curl_transport::~curl_transport() {
  stop();
  curl_multi_cleanup(static_cast<CURLM*>(multi_));
}

void curl_transport::send(outbound what, delivery_done done) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(job{std::move(what), std::move(done)});
  }
  curl_multi_wakeup(static_cast<CURLM*>(multi_));
}

void curl_transport::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  curl_multi_wakeup(static_cast<CURLM*>(multi_));
  if (thread_.joinable()) thread_.join();
}

void curl_transport::run() {
  auto* multi = static_cast<CURLM*>(multi_);
  std::vector<std::unique_ptr<transfer>> active;
  for (;;) {
    std::deque<job> incoming;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
      incoming.swap(queue_);
    }
    for (auto& j : incoming) {
      auto t = std::make_unique<transfer>();
      t->done = std::move(j.done);
      t->easy = curl_easy_init();
      if (!t->easy) {
        net::post(io_, [d = std::move(t->done)]() mutable { d({false, "cannot start a transfer"}); });
        continue;
      }
      set_common(*t, timeouts_);
      if (auto* r = std::get_if<http_request>(&j.what))
        setup_http(*t, *r);
      else
        setup_email(*t, std::get<email>(j.what));
      curl_multi_add_handle(multi, t->easy);
      active.push_back(std::move(t));
    }
    int running = 0;
    curl_multi_perform(multi, &running);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
      auto result = result_of(*t, msg->data.result);
      curl_multi_remove_handle(multi, t->easy);
      net::post(io_, [d = std::move(t->done), result = std::move(result)]() mutable { d(std::move(result)); });
      std::erase_if(active, [t](const auto& p) { return p.get() == t; });
    }
    curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  for (auto& t : active) curl_multi_remove_handle(multi, t->easy);
}

}  // namespace uptime::notify
