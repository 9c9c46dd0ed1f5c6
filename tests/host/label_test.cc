// check_label (logkv/host.h): which labels are accepted, and that a refusal states the rule and
// shows the bad label printably.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "logkv/host.h"

namespace logkv {
namespace {

constexpr std::string_view kRuleText =
    "1 to 64 characters of lower-case ASCII letters and digits in words joined by single '-' "
    "(kebab-case) or single '_' (snake_case), not both, starting with a letter";

void expect_refused(std::string_view label, std::string_view shown, std::string_view why) {
  const Status status = check_label(label);
  ASSERT_EQ(status.code(), StatusCode::kInvalidArgument) << "accepted: " << label;
  EXPECT_NE(status.message().find(kRuleText), std::string::npos) << status.message();
  EXPECT_NE(status.message().find(std::string("label ") + std::string(shown)), std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find(why), std::string::npos) << status.message();
}

TEST(LabelTest, KebabSnakeAndSingleWordLabelsAreAccepted) {
  for (const char* label :
       {"default", "a", "user-sessions", "cache_v2", "a1-b2-c3", "x_y_z", "v2", "abc123"}) {
    EXPECT_TRUE(check_label(label).is_ok()) << label << ": " << check_label(label).to_string();
  }
  EXPECT_TRUE(check_label(std::string(64, 'a')).is_ok());
}

TEST(LabelTest, EmptyLabelIsRefused) { expect_refused("", "''", "is empty"); }

TEST(LabelTest, LabelLongerThan64CharactersIsRefused) {
  expect_refused(std::string(65, 'a'), "'aaaa", "is 65 characters long");
  expect_refused(std::string(300, 'b'), "'bbbb", "is 300 characters long");
}

TEST(LabelTest, PathLikeLabelsAreRefused) {
  expect_refused("../x", "'../x'", "does not start with a lower-case letter");
  expect_refused("a/b", "'a/b'", "contains '/' at offset 1");
  expect_refused("a.b", "'a.b'", "contains '.' at offset 1");
  expect_refused("a\\b", "'a\\x5cb'", "contains '\\' at offset 1");
}

TEST(LabelTest, UpperCaseAndNonAsciiAreRefused) {
  expect_refused("Upper", "'Upper'", "does not start with a lower-case letter");
  expect_refused("upPer", "'upPer'", "contains 'P' at offset 2");
  expect_refused("d\xc3\xa9j\xc3\xa0", "'d\\xc3\\xa9j\\xc3\\xa0'",
                 "contains byte 0xc3 at offset 1");
  expect_refused(std::string("a\0b", 3), "'a\\x00b'", "contains byte 0x00 at offset 1");
  expect_refused("a b", "'a b'", "contains byte 0x20 at offset 1");
}

TEST(LabelTest, LabelStartingWithDigitOrSeparatorIsRefused) {
  expect_refused("1abc", "'1abc'", "does not start with a lower-case letter");
  expect_refused("-abc", "'-abc'", "does not start with a lower-case letter");
  expect_refused("_abc", "'_abc'", "does not start with a lower-case letter");
}

TEST(LabelTest, MixedSeparatorsAreRefused) {
  expect_refused("a-b_c", "'a-b_c'", "mixes '-' and '_'");
  expect_refused("a_b-c", "'a_b-c'", "mixes '-' and '_'");
}

TEST(LabelTest, EmptyWordsAreRefused) {
  expect_refused("a--b", "'a--b'", "has an empty word at offset 2");
  expect_refused("a__b", "'a__b'", "has an empty word at offset 2");
  expect_refused("abc-", "'abc-'", "has an empty word at offset 4");
  expect_refused("a-_b", "'a-_b'", "has an empty word at offset 2");
}

}  // namespace
}  // namespace logkv
