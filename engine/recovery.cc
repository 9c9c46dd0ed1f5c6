#include "engine/recovery.h"

#include <algorithm>
#include <array>
#include <span>
#include <unordered_map>

#include "engine/index_checkpoint_fit.h"
#include "logkv/key_text.h"
#include "wal/close_marker.h"
#include "wal/damage_advice.h"
#include "wal/file_names.h"
#include "wal/file_publishing.h"
#include "wal/hint_io.h"
#include "wal/record_format.h"
#include "wal/segment_header.h"
#include "wal/segment_scanner.h"
#include "wal/synced_marker.h"

namespace logkv {

namespace {

// Reads a whole segment. With the POSIX file system the view points into the file's mapping
// and `scratch` stays untouched (make_unique_for_overwrite does not fault its pages in).
// From `from` on only, when the index checkpoint covers the bytes before it: the view then
// still starts at offset 0, but bytes before `from` are not read and must not be looked at.
Result<std::string_view> read_whole(const RandomAccessFile& file, uint64_t bytes,
                                    std::unique_ptr<char[]>& scratch, RecoveryMode mode,
                                    uint64_t from = 0) {
  scratch = std::make_unique_for_overwrite<char[]>(bytes == 0 ? 1 : bytes);
  // Nothing to read: a view of the right length that nothing will look into.
  if (from >= bytes && from > 0) return std::string_view(scratch.get(), bytes);
  Result<std::string_view> read = mode == RecoveryMode::kReadOnly
                                      ? file.read_copy(from, bytes - from, scratch.get() + from)
                                      : file.read(from, bytes - from, scratch.get() + from);
  if (!read.is_ok() || from == 0) return read;
  return std::string_view(read->data() - from, from + read->size());
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

// Builds the key directory from records met in any segment order: per key, the record with the
// highest sequence wins, a delete included. A tie (the same record in a compaction's output and
// in an input a crash left behind) goes to the segment met later, the higher id. Fills the
// directory through its lock-free recovery path: nothing else can see it during open.
class NewestRecordWins {
 public:
  explicit NewestRecordWins(KeyDirectory& keys) : keys_(keys) {}

  // `key_hash` is KeyDirectory::hash_key(key).
  void apply_set(std::string_view key, uint64_t key_hash, const IndexEntry& entry) {
    note_sequence(entry.sequence);
    // Put first and undo in the rare case that a newer record was met already: one index probe
    // per record instead of two, and index updates are most of what a hint-based open costs.
    const std::optional<IndexEntry> replaced = keys_.put_for_recovery(key, key_hash, entry);
    if (replaced && replaced->sequence > entry.sequence) {
      keys_.put_for_recovery(key, key_hash, *replaced);
      return;
    }
    if (!replaced && !deleted_.empty()) {
      auto it = deleted_.find(key);
      if (it != deleted_.end() && it->second > entry.sequence) {
        keys_.erase_for_recovery(key, key_hash);
        return;
      }
    }
    if (replaced) add_live(replaced->segment_id, 0 - uint64_t{replaced->record_bytes});
    add_live(entry.segment_id, entry.record_bytes);
  }

  void apply_delete(std::string_view key, uint64_t key_hash, uint64_t sequence) {
    note_sequence(sequence);
    const std::optional<IndexEntry> existing = keys_.find_for_recovery(key, key_hash);
    if (existing && existing->sequence > sequence) return;
    if (existing) {
      keys_.erase_for_recovery(key, key_hash);
      add_live(existing->segment_id, 0 - uint64_t{existing->record_bytes});
    }
    // Remembered because a segment met later may hold an older value of the key.
    auto [it, inserted] = deleted_.try_emplace(std::string(key), sequence);
    if (!inserted) it->second = std::max(it->second, sequence);
  }

  // The entries of the hint file of segment `segment_id`, in file order. Hashes a batch of keys
  // and prefetches their slots before applying them: a million keys' slots do not fit in cache,
  // and overlapping the misses is worth more than anything else here.
  void apply_hint_entries(std::span<const HintEntry> entries, uint32_t segment_id) {
    constexpr size_t kBatch = 16;
    std::array<uint64_t, kBatch> hashes;
    std::array<const HintEntry*, kBatch> batch;
    size_t next = 0;
    while (next < entries.size()) {
      size_t batched = 0;
      for (; next < entries.size() && batched < kBatch; ++next) {
        const uint64_t key_hash = KeyDirectory::hash_key(entries[next].key);
        keys_.prefetch_for_recovery(key_hash);
        hashes[batched] = key_hash;
        batch[batched++] = &entries[next];
      }
      for (size_t j = 0; j < batched; ++j) {
        const HintEntry& entry = *batch[j];
        if (entry.type == RecordType::kSet) {
          apply_set(entry.key, hashes[j],
                    IndexEntry{segment_id, entry.offset, entry.record_bytes, entry.sequence});
        } else {
          apply_delete(entry.key, hashes[j], entry.sequence);
        }
      }
    }
  }

  // The highest sequence of any record of `key` met so far, a delete included; 0 when none.
  uint64_t newest_sequence_of(std::string_view key) const {
    uint64_t newest = 0;
    const std::optional<IndexEntry> entry =
        keys_.find_for_recovery(key, KeyDirectory::hash_key(key));
    if (entry) newest = entry->sequence;
    if (auto it = deleted_.find(key); it != deleted_.end()) newest = std::max(newest, it->second);
    return newest;
  }

  // Starts from the directory an index checkpoint loaded: its segments' live bytes and its
  // last sequence. Keys it deleted are not known, so only records newer than it may follow.
  void start_from(const CheckpointPoint& point) {
    for (const CheckpointSegment& segment : point.segments) {
      add_live(segment.id, segment.live_bytes);
    }
    note_sequence(point.last_sequence);
  }

  uint64_t last_sequence() const { return last_sequence_; }
  uint64_t live_bytes() const { return live_bytes_; }
  uint64_t live_bytes_of(uint64_t segment_id) const {
    auto it = live_by_segment_.find(segment_id);
    return it == live_by_segment_.end() ? 0 : it->second;
  }

 private:
  void note_sequence(uint64_t sequence) { last_sequence_ = std::max(last_sequence_, sequence); }
  // Adds `bytes` (modulo 2^64, so a subtraction is the negated amount) to a segment's count.
  // The current segment's counter is cached: map nodes do not move.
  void add_live(uint64_t segment_id, uint64_t bytes) {
    if (counter_ == nullptr || segment_id != counter_segment_) {
      counter_ = &live_by_segment_[segment_id];
      counter_segment_ = segment_id;
    }
    *counter_ += bytes;
    live_bytes_ += bytes;
  }

  KeyDirectory& keys_;
  std::unordered_map<std::string, uint64_t, StringHash, std::equal_to<>> deleted_;
  std::unordered_map<uint64_t, uint64_t> live_by_segment_;
  uint64_t* counter_ = nullptr;
  uint64_t counter_segment_ = 0;
  uint64_t live_bytes_ = 0;
  uint64_t last_sequence_ = 0;
};

// Sizes the directory ahead of the records, so that it does not rehash ~20 times on its way to
// a million keys. Hint files say how many entries they hold; for segments that will be scanned
// the count of records per byte is learnt from those scanned so far (records, not keys, so an
// overestimate when keys were overwritten, which KeyDirectory::finish_recovery() trims).
class DirectorySizer {
 public:
  DirectorySizer(KeyDirectory& keys, uint64_t hinted_entries, uint64_t scanned_bytes_total)
      : keys_(keys), hinted_entries_(hinted_entries), scan_bytes_left_(scanned_bytes_total) {
    keys_.reserve_for_recovery(hinted_entries_);
  }

  void note_scanned(uint64_t segment_bytes, uint64_t records) {
    scan_bytes_left_ -= std::min(scan_bytes_left_, segment_bytes);
    scanned_bytes_ += segment_bytes;
    scanned_records_ += records;
    if (scan_bytes_left_ == 0 || scanned_bytes_ == 0) return;
    const double records_per_byte =
        static_cast<double>(scanned_records_) / static_cast<double>(scanned_bytes_);
    keys_.reserve_for_recovery(
        hinted_entries_ + scanned_records_ +
        static_cast<size_t>(records_per_byte * static_cast<double>(scan_bytes_left_)));
  }

 private:
  KeyDirectory& keys_;
  uint64_t hinted_entries_;
  uint64_t scan_bytes_left_;
  uint64_t scanned_bytes_ = 0;
  uint64_t scanned_records_ = 0;
};

// Reads and verifies the hint file of immutable segment `id` (`file_bytes` long), or says why
// it cannot be used.
Result<LoadedHint> load_hint(FileSystem& fs, const std::string& dir, uint64_t id,
                             const RandomAccessFile& file, uint64_t file_bytes) {
  Result<LoadedHint> loaded = load_hint_file(fs, dir, id, file_bytes);
  if (!loaded.is_ok()) return loaded.status();
  // The hint is only worth something next to the segment it describes.
  char header[kSegmentHeaderBytes];
  Result<std::string_view> header_bytes = file.read(0, kSegmentHeaderBytes, header);
  if (!header_bytes.is_ok()) return header_bytes.status();
  LOGKV_RETURN_IF_ERROR(check_segment_header(*header_bytes, id, segment_file_name(id)));
  return loaded;
}

// Whether open loads segment `index` of `listing` from its hint file (when the hint is intact).
bool may_use_hint(const StoreFolderListing& listing, size_t index) {
  const uint64_t id = listing.segment_ids[index];
  // The newest segment is the one the log continues in: never trust a hint for it.
  return index + 1 != listing.segment_ids.size() &&
         std::binary_search(listing.hint_ids.begin(), listing.hint_ids.end(), id);
}

Result<DirectorySizer> make_sizer(FileSystem& fs, const std::string& dir,
                                  const StoreFolderListing& listing, KeyDirectory& keys) {
  uint64_t hinted_entries = 0;
  uint64_t scanned_bytes = 0;
  for (size_t i = 0; i < listing.segment_ids.size(); ++i) {
    const uint64_t id = listing.segment_ids[i];
    if (may_use_hint(listing, i)) {
      // A hint that turns out damaged is scanned instead; its claim still sizes well enough.
      const Result<uint64_t> entries = read_hint_entry_count(fs, dir, id);
      if (entries.is_ok()) {
        hinted_entries += *entries;
        continue;
      }
      if (entries.status().code() != StatusCode::kCorruption) return entries.status();
    }
    Result<uint64_t> bytes = fs.file_size(join_path(dir, segment_file_name(id)));
    if (!bytes.is_ok()) return bytes.status();
    scanned_bytes += *bytes;
  }
  return DirectorySizer(keys, hinted_entries, scanned_bytes);
}

// A hint file whose segment is missing. Compaction removes a segment's hint before the segment
// (compaction/merger.cc), so no crash of this version leaves one; an older version removed them
// the other way round, and then the segment's records were all copied or dead. Either way its
// entries are then superseded: every set has a version at least as new elsewhere, and a delete
// has either that or no older value left to uncover. An entry that is not shows that a segment
// holding the newest version of its key was removed: the key would read as an older value, as
// absent, or (a lost delete) as deleted data come back. A writer's open fails then; a read-only
// open answers those keys with the damage. A damaged orphan hint proves nothing and is ignored
// (a writer's open removes it, remove_unpublished_files).
Status check_orphan_hints(FileSystem& fs, const std::string& dir, const StoreFolderListing& listing,
                          const NewestRecordWins& builder, RecoveryMode mode, RecoveredLog& log) {
  for (uint64_t id : listing.hint_ids) {
    if (std::binary_search(listing.segment_ids.begin(), listing.segment_ids.end(), id)) continue;
    const std::string name = hint_file_name(id);
    Result<FileBytes> bytes = read_whole_file(fs, join_path(dir, name));
    if (!bytes.is_ok()) return bytes.status();
    Result<DecodedHintFile> hint = decode_hint_file(bytes->bytes, id, name);
    if (!hint.is_ok()) continue;
    DamagedRange range;
    range.keys_complete = true;
    for (const HintEntry& entry : hint->entries) {
      const uint64_t newest = builder.newest_sequence_of(entry.key);
      const bool lost = entry.type == RecordType::kSet ? newest < entry.sequence
                                                       : newest != 0 && newest < entry.sequence;
      if (lost) range.keys.push_back({std::string(entry.key), entry.sequence});
    }
    if (range.keys.empty()) continue;
    const std::string segment_path = join_path(dir, segment_file_name(id));
    range.what = "'" + segment_path + "': the segment is missing, but its hint file " + name +
                 " shows it held the newest version of " + std::to_string(range.keys.size()) +
                 " key(s), such as " + printable_key(range.keys.front().key) +
                 ": it was removed, and those keys would read as older values, absent, or "
                 "deleted data come back" +
                 std::string(kDamageAdvice);
    if (mode == RecoveryMode::kWriter) return Status::corruption(range.what);
    log.damage.push_back({segment_path, std::move(range)});
  }
  return Status::ok();
}

// Whether the records `problem` cost are known by key: a listed segment that is missing or cut
// short but whose intact hint file describes it at its listed length (the orphan hint and
// cut-short rules then name each key). A foreign segment is not read and costs nothing; a
// damaged manifest leaves the folder read as it is.
bool losses_known(FileSystem& fs, const std::string& dir, const SegmentSetProblem& problem) {
  using Kind = SegmentSetProblem::Kind;
  const bool loses_records =
      problem.kind == Kind::kMissing ||
      (problem.kind == Kind::kLengthDiffers && problem.present_bytes < problem.listed_bytes);
  if (!loses_records) return true;
  return problem.listed_bytes > 0 &&
         load_hint_file(fs, dir, problem.segment_id, problem.listed_bytes).is_ok();
}

// The problems of the segment set: a writer's recovery fails on the first. A read-only one
// records each as damage, and fails too when records were lost whose keys nothing names: any
// key might then read as an older value, as absent, or as deleted data come back.
Status note_segment_set_problems(FileSystem& fs, const std::string& dir, const SegmentSet& set,
                                 RecoveryMode mode, RecoveredLog& log) {
  for (const SegmentSetProblem& problem : set.problems) {
    const bool unknown_losses = !losses_known(fs, dir, problem);
    if (mode == RecoveryMode::kWriter || unknown_losses) {
      std::string more;
      if (set.problems.size() > 1) {
        more = " (and " + std::to_string(set.problems.size() - 1) +
               " more problem(s) of the "
               "store's segment set)";
      }
      return Status::corruption("'" + join_path(dir, problem.file) + "' " + problem.what + more +
                                std::string(unknown_losses ? kSegmentSetAdvice : kDamageAdvice));
    }
    DamagedRange range;
    range.start = range.damage_offset = problem.kind == SegmentSetProblem::Kind::kLengthDiffers
                                            ? std::min(problem.listed_bytes, problem.present_bytes)
                                            : 0;
    range.end = std::max(problem.listed_bytes, problem.present_bytes);
    const std::string path = join_path(dir, problem.file);
    range.what = "'" + path + "' " + problem.what;
    log.damage.push_back({path, std::move(range)});
  }
  return Status::ok();
}

// Adds a segment that recovery kept, `bytes` long, to `log`.
void add_segment(RecoveredLog& log, uint64_t id, const std::string& path,
                 std::unique_ptr<RandomAccessFile> file, uint64_t bytes, uint64_t hint_bytes,
                 uint64_t tombstone_bytes) {
  auto segment = std::make_unique<Segment>();
  segment->id = id;
  segment->path = path;
  segment->file = std::move(file);
  segment->bytes.store(bytes, std::memory_order_relaxed);
  log.newest_segment_id = id;
  log.newest_segment_bytes = bytes;
  log.segments.push_back(std::move(segment));
  log.segment_hint_bytes.push_back(hint_bytes);
  log.segment_tombstone_bytes.push_back(tombstone_bytes);
}

Result<RecoveredLog> recover_segments(FileSystem& fs, const std::string& dir, const SegmentSet& set,
                                      KeyDirectory& keys, RecoveryMode mode) {
  const bool read_only = mode == RecoveryMode::kReadOnly;
  RecoveredLog log;
  LOGKV_RETURN_IF_ERROR(note_segment_set_problems(fs, dir, set, mode, log));
  const StoreFolderListing& listing = set.listing;
  NewestRecordWins builder(keys);
  const std::vector<uint64_t>& segment_ids = listing.segment_ids;

  // The index checkpoint, when it fits: the directory up to its point comes from it, and only
  // the log after that point is read (rule C of docs/FORMAT.md).
  Result<CheckpointFit> fit = fit_index_checkpoint(fs, dir, set);
  if (!fit.is_ok()) return fit.status();
  log.index_checkpoint_found = fit->exists;
  log.index_checkpoint_unused_why = fit->why_not;
  const CheckpointPoint* checkpoint = nullptr;
  if (fit->checkpoint.has_value()) {
    if (Status loaded = load_index_checkpoint(*fit->checkpoint, keys); !loaded.is_ok()) {
      keys.clear_for_recovery();
      log.index_checkpoint_unused_why = loaded.message();
    } else {
      checkpoint = &fit->checkpoint->point;
      builder.start_from(*checkpoint);
      log.index_checkpoint = *checkpoint;
    }
  }
  const auto covered = [checkpoint](uint64_t id) -> const CheckpointSegment* {
    if (checkpoint == nullptr) return nullptr;
    for (const CheckpointSegment& segment : checkpoint->segments) {
      if (segment.id == id) return &segment;
    }
    return nullptr;
  };
  // Sizing ahead is for a directory built from nothing; a loaded one grows as it must.
  std::optional<DirectorySizer> sizer;
  if (checkpoint == nullptr) {
    Result<DirectorySizer> made = make_sizer(fs, dir, listing, keys);
    if (!made.is_ok()) return made.status();
    sizer.emplace(*made);
  }
  std::unique_ptr<char[]> scratch;
  for (size_t i = 0; i < segment_ids.size(); ++i) {
    const uint64_t id = segment_ids[i];
    const bool is_newest = i + 1 == segment_ids.size();
    const std::string name = segment_file_name(id);
    const std::string path = join_path(dir, name);
    log.highest_segment_id = id;

    // Before the segment's bytes (wal/synced_marker.h): a writer may be appending.
    std::optional<uint64_t> recorded_synced;
    if (is_newest) {
      Result<std::optional<uint64_t>> recorded = recorded_synced_bytes(fs, dir, id);
      if (!recorded.is_ok()) return recorded.status();
      recorded_synced = *recorded;
    }
    Result<std::unique_ptr<RandomAccessFile>> file = fs.open_random_access(path);
    if (!file.is_ok()) return file.status();
    Result<uint64_t> file_bytes = (*file)->size();
    if (!file_bytes.is_ok()) return file_bytes.status();

    uint64_t hint_bytes = 0;
    uint64_t tombstone_bytes = 0;
    // Where reading starts: past what the checkpoint covers.
    uint64_t scan_from = 0;
    if (const CheckpointSegment* known = covered(id)) {
      tombstone_bytes = known->tombstone_bytes;
      if (std::binary_search(listing.hint_ids.begin(), listing.hint_ids.end(), id)) {
        Result<uint64_t> bytes = fs.file_size(join_path(dir, hint_file_name(id)));
        if (!bytes.is_ok() && bytes.status().code() != StatusCode::kNotFound) {
          return bytes.status();
        }
        if (bytes.is_ok()) hint_bytes = *bytes;
      }
      if (id != checkpoint->newest_segment_id) {
        add_segment(log, id, path, std::move(*file), *file_bytes, hint_bytes, tombstone_bytes);
        continue;
      }
      // The checkpoint's newest segment: records may have been appended after its point. Its
      // hint file, if a roll since made one, is not applied: it holds records the checkpoint
      // has superseded, which the directory can no longer tell apart.
      scan_from = known->bytes;
    } else if (may_use_hint(listing, i)) {
      Result<LoadedHint> loaded = load_hint(fs, dir, id, **file, *file_bytes);
      if (loaded.is_ok()) {
        hint_bytes = loaded->file.bytes.size();
        for (const HintEntry& entry : loaded->hint.entries) {
          if (entry.type == RecordType::kDelete) tombstone_bytes += entry.record_bytes;
        }
        ++log.hint_files_loaded;
        builder.apply_hint_entries(loaded->hint.entries, static_cast<uint32_t>(id));
      } else if (loaded.status().code() == StatusCode::kCorruption) {
        // A sealed segment never shrinks: shorter than its hint says, it lost records, even when
        // the cut fell where a record ends and what is left scans as whole.
        if (std::optional<CutShortSegment> cut = find_cut_short(fs, dir, id, *file_bytes)) {
          DamagedRange range = cut_short_damage(path, id, *file_bytes, std::move(*cut));
          if (!read_only) return Status::corruption(range.what);
          log.damage.push_back({path, std::move(range)});
        }
        ++log.hint_files_rejected;
        log.hint_problems.push_back(loaded.status().message());
      } else {
        return loaded.status();
      }
    }
    const bool from_hint = hint_bytes > 0 && scan_from == 0;

    uint64_t kept_bytes = *file_bytes;
    if (!from_hint) {
      Result<std::string_view> contents = read_whole(**file, *file_bytes, scratch, mode, scan_from);
      if (!contents.is_ok()) return contents.status();
      // Another process's writer may have cut its preallocated zeros since the size was read.
      if (read_only && contents->size() < *file_bytes) *file_bytes = contents->size();
      if (contents->size() != *file_bytes) {
        return Status::io_error("short read of '" + path + "': got " +
                                std::to_string(contents->size()) + " of " +
                                std::to_string(*file_bytes) + " bytes");
      }
      Result<SyncedPrefix> synced =
          known_synced_prefix(fs, dir, id, *file_bytes, is_newest, recorded_synced);
      if (!synced.is_ok()) return synced.status();
      // Every record of the newest segment was appended after every record of the others
      // existed (compactions write their outputs below it), so it must be newer than all.
      const uint64_t older_last_sequence = builder.last_sequence();
      uint64_t records = 0;
      Status order_error;
      const auto visit = [&](const ScannedRecord& scanned) {
        const Record& record = scanned.record;
        if (!order_error.is_ok()) return;
        if (is_newest && record.sequence <= older_last_sequence) {
          order_error = Status::corruption(
              "'" + path + "' at offset " + std::to_string(scanned.offset) + ": sequence " +
              std::to_string(record.sequence) + " does not follow " +
              std::to_string(older_last_sequence) + " of the older segments");
          return;
        }
        ++records;
        const uint64_t key_hash = KeyDirectory::hash_key(record.key);
        if (record.type == RecordType::kSet) {
          builder.apply_set(record.key, key_hash,
                            IndexEntry{static_cast<uint32_t>(id), scanned.offset, scanned.bytes,
                                       record.sequence});
        } else {
          builder.apply_delete(record.key, key_hash, record.sequence);
          tombstone_bytes += scanned.bytes;
        }
      };
      SegmentScan scan;
      if (read_only) {
        DamageTolerantScan tolerant =
            scan_segment_past_damage(*contents, path, id, *synced, visit,
                                     ScanStart{scan_from, scan_from > 0 ? older_last_sequence : 0});
        for (DamagedRange& range : tolerant.damage) {
          log.damage.push_back({path, std::move(range)});
        }
        scan.valid_end = tolerant.valid_end;
        scan.file_bytes = contents->size();
        scan.torn_tail = tolerant.torn_tail;
      } else if (scan_from > 0) {
        scan = scan_records_from(*contents, path, *synced, scan_from, older_last_sequence, visit);
      } else {
        scan = scan_segment(*contents, path, id, *synced, visit);
      }
      if (!scan.status.is_ok()) return scan.status;
      if (!order_error.is_ok()) return order_error;
      if (sizer.has_value()) sizer->note_scanned(*file_bytes, records);

      if (scan.torn_tail && read_only) {
        // Left as it is: a writer may be appending there right now.
        if (scan.valid_end < kSegmentHeaderBytes) continue;
        kept_bytes = scan.valid_end;
      } else if (scan.torn_tail) {
        log.torn_bytes_dropped += scan.file_bytes - scan.valid_end;
        if (scan.valid_end < kSegmentHeaderBytes) {
          // The crash came while the segment was being created: it holds no record.
          file->reset();
          LOGKV_RETURN_IF_ERROR(fs.remove(path));
          LOGKV_RETURN_IF_ERROR(fs.sync_dir(dir));
          continue;
        }
        LOGKV_RETURN_IF_ERROR(fs.truncate(path, scan.valid_end));
        kept_bytes = scan.valid_end;
      }
    }
    add_segment(log, id, path, std::move(*file), kept_bytes, hint_bytes, tombstone_bytes);
  }
  LOGKV_RETURN_IF_ERROR(check_orphan_hints(fs, dir, listing, builder, mode, log));
  for (const RecoveredLog::Damage& damage : log.damage) {
    for (const DamagedKey& damaged : damage.range.keys) {
      if (builder.newest_sequence_of(damaged.key) > damaged.sequence_max) continue;
      log.damaged_keys.emplace_back(damaged.key, "'" + damage.path + "' at offset " +
                                                     std::to_string(damage.range.damage_offset));
    }
  }
  log.last_sequence = builder.last_sequence();
  log.live_bytes = builder.live_bytes();
  for (const std::unique_ptr<Segment>& segment : log.segments) {
    log.segment_live_bytes.push_back(builder.live_bytes_of(segment->id));
  }
  return log;
}

}  // namespace

Result<RecoveredLog> recover_log(FileSystem& fs, const std::string& dir, const SegmentSet& set,
                                 KeyDirectory& keys, RecoveryMode mode) {
  Result<RecoveredLog> log = recover_segments(fs, dir, set, keys, mode);
  keys.finish_recovery();
  return log;
}

Status remove_unpublished_files(FileSystem& fs, const std::string& dir, const SegmentSet& set,
                                uint64_t newest_segment_id) {
  const StoreFolderListing& listing = set.listing;
  std::vector<std::string> doomed = listing.temp_names;
  for (uint64_t id : listing.hint_ids) {
    const bool has_segment =
        std::binary_search(listing.segment_ids.begin(), listing.segment_ids.end(), id);
    if (!has_segment || id == newest_segment_id) doomed.push_back(hint_file_name(id));
  }
  // Each hint before its segment, as compaction removes them (compaction/merger.cc).
  for (uint64_t id : set.leftovers) {
    doomed.push_back(hint_file_name(id));
    doomed.push_back(segment_file_name(id));
  }
  if (doomed.empty()) return Status::ok();
  for (const std::string& name : doomed) {
    const Status removed = fs.remove(join_path(dir, name));
    if (!removed.is_ok() && removed.code() != StatusCode::kNotFound) return removed;
  }
  return fs.sync_dir(dir);
}

}  // namespace logkv
