#include "wal/store_folder.h"

#include <algorithm>

#include "wal/file_names.h"

namespace logkv {

Result<StoreFolderListing> list_store_folder(FileSystem& fs, const std::string& dir) {
  Result<std::vector<std::string>> names = fs.list_dir(dir);
  if (!names.is_ok()) return names.status();
  StoreFolderListing listing;
  for (const std::string& name : *names) {
    if (name == kLockFileName || name == kLostAndFoundName) continue;
    // The space reserve holds no data (fs/space_reserve.h).
    if (name == kReserveFileName || name == temp_file_name(kReserveFileName)) continue;
    // Nor does the close marker (wal/close_marker.h).
    if (name == kCloseMarkerFileName || name == temp_file_name(kCloseMarkerFileName)) continue;
    // Nor does the synced-point marker (wal/synced_marker.h).
    if (name == kSyncedMarkerFileName) continue;
    // Nor does the index checkpoint (index/index_checkpoint.h): the log holds everything in it.
    // Its temporary file is a crash's leftover, to remove like a compaction's.
    if (name == kIndexCheckpointFileName) continue;
    if (name == temp_file_name(kIndexCheckpointFileName)) {
      listing.temp_names.push_back(name);
      continue;
    }
    // The manifest is read on its own (wal/manifest.h, wal/segment_set.h).
    if (name == kManifestFileName || name == temp_file_name(kManifestFileName)) continue;
    // The io_uring probe's scratch file, left behind only if a process died mid-probe.
    if (name.starts_with(".logkv-io-uring-probe-")) continue;
    if (std::optional<uint64_t> id = parse_segment_file_name(name)) {
      listing.segment_ids.push_back(*id);
      continue;
    }
    if (std::optional<uint64_t> id = parse_hint_file_name(name)) {
      listing.hint_ids.push_back(*id);
      continue;
    }
    if (is_temp_file_name(name)) {
      listing.temp_names.push_back(name);
      continue;
    }
    // The folder's contents, not the caller's input, are wrong: a store error (a tool exits
    // 4), like any other file in the folder that logkv cannot read.
    return Status::corruption("'" + join_path(dir, name) + "' is not a file logkv writes, so '" +
                              dir +
                              "' is not a logkv store folder; move that file out of the folder, "
                              "or open an empty or new folder");
  }
  std::sort(listing.segment_ids.begin(), listing.segment_ids.end());
  std::sort(listing.hint_ids.begin(), listing.hint_ids.end());
  return listing;
}

}  // namespace logkv
