// The 24 bytes that start every file logkv writes about a segment: the segment file itself and
// its hint file (layouts in wal/record_format.h and wal/hint_file.h, grammar in docs/FORMAT.md).
//
//   magic[8] | u32 format_version | u32 reserved (0) | u64 segment_id
//
// The magic tells which kind of file it is, the version which format, and the segment id which
// segment it belongs to, so that a file copied or renamed to the wrong name, or a file that is
// not logkv's, is refused instead of being read.
//
// Thread-safety: pure functions.
#ifndef LOGKV_WAL_FILE_PREAMBLE_H_
#define LOGKV_WAL_FILE_PREAMBLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace logkv {

inline constexpr size_t kPreambleMagicBytes = 8;
inline constexpr size_t kPreambleVersionOffset = 8;
inline constexpr size_t kPreambleReservedOffset = 12;
inline constexpr size_t kPreambleSegmentIdOffset = 16;
inline constexpr size_t kPreambleBytes = 24;

static_assert(kPreambleVersionOffset == kPreambleMagicBytes);
static_assert(kPreambleReservedOffset == kPreambleVersionOffset + sizeof(uint32_t));
static_assert(kPreambleSegmentIdOffset == kPreambleReservedOffset + sizeof(uint32_t));
static_assert(kPreambleBytes == kPreambleSegmentIdOffset + sizeof(uint64_t));

// What kind of file a preamble starts, for writing and checking it.
struct FileKind {
  std::string_view magic;     // exactly kPreambleMagicBytes bytes
  uint32_t format_version;    // the one version this build writes and reads
  std::string_view not_kind;  // the reader's words for a wrong magic ("not a logkv segment")
  std::string_view relation;  // "belongs to" / "describes", for a wrong segment id
};

// Appends the preamble of `kind` for segment `segment_id` to `out`.
void append_file_preamble(std::string* out, const FileKind& kind, uint64_t segment_id);

// Why the first kPreambleBytes of `bytes` are not the preamble of a `kind` file of segment
// `expected_id`; empty when they are. Requires bytes.size() >= kPreambleBytes.
std::string file_preamble_problem(std::string_view bytes, const FileKind& kind,
                                  uint64_t expected_id);

}  // namespace logkv

#endif  // LOGKV_WAL_FILE_PREAMBLE_H_
