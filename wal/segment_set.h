// Which segment files in a store folder are the store: the folder listing held against the
// manifest (wal/manifest.h). Open, check, repair and backup all ask this one function, so that
// they agree on what is missing, cut, or foreign.
//
// Without a manifest (a store written before manifests, or one whose first writer's open has not
// finished) every segment in the folder is the store, as before. With one:
//
//   1. Every sealed segment it lists must exist with exactly the listed length. A missing one is
//      a lost segment; another length means the file was cut (even at a record boundary, where
//      what is left reads as whole) or written to after it was sealed. Both are problems.
//   2. The newest segment it names must exist. A segment with a higher id than that one that
//      holds no record (the writer appends only after the publish) is the new segment of a roll
//      that crashed before publishing the manifest: the highest such is the newest segment. One
//      that holds records is foreign (rule 4).
//   3. A segment it does not list whose id is pending (a compaction's output not yet added) or
//      retired (a compaction's input whose removal a crash interrupted) is a leftover: not part
//      of the store, never read, removed by a writer's open. So is the hint file of such an id
//      whose segment file is gone.
//   4. Any other segment it does not list is foreign (a file restored or copied in from
//      elsewhere): a problem, and never read, so it cannot bring back older values.
//
// A damaged manifest is a problem too; the folder is then taken as it is, as without one.
//
// Thread-safety: shares no state; the FileSystem must be thread-safe (it is).
#ifndef LOGKV_WAL_SEGMENT_SET_H_
#define LOGKV_WAL_SEGMENT_SET_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "fs/file_system.h"
#include "logkv/status.h"
#include "wal/manifest.h"
#include "wal/store_folder.h"

namespace logkv {

struct SegmentSetProblem {
  enum class Kind : uint8_t {
    kMissing,         // listed, but no such file: its records are lost
    kLengthDiffers,   // listed as sealed at another length
    kNotInStore,      // in the folder, not listed (rule 4)
    kManifestDamaged  // segment_id is 0
  };
  Kind kind = Kind::kMissing;
  uint64_t segment_id = 0;
  uint64_t listed_bytes = 0;   // the manifest's length (kLengthDiffers, kMissing of a sealed one)
  uint64_t present_bytes = 0;  // the file's length (kLengthDiffers, kNotInStore)
  std::string file;            // the file's name in the folder (a segment, or MANIFEST)
  std::string what;            // what is wrong, to follow the file's path ("is missing: ...")
};

struct SegmentSet {
  // The folder's listing with only the store's segments and their hint files (rules 1-4).
  StoreFolderListing listing;
  std::optional<Manifest> manifest;  // nullopt when there is none or it is damaged
  // Ids of rule 3, whose segment and hint files (either may be gone) a writer's open removes.
  std::vector<uint64_t> leftovers;
  std::vector<SegmentSetProblem> problems;
};

// Lists `dir` (list_store_folder) and holds the listing against its manifest. The manifest is
// read before and after the listing, and all three again when it changed in between, so that a
// writer's publish (which precedes every removal it allows) never makes a listing and a manifest
// of different moments disagree. Errors only when a file cannot be read (kNotFound when a
// writer's compaction removed a file meanwhile: the caller starts again) or the folder holds a
// file logkv does not write; damage is reported in SegmentSet::problems.
Result<SegmentSet> reconcile_segment_set(FileSystem& fs, const std::string& dir);

// The manifest that describes `lengths` (every segment of a store, ascending ids, the last one
// the newest) with nothing pending or retired. Requires a segment: a store without one has no
// manifest.
Manifest manifest_of(std::span<const std::pair<uint64_t, uint64_t>> lengths);

}  // namespace logkv

#endif  // LOGKV_WAL_SEGMENT_SET_H_
