#include "wal/record.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <string>

#include "base/endian_coding.h"
#include "tests/wal/wal_test_util.h"
#include "wal/record_format.h"

namespace logkv {
namespace {

using testing::flip_bit;
using testing::set_record_field_and_reseal;

std::string encode(const Record& record) {
  std::string bytes;
  append_encoded_record(record, &bytes);
  return bytes;
}

void expect_round_trip(const Record& record) {
  const std::string bytes = encode(record);
  ASSERT_EQ(bytes.size(), encoded_record_bytes(record.key.size(), record.value.size()));
  const DecodedRecord decoded = decode_record(bytes);
  ASSERT_EQ(decoded.status, DecodeStatus::kOk) << decoded.reason;
  EXPECT_TRUE(decoded.reason.empty());
  EXPECT_EQ(decoded.bytes, bytes.size());
  EXPECT_EQ(decoded.record.type, record.type);
  EXPECT_EQ(decoded.record.sequence, record.sequence);
  EXPECT_EQ(decoded.record.synced_offset, record.synced_offset);
  EXPECT_EQ(decoded.record.key, record.key);
  EXPECT_EQ(decoded.record.value, record.value);
}

TEST(RecordTest, RoundTripsSet) { expect_round_trip({RecordType::kSet, 7, 4096, "key", "value"}); }

TEST(RecordTest, RoundTripsDelete) { expect_round_trip({RecordType::kDelete, 8, 32, "key", ""}); }

TEST(RecordTest, RoundTripsEmptyKey) { expect_round_trip({RecordType::kSet, 1, 0, "", "value"}); }

TEST(RecordTest, RoundTripsEmptyValue) { expect_round_trip({RecordType::kSet, 1, 0, "key", ""}); }

TEST(RecordTest, RoundTripsEmptyKeyAndValue) {
  expect_round_trip({RecordType::kSet, 1, 0, "", ""});
}

TEST(RecordTest, RoundTripsBinaryBytes) {
  const std::string key("\0\xff\x01", 3);
  const std::string value("\0\0\x80zz", 5);
  expect_round_trip({RecordType::kSet, 3, 100, key, value});
}

TEST(RecordTest, RoundTripsLargestFieldValues) {
  const std::string key(kRecordKeyBytesMax, 'k');
  const std::string value(size_t{1} << 20, 'v');
  expect_round_trip({RecordType::kSet, UINT64_MAX, UINT32_MAX, key, value});
}

TEST(RecordTest, HeaderLayoutIsLittleEndianAsDocumented) {
  const std::string bytes = encode({RecordType::kSet, 0x0102030405060708, 0x0a0b0c0d, "k", "vv"});
  const std::string expected_after_checksum(
      "\x08\x07\x06\x05\x04\x03\x02\x01"  // sequence
      "\x0d\x0c\x0b\x0a"                  // synced_offset
      "\x02\x00\x00\x00"                  // value_len
      "\x01\x00"                          // key_len
      "\x01"                              // type: set
      "\x00"                              // flags
      "kvv",
      23);
  EXPECT_EQ(bytes.substr(kRecordChecksummedFrom), expected_after_checksum);
  EXPECT_EQ(load_little_endian<uint64_t>(bytes.data()),
            XXH3_64bits(bytes.data() + 8, bytes.size() - 8));
}

TEST(RecordTest, AppendKeepsEarlierContentsOfTheBuffer) {
  std::string bytes = "prefix";
  append_encoded_record({RecordType::kSet, 1, 0, "a", "b"}, &bytes);
  EXPECT_EQ(bytes.substr(0, 6), "prefix");
  EXPECT_EQ(decode_record(std::string_view(bytes).substr(6)).status, DecodeStatus::kOk);
}

TEST(RecordTest, DecodeIgnoresBytesAfterTheRecord) {
  std::string bytes = encode({RecordType::kSet, 1, 0, "a", "b"});
  const size_t record_bytes = bytes.size();
  bytes += "trailing garbage";
  const DecodedRecord decoded = decode_record(bytes);
  ASSERT_EQ(decoded.status, DecodeStatus::kOk);
  EXPECT_EQ(decoded.bytes, record_bytes);
}

TEST(RecordTest, EveryBitFlipIsDetected) {
  const std::string clean = encode({RecordType::kSet, 5, 64, "key", "value"});
  for (size_t offset = 0; offset < clean.size(); ++offset) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bytes = clean;
      flip_bit(&bytes, offset, bit);
      EXPECT_NE(decode_record(bytes).status, DecodeStatus::kOk)
          << "offset " << offset << " bit " << bit;
    }
  }
}

void expect_corrupt(const std::string& bytes, std::string_view reason) {
  const DecodedRecord decoded = decode_record(bytes);
  EXPECT_EQ(decoded.status, DecodeStatus::kCorrupt);
  EXPECT_EQ(decoded.reason, reason);
  EXPECT_EQ(decoded.bytes, 0u);
}

TEST(RecordTest, BitFlipInHeaderIsChecksumMismatch) {
  std::string bytes = encode({RecordType::kSet, 5, 64, "key", "value"});
  flip_bit(&bytes, kRecordSequenceOffset, 3);
  expect_corrupt(bytes, "record checksum mismatch");
}

TEST(RecordTest, BitFlipInKeyIsChecksumMismatch) {
  std::string bytes = encode({RecordType::kSet, 5, 64, "key", "value"});
  flip_bit(&bytes, kRecordHeaderBytes + 1);
  expect_corrupt(bytes, "record checksum mismatch");
}

