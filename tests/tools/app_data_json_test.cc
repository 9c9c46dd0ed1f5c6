// Tests of the page-view example's strict JSON reader and writer (examples/app_data_json.h).
#include "examples/app_data_json.h"

#include <gtest/gtest.h>

#include <string>

namespace page_views {
namespace {

// The parse error message for `json`, or "" when it parsed.
std::string parse_error(std::string_view json) {
  logkv::Result<AppData> parsed = parse_app_data(json);
  return parsed.is_ok() ? std::string() : parsed.status().message();
}

TEST(AppDataJsonTest, ParsesTheCompactForm) {
  logkv::Result<AppData> parsed = parse_app_data("{\"views\":3,\"previous_request\":\"/goodbye\"}");
  ASSERT_TRUE(parsed.is_ok()) << parsed.status().to_string();
  EXPECT_EQ(parsed->views, 3u);
  EXPECT_EQ(parsed->previous_request, "/goodbye");
}

TEST(AppDataJsonTest, AcceptsWhitespaceAndEitherMemberOrder) {
  logkv::Result<AppData> parsed =
      parse_app_data("\n{ \"previous_request\" :\t\"\" ,\r\n \"views\" : 0 }  ");
  ASSERT_TRUE(parsed.is_ok()) << parsed.status().to_string();
  EXPECT_EQ(parsed->views, 0u);
  EXPECT_EQ(parsed->previous_request, "");
}

TEST(AppDataJsonTest, DecodesEveryEscape) {
  logkv::Result<AppData> parsed =
      parse_app_data(R"({"views":1,"previous_request":"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"})");
  ASSERT_TRUE(parsed.is_ok()) << parsed.status().to_string();
  EXPECT_EQ(parsed->previous_request, "\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80");
}

TEST(AppDataJsonTest, FormatThenParseRoundTrips) {
  const AppData data{kViewsMax, std::string("q\"\\\x01\x1f/\xc3\xa9", 8)};
  const std::string json = format_app_data(data);
  EXPECT_EQ(
      json,
      "{\"views\":9007199254740991,\"previous_request\":\"q\\\"\\\\\\u0001\\u001f/\xc3\xa9\"}");
  logkv::Result<AppData> parsed = parse_app_data(json);
  ASSERT_TRUE(parsed.is_ok()) << parsed.status().to_string();
  EXPECT_EQ(parsed->views, data.views);
  EXPECT_EQ(parsed->previous_request, data.previous_request);
}

TEST(AppDataJsonTest, RejectsTruncatedDocumentNamingTheOffset) {
  EXPECT_NE(parse_error("{\"views\":1,\"previous_request\":\"/x\"").find("at byte 34"),
            std::string::npos)
      << parse_error("{\"views\":1,\"previous_request\":\"/x\"");
}

TEST(AppDataJsonTest, RejectsMissingMember) {
  EXPECT_NE(parse_error("{\"views\":1}").find("previous_request"), std::string::npos);
  EXPECT_NE(parse_error("{}").find("views"), std::string::npos);
}

TEST(AppDataJsonTest, RejectsDuplicateMember) {
  EXPECT_NE(parse_error("{\"views\":1,\"views\":2,\"previous_request\":\"\"}").find("twice"),
            std::string::npos);
}

TEST(AppDataJsonTest, RejectsUnknownMember) {
  EXPECT_NE(parse_error("{\"views\":1,\"previous_request\":\"\",\"extra\":1}").find("unknown"),
            std::string::npos);
}

TEST(AppDataJsonTest, RejectsTrailingData) {
  EXPECT_NE(parse_error("{\"views\":1,\"previous_request\":\"\"} x").find("expected end of input"),
            std::string::npos);
}

TEST(AppDataJsonTest, RejectsViewsThatAreNotAPlainCount) {
  for (const char* views : {"-1", "1.5", "1e3", "01", "\"3\"", "true", "9007199254740992"}) {
    const std::string json = std::string("{\"views\":") + views + ",\"previous_request\":\"\"}";
    EXPECT_FALSE(parse_error(json).empty()) << "accepted views " << views;
  }
}

TEST(AppDataJsonTest, RejectsBadStrings) {
  for (const char* text :
       {"\"raw\nnewline\"", "\"bad \\x escape\"", "\"\\u12\"", "\"\\ud800 lone high\"",
        "\"\\udc00 lone low\"", "\"\xff\"", "\"unterminated"}) {
    const std::string json = std::string("{\"views\":1,\"previous_request\":") + text + "}";
    EXPECT_FALSE(parse_error(json).empty()) << "accepted string " << text;
  }
}

TEST(AppDataJsonTest, RejectsNonObjects) {
  for (const char* json : {"", "[]", "null", "\"views\""}) {
    EXPECT_FALSE(parse_error(json).empty()) << "accepted " << json;
  }
}

TEST(AppDataJsonTest, Utf8ValidationFollowsRfc3629) {
  EXPECT_TRUE(is_valid_utf8("plain /path"));
  EXPECT_TRUE(is_valid_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));          // truncated
}

}  // namespace
}  // namespace page_views
