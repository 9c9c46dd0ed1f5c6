// Names of segment files in a store folder.
//
// A segment is named by its id: exactly 10 decimal digits, zero-padded, then ".log"
// ("0000000001.log"). Zero-padding makes name order equal id order in a directory listing.
// Other names in a store folder (hint files, the LOCK file) are described in docs/FORMAT.md.
//
// Thread-safety: pure functions.
#ifndef LOGKV_WAL_SEGMENT_FILE_NAME_H_
#define LOGKV_WAL_SEGMENT_FILE_NAME_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace logkv {

inline constexpr std::string_view kSegmentFileSuffix = ".log";
inline constexpr size_t kSegmentFileIdDigits = 10;
// The largest id that fits in kSegmentFileIdDigits digits.
inline constexpr uint64_t kSegmentIdMax = 9'999'999'999;

// "0000000042.log" for 42. Precondition: id <= kSegmentIdMax (asserted).
std::string segment_file_name(uint64_t id);

// The id in a segment file name, or nullopt when `name` is not exactly 10 ASCII digits followed
// by ".log" (no sign, no spaces, no path, no other suffix).
std::optional<uint64_t> parse_segment_file_name(std::string_view name);

}  // namespace logkv

#endif  // LOGKV_WAL_SEGMENT_FILE_NAME_H_
