// Fuzz target: decode_record (wal/record.h) on arbitrary bytes. It must never read outside its
// input, and a record it accepts must re-encode to exactly the bytes it was decoded from.
//
// Each input is decoded twice: as it is, and with its checksum recomputed over the record its
// header describes. Random bytes almost never carry a matching XXH3 checksum, so without the
// second pass the fuzzer would hardly reach the checks behind the checksum.
#include <string>
#include <string_view>

#include "base/endian_coding.h"
#include "tests/fuzz/fuzz_target.h"
#include "wal/record.h"
#include "wal/record_format.h"

namespace {

void check_decode(std::string_view input) {
  const size_t size = input.size();
  const logkv::DecodedRecord decoded = logkv::decode_record(input);
  if (decoded.status != logkv::DecodeStatus::kOk) {
    LOGKV_FUZZ_CHECK(decoded.bytes == 0, "a rejected record has no length");
    LOGKV_FUZZ_CHECK(!decoded.reason.empty(), "a rejected record says why");
    return;
  }
  const logkv::Record& record = decoded.record;
  LOGKV_FUZZ_CHECK(decoded.bytes <= size, "the record fits in its input");
  LOGKV_FUZZ_CHECK(
      decoded.bytes == logkv::encoded_record_bytes(record.key.size(), record.value.size()),
      "the length is header plus key plus value");
  LOGKV_FUZZ_CHECK(record.key.data() >= input.data() &&
                       record.value.data() + record.value.size() <= input.data() + decoded.bytes,
                   "key and value point into the record");
  LOGKV_FUZZ_CHECK(record.sequence >= logkv::kFirstSequence, "sequence numbers start at 1");
  LOGKV_FUZZ_CHECK(record.type == logkv::RecordType::kSet || record.value.empty(),
                   "a delete has no value");
  std::string encoded;
  logkv::append_encoded_record(record, &encoded);
  LOGKV_FUZZ_CHECK(encoded == input.substr(0, decoded.bytes), "decode and encode round-trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_decode(input);
  if (size < logkv::kRecordHeaderBytes) return 0;
  const auto key_len =
      logkv::load_little_endian<uint16_t>(input.data() + logkv::kRecordKeyLenOffset);
  const auto value_len =
      logkv::load_little_endian<uint32_t>(input.data() + logkv::kRecordValueLenOffset);
  const uint64_t record_bytes = logkv::encoded_record_bytes(key_len, value_len);
  if (record_bytes > size) return 0;
  std::string fixed(input);
  logkv::store_little_endian(
      fixed.data() + logkv::kRecordChecksumOffset,
      logkv::compute_record_checksum(std::string_view(fixed.data(), record_bytes)));
  check_decode(fixed);
  return 0;
}