TEST(RecordTest, BitFlipInValueIsChecksumMismatch) {
  std::string bytes = encode({RecordType::kSet, 5, 64, "key", "value"});
  flip_bit(&bytes, bytes.size() - 1, 7);
  expect_corrupt(bytes, "record checksum mismatch");
}

TEST(RecordTest, BitFlipInChecksumIsChecksumMismatch) {
  std::string bytes = encode({RecordType::kSet, 5, 64, "key", "value"});
  flip_bit(&bytes, kRecordChecksumOffset + 2);
  expect_corrupt(bytes, "record checksum mismatch");
}

// kSkip trusts the bytes under the checksum but still checks the header.
TEST(RecordTest, SkippingTheChecksumStillChecksTheHeader) {
  std::string bytes = encode({RecordType::kSet, 5, 64, "key", "value"});
  flip_bit(&bytes, bytes.size() - 1, 7);
  const DecodedRecord skipped = decode_record(bytes, ChecksumCheck::kSkip);
  ASSERT_EQ(skipped.status, DecodeStatus::kOk);
  EXPECT_EQ(skipped.record.value, std::string_view("valu\xe5"));
  flip_bit(&bytes, kRecordTypeOffset, 2);
  EXPECT_EQ(decode_record(bytes, ChecksumCheck::kSkip).reason, "invalid record type");
}

TEST(RecordTest, InvalidTypeIsCorruptEvenWithMatchingChecksum) {
  for (uint8_t type : {uint8_t{0}, kRecordTypeBatchReservedByte, uint8_t{4}, uint8_t{255}}) {
    std::string bytes = encode({RecordType::kSet, 5, 64, "key", "value"});
    set_record_field_and_reseal(&bytes, 0, kRecordTypeOffset, type);
    expect_corrupt(bytes, "invalid record type");
  }
}

TEST(RecordTest, UnknownFlagsAreCorruptEvenWithMatchingChecksum) {
  std::string bytes = encode({RecordType::kSet, 5, 64, "key", "value"});
  set_record_field_and_reseal(&bytes, 0, kRecordFlagsOffset, uint8_t{0x10});
  expect_corrupt(bytes, "unknown record flags");
}

TEST(RecordTest, BatchContinuesFlagRoundTrips) {
  Record record{RecordType::kSet, 9, 64, "key", "value"};
  record.flags = kRecordFlagBatchContinues;
  const std::string bytes = encode(record);
  const DecodedRecord decoded = decode_record(bytes);
  ASSERT_EQ(decoded.status, DecodeStatus::kOk) << decoded.reason;
  EXPECT_EQ(decoded.record.flags, kRecordFlagBatchContinues);
}

TEST(RecordTest, SequenceZeroIsCorruptEvenWithMatchingChecksum) {
  std::string bytes = encode({RecordType::kSet, 5, 64, "key", "value"});
  set_record_field_and_reseal(&bytes, 0, kRecordSequenceOffset, uint64_t{0});
  expect_corrupt(bytes, "sequence number 0");
}

TEST(RecordTest, DeleteWithValueIsCorruptEvenWithMatchingChecksum) {
  std::string bytes = encode({RecordType::kSet, 5, 64, "key", "value"});
  set_record_field_and_reseal(&bytes, 0, kRecordTypeOffset, kRecordTypeDeleteByte);
  expect_corrupt(bytes, "delete record with a non-empty value");
}

TEST(RecordTest, ValueLengthBeyondAnyAcceptedValueIsCorrupt) {
  std::string bytes = encode({RecordType::kSet, 5, 64, "key", "value"});
  store_little_endian(bytes.data() + kRecordValueLenOffset,
                      static_cast<uint32_t>(kRecordValueBytesMax + 1));
  expect_corrupt(bytes, "value length larger than any accepted value");
}

TEST(RecordTest, LargestValueLengthIsPlausibleButTruncated) {
  std::string bytes = encode({RecordType::kSet, 5, 64, "key", "value"});
  store_little_endian(bytes.data() + kRecordValueLenOffset,
                      static_cast<uint32_t>(kRecordValueBytesMax));
  EXPECT_EQ(decode_record(bytes).status, DecodeStatus::kTruncated);
}

TEST(RecordTest, AllZeroHeaderIsCorrupt) {
  expect_corrupt(std::string(kRecordHeaderBytes, '\0'), "all-zero record header");
}

TEST(RecordTest, ZeroFilledBytesAreCorrupt) {
  expect_corrupt(std::string(4096, '\0'), "all-zero record header");
}

TEST(RecordTest, TruncatedHeaderIsTruncated) {
  const std::string bytes = encode({RecordType::kSet, 5, 64, "key", "value"});
  for (size_t kept = 0; kept < kRecordHeaderBytes; ++kept) {
    const DecodedRecord decoded = decode_record(std::string_view(bytes).substr(0, kept));
    EXPECT_EQ(decoded.status, DecodeStatus::kTruncated) << "kept " << kept;
    EXPECT_EQ(decoded.reason, "record header runs past the end of the data");
  }
}

TEST(RecordTest, TruncatedPayloadIsTruncated) {
  const std::string bytes = encode({RecordType::kSet, 5, 64, "key", "value"});
  for (size_t kept = kRecordHeaderBytes; kept < bytes.size(); ++kept) {
    const DecodedRecord decoded = decode_record(std::string_view(bytes).substr(0, kept));
    EXPECT_EQ(decoded.status, DecodeStatus::kTruncated) << "kept " << kept;
    EXPECT_EQ(decoded.reason, "record key and value run past the end of the data");
  }
}

}  // namespace
}  // namespace logkv
