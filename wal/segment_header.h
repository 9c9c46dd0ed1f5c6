// The 32-byte header at the start of every segment file (layout in wal/record_format.h).
//
// The header names the file's format version and its segment id, so that a file renamed or
// copied to the wrong name, or a file that is not a logkv segment at all, is refused instead of
// being read as records.
//
// Thread-safety: pure functions.
#ifndef LOGKV_WAL_SEGMENT_HEADER_H_
#define LOGKV_WAL_SEGMENT_HEADER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "logkv/status.h"

namespace logkv {

// The kSegmentHeaderBytes bytes that start segment `segment_id`.
std::string encode_segment_header(uint64_t segment_id);

// Checks the header at the start of `bytes` (which may hold the whole file). Ok, or
// Status::corruption("<file_name>: bad segment header: <why> ...") when `bytes` is shorter than
// a header, the magic, checksum, format version or reserved field is wrong, or the header names
// another segment than `expected_id`.
Status check_segment_header(std::string_view bytes, uint64_t expected_id,
                            std::string_view file_name);

// Whether the header's checksum matches its bytes: a header that is self-consistent but wrong
// (another segment's, another format's) was written whole; one that is not may be a header
// write that never fully reached the disk. Requires bytes.size() >= kSegmentHeaderBytes.
bool segment_header_checksum_matches(std::string_view bytes);

}  // namespace logkv

#endif  // LOGKV_WAL_SEGMENT_HEADER_H_
