// Tests of the tool's strict JSON reader and string writer over nlohmann-json (tools/json_text.h).
#include "tools/json_text.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace logkv::tool {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;
using Strings = std::vector<std::string>;

TEST(JsonTextTest, ReadsAnObjectOfStringsInOrder) {
  Result<Pairs> pairs = parse_json_string_object(" {\"b\" : \"2\",\n\t\"a\":\"1\"} \n");
  ASSERT_TRUE(pairs.is_ok()) << pairs.status().to_string();
  EXPECT_EQ(*pairs, (Pairs{{"b", "2"}, {"a", "1"}}));
}

TEST(JsonTextTest, ReadsEmptyObjectAndArray) {
  EXPECT_TRUE(parse_json_string_object("{}").value().empty());
  EXPECT_TRUE(parse_json_string_array(" [ ] ").value().empty());
}

TEST(JsonTextTest, ReadsAnArrayOfStrings) {
  EXPECT_EQ(parse_json_string_array("[\"x\", \"y\"]").value(), (Strings{"x", "y"}));
}

TEST(JsonTextTest, DecodesEveryEscape) {
  Result<Strings> strings = parse_json_string_array(
      R"(["\"\\\/\b\f\n\r\t", "\u00e9\u20ac", "\ud83d\ude00", "a\u0000b"])");
  ASSERT_TRUE(strings.is_ok()) << strings.status().to_string();
  EXPECT_EQ((*strings)[0], "\"\\/\b\f\n\r\t");
  EXPECT_EQ((*strings)[1], "\xc3\xa9\xe2\x82\xac");
  EXPECT_EQ((*strings)[2], "\xf0\x9f\x98\x80");
  EXPECT_EQ((*strings)[3], std::string("a\0b", 3));
}

TEST(JsonTextTest, KeepsRawUtf8AsItIs) {
  EXPECT_EQ(parse_json_string_array("[\"caf\xc3\xa9\"]").value(), (Strings{"caf\xc3\xa9"}));
}

// Each malformed input is refused with kInvalidArgument and a message naming the byte offset.
TEST(JsonTextTest, RefusesMalformedInput) {
  const char* bad_objects[] = {
      "",
      "[]",
      "{",
      "{\"a\"}",
      "{\"a\":}",
      "{\"a\":1}",
      "{\"a\":null}",
      "{\"a\":\"1\",}",
      "{'a':'1'}",
      "{\"a\":\"1\"} x",
      "{\"a\":\"1\" \"b\":\"2\"}",
      "{\"a\":\"1\"}{}",
      "{\"a\":[\"1\"]}",
  };
  for (const char* json : bad_objects) {
    Result<Pairs> pairs = parse_json_string_object(json);
    ASSERT_FALSE(pairs.is_ok()) << json;
    EXPECT_EQ(pairs.status().code(), StatusCode::kInvalidArgument) << json;
    EXPECT_NE(pairs.status().message().find("JSON input"), std::string::npos) << json;
  }
  const char* bad_arrays[] = {
      "{}",        "[",         "[\"a\",]",    "[\"a\" \"b\"]",    "[1]",
      "[\"a\"] ]", "[\"\\x\"]", "[\"\\u12\"]", "[\"unterminated]",
  };
  for (const char* json : bad_arrays) {
    Result<Strings> strings = parse_json_string_array(json);
    ASSERT_FALSE(strings.is_ok()) << json;
    EXPECT_EQ(strings.status().code(), StatusCode::kInvalidArgument) << json;
  }
}

TEST(JsonTextTest, ErrorNamesTheByteOffset) {
  Result<Pairs> pairs = parse_json_string_object("{\"a\": 1}");
  ASSERT_FALSE(pairs.is_ok());
  EXPECT_NE(pairs.status().message().find("at byte 6"), std::string::npos)
      << pairs.status().message();
}

TEST(JsonTextTest, SyntaxErrorNamesTheOffsetOfTheBadByte) {
  Result<Pairs> pairs = parse_json_string_object("{\"a\":\"1\"} x");
  ASSERT_FALSE(pairs.is_ok());
  EXPECT_NE(pairs.status().message().find("at byte 10"), std::string::npos)
      << pairs.status().message();
}

TEST(JsonTextTest, WrongTypeInAnArrayNamesItsOffset) {
  Result<Strings> strings = parse_json_string_array("[\"a\",\n 7]");
  ASSERT_FALSE(strings.is_ok());
  EXPECT_NE(strings.status().message().find("at byte 7"), std::string::npos)
      << strings.status().message();
  EXPECT_NE(strings.status().message().find("found a number"), std::string::npos)
      << strings.status().message();
}

TEST(JsonTextTest, ValuesMayRepeat) {
  EXPECT_EQ(parse_json_string_object(R"({"a":"1","b":"1"})").value(),
            (Pairs{{"a", "1"}, {"b", "1"}}));
}

// A long string before the error is not echoed back into the message.
TEST(JsonTextTest, ErrorDoesNotQuoteLongInput) {
  const std::string json = "[\"" + std::string(10000, 'x') + "\" x]";
  Result<Strings> strings = parse_json_string_array(json);
  ASSERT_FALSE(strings.is_ok());
  EXPECT_LT(strings.status().message().size(), 300u) << strings.status().message();
  EXPECT_NE(strings.status().message().find("at byte 10004"), std::string::npos)
      << strings.status().message();
}

TEST(JsonTextTest, RefusesUnescapedControlCharacters) {
  EXPECT_FALSE(parse_json_string_array("[\"a\nb\"]").is_ok());
  EXPECT_FALSE(parse_json_string_array(std::string("[\"a\0b\"]", 7)).is_ok());
}

TEST(JsonTextTest, RefusesUnpairedSurrogates) {
  EXPECT_FALSE(parse_json_string_array(R"(["\ud83d"])").is_ok());
  EXPECT_FALSE(parse_json_string_array(R"(["\ud83dx"])").is_ok());
  EXPECT_FALSE(parse_json_string_array(R"(["\ude00"])").is_ok());
  EXPECT_FALSE(parse_json_string_array(R"(["\ud83d\u0041"])").is_ok());
}

TEST(JsonTextTest, RefusesInvalidUtf8) {
  Result<Strings> strings = parse_json_string_array("[\"a\xff\"]");
  ASSERT_FALSE(strings.is_ok());
  EXPECT_NE(strings.status().message().find("UTF-8"), std::string::npos);
}

TEST(JsonTextTest, RefusesAKeyGivenTwice) {
  Result<Pairs> pairs = parse_json_string_object(R"({"a":"1","a":"2"})");
  ASSERT_FALSE(pairs.is_ok());
  EXPECT_NE(pairs.status().message().find("\"a\" appears twice"), std::string::npos)
      << pairs.status().message();
  EXPECT_FALSE(parse_json_string_array(R"(["k","k"])").is_ok());
  // The same key written two ways is still the same key.
  EXPECT_FALSE(parse_json_string_array(R"(["k","\u006b"])").is_ok());
}

TEST(JsonTextTest, WriterEscapesQuotesBackslashesAndControls) {
  std::string out;
  append_json_string(out, std::string("a\"b\\c\n\t\x01\0\xc3\xa9", 11));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\t\\u0001\\u0000\xc3\xa9\"");
}

TEST(JsonTextTest, WrittenStringsReadBack) {
  const std::string original("\x1f\"\\/\r\n\xe2\x82\xac\0", 11);
  std::string json = "[";
  append_json_string(json, original);
  json += "]";
  EXPECT_EQ(parse_json_string_array(json).value(), (Strings{original}));
}

}  // namespace
}  // namespace logkv::tool
