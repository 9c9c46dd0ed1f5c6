#include "app_data_json.h"

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "logkv/key_text.h"

namespace page_views {
namespace {

using logkv::Result;
using logkv::Status;
using Json = nlohmann::ordered_json;

// Every error names the byte offset where reading stopped when there is one, so a user can find
// the damage in `logkv get app-data` output.
Status error(std::string_view what) {
  return Status::invalid_argument("app-data is not the expected JSON: " + std::string(what));
}

Status error_at_byte(std::string_view what, size_t offset) {
  return error(std::string(what) + " at byte " + std::to_string(offset));
}

// nlohmann's description without its "[json.exception...] parse error at line 1, column N: "
// prefix and without the "last read: '...'" excerpt of raw input.
std::string describe_parse_error(const std::string& what) {
  std::string text = what;
  if (size_t colon = text.find(": "); colon != std::string::npos) text.erase(0, colon + 2);
  if (size_t last_read = text.find("; last read: '"); last_read != std::string::npos) {
    size_t end = text.find("'; expected", last_read);
    text.erase(last_read, end == std::string::npos ? std::string::npos : end + 1 - last_read);
  }
  return text;
}

}  // namespace

Result<AppData> parse_app_data(std::string_view json) {
  // nlohmann keeps the last of two members with one name; the parser callback sees each name
  // as it is read, so a member given twice is refused instead of silently dropped.
  std::set<std::string> names;
  std::optional<std::string> duplicate;
  const auto note_names = [&](int depth, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::key && depth == 1 &&
        !names.insert(parsed.get<std::string>()).second && !duplicate.has_value()) {
      duplicate = parsed.get<std::string>();
    }
    return true;
  };
  Json document;
  try {
    document = Json::parse(json, note_names);
  } catch (const Json::parse_error& e) {
    return error_at_byte(describe_parse_error(e.what()), e.byte > 0 ? e.byte - 1 : 0);
  }
  if (!document.is_object()) return error("expected an object");
  if (duplicate.has_value()) return error("\"" + *duplicate + "\" appears twice");
  for (const auto& member : document.items()) {
    if (member.key() != "views" && member.key() != "previous_request") {
      return error("unknown member \"" + member.key() +
                   "\" (only \"views\" and \"previous_request\" belong)");
    }
  }
  if (!document.contains("views")) return error("\"views\" is missing");
  if (!document.contains("previous_request")) return error("\"previous_request\" is missing");
  // A count: JSON's integer grammar without a sign (nlohmann reads a fraction or an exponent
  // as a float and a minus sign as a signed integer), capped at kViewsMax.
  const Json& views = document["views"];
  if (!views.is_number_unsigned()) return error("views must be a whole number without a sign");
  if (views.get<uint64_t>() > kViewsMax) return error("views is larger than 2^53 - 1");
  const Json& previous = document["previous_request"];
  if (!previous.is_string()) return error("previous_request must be a string");
  return AppData{views.get<uint64_t>(), previous.get<std::string>()};
}

std::string format_app_data(const AppData& data) {
  const Json document = {{"views", data.views}, {"previous_request", data.previous_request}};
  return document.dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool is_valid_utf8(std::string_view text) {
  return !logkv::first_invalid_utf8_offset(text).has_value();
}

}  // namespace page_views
