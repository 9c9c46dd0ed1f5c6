// Fuzz target: decode_record (wal/record.h) on arbitrary bytes. It must never read outside its
// input, and a record it accepts must re-encode to exactly the bytes it was decoded from.
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_target.h"
#include "wal/record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const logkv::DecodedRecord decoded = logkv::decode_record(input);
  if (decoded.status != logkv::DecodeStatus::kOk) {
    LOGKV_FUZZ_CHECK(decoded.bytes == 0, "a rejected record has no length");
    LOGKV_FUZZ_CHECK(!decoded.reason.empty(), "a rejected record says why");
    return 0;
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
  return 0;
}
