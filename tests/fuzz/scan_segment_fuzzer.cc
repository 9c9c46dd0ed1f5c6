// Fuzz target: scan_segment (wal/segment_scanner.h) on an arbitrary segment. The first input
// byte chooses the segment id (1 + byte / 2) and whether the segment is the newest (bit 0); the
// rest is the file. The scan must never read outside the file, must only visit records that
// decode again at their offsets, in order, and must classify its result consistently.
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_target.h"
#include "wal/record_format.h"
#include "wal/segment_scanner.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool is_newest = (data[0] & 1) != 0;
  const uint64_t segment_id = 1 + data[0] / 2;
  const std::string_view contents(reinterpret_cast<const char*>(data + 1), size - 1);
  uint64_t visited = 0;
  uint64_t next_offset = logkv::kSegmentHeaderBytes;
  uint64_t previous_sequence = 0;
  const logkv::SegmentScan scan = logkv::scan_segment(
      contents, "fuzz.log", segment_id, is_newest, [&](const logkv::ScannedRecord& scanned) {
        LOGKV_FUZZ_CHECK(scanned.offset >= next_offset, "records are visited in file order");
        LOGKV_FUZZ_CHECK(scanned.offset + scanned.bytes <= contents.size(),
                         "a visited record lies inside the file");
        const logkv::DecodedRecord again = logkv::decode_record(contents.substr(scanned.offset));
        LOGKV_FUZZ_CHECK(again.status == logkv::DecodeStatus::kOk && again.bytes == scanned.bytes,
                         "a visited record decodes at its offset");
        LOGKV_FUZZ_CHECK(scanned.record.sequence > previous_sequence, "sequences increase");
        previous_sequence = scanned.record.sequence;
        next_offset = scanned.offset + scanned.bytes;
        ++visited;
      });
  LOGKV_FUZZ_CHECK(scan.file_bytes == contents.size(), "file_bytes is the file's size");
  LOGKV_FUZZ_CHECK(scan.valid_end <= scan.file_bytes, "valid_end lies inside the file");
  if (scan.status.is_ok()) {
    LOGKV_FUZZ_CHECK(scan.records == visited, "every good record is visited once");
    LOGKV_FUZZ_CHECK(next_offset <= scan.valid_end || visited == 0,
                     "visited records end before valid_end");
    LOGKV_FUZZ_CHECK(scan.torn_tail || scan.valid_end == scan.file_bytes,
                     "without a torn tail the whole file is valid");
    LOGKV_FUZZ_CHECK(is_newest || !scan.torn_tail, "only the newest segment has a torn tail");
  } else {
    LOGKV_FUZZ_CHECK(scan.status.code() == logkv::StatusCode::kCorruption,
                     "a failed scan reports corruption");
    LOGKV_FUZZ_CHECK(scan.status.message().find("fuzz.log") != std::string::npos,
                     "the error names the file");
    LOGKV_FUZZ_CHECK(!scan.torn_tail, "corruption is not a torn tail");
  }
  return 0;
}
