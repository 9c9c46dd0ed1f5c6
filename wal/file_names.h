// The name of every file logkv writes in a store folder, in one place (as LevelDB's
// db/filename.h). docs/FORMAT.md ("Store folder") lists the same names for readers.
//
//   NNNNNNNNNN.log       a segment: its id as exactly ten zero-padded decimal digits, so that
//                        name order is id order in a directory listing
//   NNNNNNNNNN.hint      the hint file of segment NNNNNNNNNN
//   <final name>.tmp     a segment or hint file still being written ("0000000042.log.tmp");
//                        renamed to its final name once complete and synced. A temporary file
//                        found at open was never published, so open removes it.
//   LOCK                 the writer's lock file
//   CLOSED               where the last clean close left the log (wal/close_marker.h);
//                        "CLOSED.tmp" while it is written
//   MANIFEST             which segments make up the store and how long each sealed one is
//                        (wal/manifest.h); "MANIFEST.tmp" while it is written
//   INDEX                the key directory at a point of the log (index/index_checkpoint.h);
//                        "INDEX.tmp" while it is written
//   RESERVE              zeros kept so that a full disk can still be recovered by deletes and
//                        compaction (fs/space_reserve.h); "RESERVE.tmp" while it is made
//
// Thread-safety: pure functions.
#ifndef LOGKV_WAL_FILE_NAMES_H_
#define LOGKV_WAL_FILE_NAMES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace logkv {

inline constexpr std::string_view kSegmentFileSuffix = ".log";
inline constexpr std::string_view kHintFileSuffix = ".hint";
inline constexpr std::string_view kTempFileSuffix = ".tmp";
inline constexpr char kLockFileName[] = "LOCK";
inline constexpr char kReserveFileName[] = "RESERVE";
inline constexpr char kCloseMarkerFileName[] = "CLOSED";
inline constexpr char kManifestFileName[] = "MANIFEST";
inline constexpr char kSyncedMarkerFileName[] = "SYNCED";
inline constexpr char kIndexCheckpointFileName[] = "INDEX";
// The folder `logkv repair` keeps the original of every file it changes in, one subfolder per
// run (docs/TOOL.md, "repair"). Opens pass it by.
inline constexpr char kLostAndFoundName[] = "lost+found";

inline constexpr size_t kSegmentFileIdDigits = 10;
// The largest id that fits in kSegmentFileIdDigits digits.
inline constexpr uint64_t kSegmentIdMax = 9'999'999'999;

// "0000000042.log" for 42. Precondition: id <= kSegmentIdMax (asserted).
std::string segment_file_name(uint64_t id);

// The id in a segment file name, or nullopt when `name` is not exactly 10 ASCII digits followed
// by ".log" (no sign, no spaces, no path, no other suffix).
std::optional<uint64_t> parse_segment_file_name(std::string_view name);

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

#endif  // LOGKV_WAL_FILE_NAMES_H_
