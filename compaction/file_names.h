// Names of the files compaction writes in a store folder: hint files and temporary files.
//
// A hint file is named after its segment, "NNNNNNNNNN.hint" (the segment's ten-digit id). A file
// that compaction is still writing carries ".tmp" after its final name ("0000000042.log.tmp",
// "0000000042.hint.tmp") until it is complete and synced; it is then renamed to the final name.
// A temporary file found when a store is opened was never published, so open removes it.
// docs/FORMAT.md lists every name a store folder may hold.
//
// Thread-safety: pure functions.
#ifndef LOGKV_COMPACTION_FILE_NAMES_H_
#define LOGKV_COMPACTION_FILE_NAMES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace logkv {

inline constexpr std::string_view kHintFileSuffix = ".hint";
inline constexpr std::string_view kTempFileSuffix = ".tmp";

// "0000000042.hint" for 42. Precondition: id <= kSegmentIdMax (asserted).
std::string hint_file_name(uint64_t segment_id);

// The segment id in a hint file name, or nullopt when `name` is not exactly ten ASCII digits
// followed by ".hint".
std::optional<uint64_t> parse_hint_file_name(std::string_view name);

// `final_name` + ".tmp".
std::string temp_file_name(std::string_view final_name);

// Whether `name` is the temporary name of a segment or hint file.
bool is_temp_file_name(std::string_view name);

}  // namespace logkv

#endif  // LOGKV_COMPACTION_FILE_NAMES_H_
