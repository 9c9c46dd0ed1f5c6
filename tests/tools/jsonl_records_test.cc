// Tests of the dump line format (tools/jsonl_records.h) and its base64 (tools/base64_text.h).
#include "tools/jsonl_records.h"

#include <gtest/gtest.h>

#include <string>

#include "tools/base64_text.h"

namespace logkv::tool {
namespace {

TEST(Base64Test, EncodesRfc4648Vectors) {
  EXPECT_EQ(encode_base64(""), "");
  EXPECT_EQ(encode_base64("f"), "Zg==");
  EXPECT_EQ(encode_base64("fo"), "Zm8=");
  EXPECT_EQ(encode_base64("foo"), "Zm9v");
  EXPECT_EQ(encode_base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(encode_base64(std::string("\xfb\xff", 2)), "+/8=");
}

TEST(Base64Test, EveryByteValueRoundTrips) {
  std::string bytes;
  for (int b = 0; b < 256; ++b) bytes.push_back(static_cast<char>(b));
  for (size_t length = 0; length <= bytes.size(); length += 37) {
    const std::string part = bytes.substr(0, length);
    EXPECT_EQ(decode_base64(encode_base64(part)).value(), part) << length;
  }
}

TEST(Base64Test, RefusesWhatIsNotStrictBase64) {
  for (const char* text : {"Zg=", "Zg", "Z g=", "Zg==\n", "Zm9v!A==", "Zm9v-_==", "=Zg="}) {
    Result<std::string> bytes = decode_base64(text);
    EXPECT_FALSE(bytes.is_ok()) << text;
    if (!bytes.is_ok()) {
      EXPECT_EQ(bytes.status().code(), StatusCode::kInvalidArgument);
    }
  }
  Result<std::string> bytes = decode_base64("Zm9v!A==");
  ASSERT_FALSE(bytes.is_ok());
  EXPECT_NE(bytes.status().message().find("at character 4"), std::string::npos)
      << bytes.status().message();
}

TEST(JsonlRecordsTest, RecordLineRoundTrips) {
  const std::string key = "caf\xc3\xa9\t\"\\";
  const std::string value("\0\xff\n", 3);
  const std::string line = format_jsonl_record(key, value);
  EXPECT_EQ(line, "{\"key\":\"caf\xc3\xa9\\t\\\"\\\\\",\"value_b64\":\"AP8K\"}\n");
  Result<JsonlRecord> record = parse_jsonl_record(line.substr(0, line.size() - 1));
  ASSERT_TRUE(record.is_ok()) << record.status().to_string();
  EXPECT_EQ(record->key, key);
  EXPECT_EQ(record->value, value);
}

TEST(JsonlRecordsTest, KeyLine) { EXPECT_EQ(format_jsonl_key("a\nb"), "{\"key\":\"a\\nb\"}\n"); }

TEST(JsonlRecordsTest, MembersMayComeInEitherOrder) {
  Result<JsonlRecord> record = parse_jsonl_record(R"({"value_b64":"eA==", "key":"k"})");
  ASSERT_TRUE(record.is_ok()) << record.status().to_string();
  EXPECT_EQ(record->key, "k");
  EXPECT_EQ(record->value, "x");
}

TEST(JsonlRecordsTest, RefusesLinesThatAreNotRecords) {
  for (const char* line : {"", "[]", R"({"key":"k"})", R"({"value_b64":""})",
                           R"({"key":"k","value_b64":"","more":""})",
                           R"({"key":"k","value_b64":"x"})", R"({"key":1,"value_b64":""})"}) {
    Result<JsonlRecord> record = parse_jsonl_record(line);
    EXPECT_FALSE(record.is_ok()) << line;
  }
}

TEST(JsonlRecordsTest, TextFormEscapesNonPrintableBytesAndBackslash) {
  const std::string value = "v\x01\\\xc3\xa9";
  EXPECT_EQ(format_text_record("k\tey", &value), "k\\x09ey\tv\\x01\\x5c\\xc3\\xa9\n");
  EXPECT_EQ(format_text_record("plain key", nullptr), "plain key\n");
}

}  // namespace
}  // namespace logkv::tool
