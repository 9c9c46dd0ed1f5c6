#include "wal/segment_set.h"

#include <algorithm>
#include <memory>

#include "wal/file_names.h"
#include "wal/record_format.h"

namespace logkv {
namespace {

bool contains(const std::vector<uint64_t>& sorted, uint64_t id) {
  return std::binary_search(sorted.begin(), sorted.end(), id);
}

// A read manifest: the manifest, none, or damaged (the error).
struct ManifestRead {
  std::optional<Manifest> manifest;
  Status damage;
  bool operator==(const ManifestRead& other) const {
    return manifest == other.manifest && damage.message() == other.damage.message();
  }
};

Result<ManifestRead> read_for_reconcile(FileSystem& fs, const std::string& dir) {
  ManifestRead read;
  Result<std::optional<Manifest>> manifest = read_manifest(fs, dir);
  if (manifest.is_ok()) {
    read.manifest = std::move(manifest).value();
  } else if (manifest.status().code() == StatusCode::kCorruption) {
    read.damage = manifest.status();
  } else {
    return manifest.status();
  }
  return read;
}

// Whether segment `path` holds nothing past its header but zeros (space a writer preallocated).
// Copying reads in pieces: this is the segment a writer in another process may be appending to,
// and it cuts the preallocated zeros when it seals the segment, so a mapped page past the new
// end would kill this reader with SIGBUS.
Result<bool> holds_no_record(FileSystem& fs, const std::string& path) {
  constexpr uint64_t kPieceBytes = uint64_t{1} << 20;
  Result<std::unique_ptr<RandomAccessFile>> file = fs.open_random_access(path);
  if (!file.is_ok()) return file.status();
  Result<uint64_t> size = (*file)->size();
  if (!size.is_ok()) return size.status();
  auto scratch = std::make_unique_for_overwrite<char[]>(kPieceBytes);
  for (uint64_t offset = kSegmentHeaderBytes; offset < *size; offset += kPieceBytes) {
    Result<std::string_view> piece =
        (*file)->read_copy(offset, std::min(kPieceBytes, *size - offset), scratch.get());
    if (!piece.is_ok()) return piece.status();
    if (piece->find_first_not_of('\0') != std::string_view::npos) return false;
    if (piece->size() < std::min(kPieceBytes, *size - offset)) break;  // cut meanwhile
  }
  return true;
}

}  // namespace

Result<SegmentSet> reconcile_segment_set(FileSystem& fs, const std::string& dir) {
  // A publish between the two reads: read again. Publishes are rare (a roll, a compaction), so
  // a few attempts suffice; the last one's view is used whatever happens.
  constexpr int kAttempts = 5;
  Result<ManifestRead> before = read_for_reconcile(fs, dir);
  if (!before.is_ok()) return before.status();
  StoreFolderListing listing;
  bool settled = false;
  for (int attempt = 0;; ++attempt) {
    Result<StoreFolderListing> listed = list_store_folder(fs, dir);
    if (!listed.is_ok()) return listed.status();
    listing = std::move(listed).value();
    Result<ManifestRead> after = read_for_reconcile(fs, dir);
    if (!after.is_ok()) return after.status();
    settled = *after == *before;
    before = std::move(after);
    if (settled || attempt + 1 == kAttempts) break;
  }
  SegmentSet set;
  set.manifest = before->manifest;  // a copy: compared again below
  if (!before->damage.is_ok()) {
    std::string what = before->damage.message();
    const std::string named = "'" + join_path(dir, kManifestFileName) + "' ";
    if (what.starts_with(named)) what.erase(0, named.size());
    set.problems.push_back(
        {SegmentSetProblem::Kind::kManifestDamaged, 0, 0, 0, kManifestFileName, std::move(what)});
  }
  if (!set.manifest) {
    set.listing = std::move(listing);
    return set;
  }
  const Manifest& manifest = *set.manifest;
  const auto segment_path = [&](uint64_t id) { return join_path(dir, segment_file_name(id)); };
  const auto listed = [&](uint64_t id) {
    return id == manifest.newest_id ||
           std::binary_search(
               manifest.sealed.begin(), manifest.sealed.end(), SealedSegment{id, 0},
               [](const SealedSegment& a, const SealedSegment& b) { return a.id < b.id; });
  };
  // When the attempts did not settle (a writer publishing faster than this reads), the listing
  // may predate the manifest: a segment the manifest lists may have been created after the
  // listing, and one it no longer names may have been removed since. Both are looked up again
  // now. This is sound because a writer creates a segment before publishing it and removes one
  // only after publishing that it is retired: a file that exists after the manifest was read
  // and that the manifest neither lists nor retires was not the writer's.
  const auto exists = [&](uint64_t id) -> Result<bool> {
    Result<uint64_t> bytes = fs.file_size(segment_path(id));
    if (bytes.is_ok()) return true;
    if (bytes.status().code() == StatusCode::kNotFound) return false;
    return bytes.status();
  };
  std::vector<uint64_t> present;
  for (uint64_t id : listing.segment_ids) {
    if (!listed(id)) {
      Result<bool> still = exists(id);
      if (!still.is_ok()) return still.status();
      if (!*still) continue;
    }
    present.push_back(id);
  }
  std::vector<uint64_t> ids_listed;
  for (const SealedSegment& sealed : manifest.sealed) ids_listed.push_back(sealed.id);
  ids_listed.push_back(manifest.newest_id);
  for (uint64_t id : ids_listed) {
    if (contains(listing.segment_ids, id)) continue;
    Result<bool> created = exists(id);
    if (!created.is_ok()) return created.status();
    if (*created) present.push_back(id);
  }
  std::sort(present.begin(), present.end());

  std::vector<uint64_t> kept;
  for (const SealedSegment& sealed : manifest.sealed) {
    if (!contains(present, sealed.id)) {
      set.problems.push_back({SegmentSetProblem::Kind::kMissing, sealed.id, sealed.bytes, 0,
                              segment_file_name(sealed.id),
                              "is missing: MANIFEST lists it as a sealed segment of " +
                                  std::to_string(sealed.bytes) +
                                  " bytes, so its records are lost"});
      continue;
    }
    Result<uint64_t> bytes = fs.file_size(segment_path(sealed.id));
    if (!bytes.is_ok()) return bytes.status();
    if (*bytes != sealed.bytes) {
      set.problems.push_back({SegmentSetProblem::Kind::kLengthDiffers, sealed.id, sealed.bytes,
                              *bytes, segment_file_name(sealed.id),
                              "holds " + std::to_string(*bytes) + " bytes, but it was sealed at " +
                                  std::to_string(sealed.bytes) + " (MANIFEST): it was " +
                                  (*bytes < sealed.bytes ? "cut short" : "written to") +
                                  " after it was sealed"});
    }
    kept.push_back(sealed.id);
  }
  if (contains(present, manifest.newest_id)) {
    kept.push_back(manifest.newest_id);
  } else {
    set.problems.push_back({SegmentSetProblem::Kind::kMissing, manifest.newest_id, 0, 0,
                            segment_file_name(manifest.newest_id),
                            "is missing: MANIFEST names it as the newest segment, so its records "
                            "are lost"});
  }
  // Rule 2: the highest unlisted id above the newest is a roll's new segment, if it holds no
  // record (the writer appends only after publishing it).
  std::optional<uint64_t> rolled;
  if (!present.empty() && present.back() > manifest.newest_id) rolled = present.back();
  for (uint64_t id : present) {
    if (listed(id)) continue;
    Result<bool> accepted = id == rolled ? holds_no_record(fs, segment_path(id)) : false;
    if (!accepted.is_ok()) return accepted.status();
    if (!*accepted && id == rolled) {
      // A reader beside a writer: the roll may have been published, and records appended, since
      // the manifest was read. Then the manifest on disk now names it, and it is the store's.
      Result<ManifestRead> now = read_for_reconcile(fs, dir);
      if (!now.is_ok()) return now.status();
      *accepted = now->manifest && now->manifest->newest_id >= id;
    }
    if (*accepted) {
      kept.push_back(id);
    } else if (id == rolled && !manifest.is_pending(id) && !contains(manifest.retired, id)) {
      Result<uint64_t> bytes = fs.file_size(segment_path(id));
      if (!bytes.is_ok()) return bytes.status();
      set.problems.push_back({SegmentSetProblem::Kind::kNotInStore, id, 0, *bytes,
                              segment_file_name(id),
                              "is not part of the store: it holds records, but MANIFEST names " +
                                  segment_file_name(manifest.newest_id) +
                                  " as the newest segment (a segment copied in from elsewhere?), "
                                  "so it is not read"});
    } else if (manifest.is_pending(id) || contains(manifest.retired, id)) {
      set.leftovers.push_back(id);
    } else {
      Result<uint64_t> bytes = fs.file_size(segment_path(id));
      if (!bytes.is_ok()) return bytes.status();
      set.problems.push_back({SegmentSetProblem::Kind::kNotInStore, id, 0, *bytes,
                              segment_file_name(id),
                              "is not part of the store: MANIFEST does not list it (a segment "
                              "restored or copied in from elsewhere?), so it is not read"});
    }
  }
  std::sort(kept.begin(), kept.end());
  std::vector<uint64_t> hints;
  for (uint64_t id : listing.hint_ids) {
    // A hint whose segment is kept, or whose segment is gone (open reads such an orphan for the
    // keys it names). Hints of leftovers and of foreign segments are not the store's; a
    // leftover's hint without its segment (a crash undid one removal or rename of the pair but
    // not the other) is a leftover too.
    const bool leftover = manifest.is_pending(id) || contains(manifest.retired, id);
    if (contains(kept, id) || (!contains(present, id) && !leftover)) {
      hints.push_back(id);
    } else if (leftover && !contains(set.leftovers, id)) {
      set.leftovers.push_back(id);
    }
  }
  std::sort(set.leftovers.begin(), set.leftovers.end());
  set.listing.segment_ids = std::move(kept);
  set.listing.hint_ids = std::move(hints);
  set.listing.temp_names = std::move(listing.temp_names);
  if (!set.problems.empty()) {
    // The files were looked at after the manifest was read (sizes, the contents of a segment
    // above the newest), and a writer may have published since: a problem counts only if the
    // manifest has not moved on meanwhile. A writer holding the lock sees no change.
    Result<ManifestRead> now = read_for_reconcile(fs, dir);
    if (!now.is_ok()) return now.status();
    if (!(*now == *before)) {
      return Status::not_found("the segment set of '" + dir +
                               "' kept changing while it was read (a writer is rolling or "
                               "compacting); try again");
    }
  }
  return set;
}

Manifest manifest_of(std::span<const std::pair<uint64_t, uint64_t>> lengths) {
  Manifest manifest;
  if (lengths.empty()) return manifest;
  manifest.newest_id = lengths.back().first;
  for (size_t i = 0; i + 1 < lengths.size(); ++i) {
    manifest.sealed.push_back(SealedSegment{lengths[i].first, lengths[i].second});
  }
  return manifest;
}

}  // namespace logkv
