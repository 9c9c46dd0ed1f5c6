#include "logkv/key_text.h"

#include <gtest/gtest.h>

#include <string>

namespace logkv {
namespace {

TEST(Utf8Test, AsciiAndEmptyAreValid) {
  EXPECT_EQ(first_invalid_utf8_offset(""), std::nullopt);
  EXPECT_EQ(first_invalid_utf8_offset("/hello/world"), std::nullopt);
}

TEST(Utf8Test, MultiByteSequencesAreValid) {
  EXPECT_EQ(first_invalid_utf8_offset("caf\xc3\xa9"), std::nullopt);           // é
  EXPECT_EQ(first_invalid_utf8_offset("\xe2\x82\xac"), std::nullopt);          // €
  EXPECT_EQ(first_invalid_utf8_offset("\xf0\x9f\x98\x80"), std::nullopt);      // emoji
  EXPECT_EQ(first_invalid_utf8_offset("\xf4\x8f\xbf\xbf"), std::nullopt);      // U+10FFFF
  EXPECT_EQ(first_invalid_utf8_offset(std::string("a\0b", 3)), std::nullopt);  // NUL is UTF-8
}

TEST(Utf8Test, StrayContinuationByteIsInvalid) {
  EXPECT_EQ(first_invalid_utf8_offset("ab\x80"), 2u);
}

TEST(Utf8Test, OverlongFormsAreInvalid) {
  EXPECT_EQ(first_invalid_utf8_offset("\xc0\xaf"), 0u);
  EXPECT_EQ(first_invalid_utf8_offset("\xc1\xbf"), 0u);
  EXPECT_EQ(first_invalid_utf8_offset("\xe0\x80\xaf"), 0u);
  EXPECT_EQ(first_invalid_utf8_offset("\xf0\x80\x80\xaf"), 0u);
}

TEST(Utf8Test, SurrogatesAreInvalid) { EXPECT_EQ(first_invalid_utf8_offset("x\xed\xa0\x80"), 1u); }

TEST(Utf8Test, CodePointsAboveMaxAreInvalid) {
  EXPECT_EQ(first_invalid_utf8_offset("\xf4\x90\x80\x80"), 0u);
  EXPECT_EQ(first_invalid_utf8_offset("\xf5\x80\x80\x80"), 0u);
  EXPECT_EQ(first_invalid_utf8_offset("\xff"), 0u);
}

TEST(Utf8Test, TruncatedSequenceIsInvalid) {
  EXPECT_EQ(first_invalid_utf8_offset("ok\xe2\x82"), 2u);
  EXPECT_EQ(first_invalid_utf8_offset("\xf0\x9f\x98"), 0u);
  EXPECT_EQ(first_invalid_utf8_offset("\xe2\x28\xa1"), 0u);
}

}  // namespace
}  // namespace logkv
