// Fuzz target: decode_hint_file (compaction/hint_file.h) on arbitrary bytes. The first input byte
// chooses the segment id the hint must belong to (1 + its low 7 bits) and, with its high bit,
// whether to recompute the file's checksum first (random bytes almost never carry a matching
// XXH3 checksum, and the entry checks sit behind it); the rest is the file. A decode
// either fails with kCorruption naming the file, or returns entries that keep every promise open
// relies on: each lies inside the segment, in file order without overlap, with increasing
// sequences and a valid type; and encoding them again gives back the same bytes (the format has
// exactly one spelling of a hint file, so a check that accepts anything else is a bug).
#include <xxhash.h>

#include <string>
#include <string_view>

#include "base/endian_coding.h"
#include "tests/fuzz/fuzz_target.h"
#include "wal/hint_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint64_t segment_id = 1 + (data[0] & 0x7f);
  std::string file(reinterpret_cast<const char*>(data + 1), size - 1);
  if ((data[0] & 0x80) != 0 && file.size() >= logkv::kHintTrailerBytes) {
    const size_t checked = file.size() - logkv::kHintTrailerBytes;
    logkv::store_little_endian(file.data() + checked, XXH3_64bits(file.data(), checked));
  }
  const std::string_view bytes(file);
  const logkv::Result<logkv::DecodedHintFile> decoded =
      logkv::decode_hint_file(bytes, segment_id, "fuzz.hint");
  if (!decoded.is_ok()) {
    LOGKV_FUZZ_CHECK(decoded.status().code() == logkv::StatusCode::kCorruption,
                     "a rejected hint file is reported as corruption");
    LOGKV_FUZZ_CHECK(decoded.status().message().find("fuzz.hint") != std::string::npos,
                     "the error names the file");
    return 0;
  }
  const logkv::DecodedHintFile& hint = *decoded;
  uint64_t next_offset = 0;
  uint64_t previous_sequence = 0;
  for (const logkv::HintEntry& entry : hint.entries) {
    LOGKV_FUZZ_CHECK(
        entry.type == logkv::RecordType::kSet || entry.type == logkv::RecordType::kDelete,
        "an entry has a valid type");
    LOGKV_FUZZ_CHECK(entry.offset >= next_offset, "entries are in file order without overlap");
    LOGKV_FUZZ_CHECK(uint64_t{entry.offset} + entry.record_bytes <= hint.segment_bytes,
                     "an entry lies inside the segment");
    LOGKV_FUZZ_CHECK(entry.sequence > previous_sequence, "sequences increase");
    LOGKV_FUZZ_CHECK(entry.key.data() >= bytes.data() &&
                         entry.key.data() + entry.key.size() <= bytes.data() + bytes.size(),
                     "a key points into the decoded bytes");
    next_offset = uint64_t{entry.offset} + entry.record_bytes;
    previous_sequence = entry.sequence;
  }
  LOGKV_FUZZ_CHECK(hint.last_sequence == previous_sequence,
                   "last_sequence is the largest sequence");
  LOGKV_FUZZ_CHECK(logkv::encode_hint_file(segment_id, hint.segment_bytes, hint.entries) == bytes,
                   "a decoded hint file encodes back to the same bytes");
  return 0;
}
