#include "compaction/segment_records.h"

#include <algorithm>
#include <unordered_map>

#include "wal/file_names.h"
#include "wal/hint_io.h"
#include "wal/segment_scanner.h"

namespace logkv {

Result<std::vector<SegmentRecord>> scan_segment_records(std::string_view contents,
                                                        std::string_view path,
                                                        uint64_t segment_id) {
  std::vector<SegmentRecord> records;
  std::unordered_map<std::string_view, size_t> newest;  // key -> position in records
  const SegmentScan scan =
      scan_segment(contents, path, segment_id, /*is_newest=*/false, [&](const ScannedRecord& r) {
        SegmentRecord record{std::string(r.record.key), r.record.sequence,
                             static_cast<uint32_t>(r.offset), r.bytes, r.record.type};
        // Keys point into `contents`, which outlives the map.
        auto [it, inserted] = newest.try_emplace(r.record.key, records.size());
        if (inserted) {
          records.push_back(std::move(record));
        } else {
          records[it->second] = std::move(record);
        }
      });
  if (!scan.status.is_ok()) return scan.status;
  // A key's slot was taken by its first record; its newest one may lie later in the file.
  std::sort(records.begin(), records.end(),
            [](const SegmentRecord& a, const SegmentRecord& b) { return a.offset < b.offset; });
  return records;
}

Result<std::vector<SegmentRecord>> read_segment_records(FileSystem& fs, const std::string& dir,
                                                        uint64_t segment_id,
                                                        const RandomAccessFile& file,
                                                        uint64_t segment_bytes, bool* used_hint) {
  if (used_hint != nullptr) *used_hint = false;
  if (Result<LoadedHint> loaded = load_hint_file(fs, dir, segment_id, segment_bytes);
      loaded.is_ok()) {
    std::vector<SegmentRecord> records;
    records.reserve(loaded->hint.entries.size());
    for (const HintEntry& entry : loaded->hint.entries) {
      records.push_back(SegmentRecord{std::string(entry.key), entry.sequence, entry.offset,
                                      entry.record_bytes, entry.type});
    }
    if (used_hint != nullptr) *used_hint = true;
    return records;
  }
  auto scratch = std::make_unique_for_overwrite<char[]>(segment_bytes == 0 ? 1 : segment_bytes);
  Result<std::string_view> contents = file.read(0, segment_bytes, scratch.get());
  if (!contents.is_ok()) return contents.status();
  const std::string path = join_path(dir, segment_file_name(segment_id));
  if (contents->size() != segment_bytes) {
    return Status::io_error("short read of '" + path + "': got " +
                            std::to_string(contents->size()) + " of " +
                            std::to_string(segment_bytes) + " bytes");
  }
  return scan_segment_records(*contents, path, segment_id);
}

std::vector<HintEntry> hint_entries_for(std::span<const SegmentRecord> records) {
  std::vector<HintEntry> entries;
  entries.reserve(records.size());
  for (const SegmentRecord& record : records) {
    entries.push_back(
        HintEntry{record.key, record.sequence, record.offset, record.record_bytes, record.type});
  }
  return entries;
}

}  // namespace logkv
