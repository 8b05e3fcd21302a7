// Microsoft Teams: an Adaptive Card in the message format that both Workflows webhooks ("When a
// Teams webhook request is received") and the older Incoming Webhook connectors accept
// (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using#send-adaptive-cards-using-an-incoming-webhook):
//   {"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
//     "contentUrl": null, "content": {"type": "AdaptiveCard", "version": "1.4", "body": […]}}]}
// Chosen over the legacy MessageCard because Office 365 connectors, the only receivers of
// MessageCards, are being retired in favour of Workflows. The card shows the headline in
// colour, the opening sentence, and the facts as a FactSet.
#include "notify/detail/channels.hpp"

namespace uptime::notify::detail {
namespace {

namespace json = boost::json;

// Teams refuses cards above about 28 KB; a job's message is the only long part.
constexpr std::size_t max_fact = 2000;

}  // namespace

rendered render_teams(const channel& ch, const alert& a) {
  const summary s = summarize(a);
  json::array facts;
  for (const auto& [label, value] : s.facts) {
    facts.push_back(json::object{{"title", label}, {"value", truncate_chars(value, max_fact)}});
  }
  const std::string color = is_problem(a) ? "Attention" : a.event == alert_event::up ? "Good" : "Accent";
  json::array body{json::object{{"type", "TextBlock"},
                                {"text", headline(a)},
                                {"size", "Large"},
                                {"weight", "Bolder"},
                                {"color", color},
                                {"wrap", true}},
                   json::object{{"type", "TextBlock"}, {"text", s.intro}, {"wrap", true}}};
  if (!facts.empty()) body.push_back(json::object{{"type", "FactSet"}, {"facts", std::move(facts)}});
  json::object card{{"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
                    {"type", "AdaptiveCard"},
                    {"version", "1.4"},
                    {"body", std::move(body)}};
  json::object message{
      {"type", "message"},
      {"attachments", json::array{json::object{{"contentType", "application/vnd.microsoft.card.adaptive"},
                                               {"contentUrl", nullptr},
                                               {"content", std::move(card)}}}}};
  return outbound{json_post(ch.field("webhook_url"), message)};
}

}  // namespace uptime::notify::detail
