// check_store (logkv/check.h): reads a store folder the way a read-only open does, but instead
// of serving it, compares everything it can against everything else and reports each problem.
#include "engine/store_check.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include "fs/posix_file_system.h"
#include "logkv/check.h"
#include "logkv/key_text.h"
#include "wal/close_marker.h"
#include "wal/damage_advice.h"
#include "wal/damage_scan.h"
#include "wal/file_names.h"
#include "wal/hint_io.h"
#include "wal/record_format.h"
#include "wal/segment_header.h"
#include "wal/segment_set.h"
#include "wal/synced_marker.h"

namespace logkv {
namespace {

// One record of a key, as the data or a hint file tells it.
struct Version {
  uint64_t sequence = 0;
  bool is_delete = false;
  uint64_t segment_id = 0;
  uint64_t offset = 0;
  uint64_t bytes = 0;

  bool operator==(const Version&) const = default;
};

using VersionMap = std::unordered_map<std::string, Version>;

// Keeps the version with the highest sequence, as recovery does.
void keep_newest(VersionMap& versions, std::string_view key, const Version& version) {
  auto [it, inserted] = versions.try_emplace(std::string(key), version);
  if (!inserted && it->second.sequence < version.sequence) it->second = version;
}

// The scanner's message names the file and ends with advice for an operator who met the damage
// by surprise; a check line names the file already and is the advice's answer.
std::string without_file_and_advice(std::string what, const std::string& file) {
  if (what.starts_with(file + ": ")) what.erase(0, file.size() + 2);
  if (what.ends_with(kDamageAdvice)) what.resize(what.size() - kDamageAdvice.size());
  return what;
}

std::string describe_version(const Version& version) {
  return std::string(version.is_delete ? "delete" : "set") + " of sequence " +
         std::to_string(version.sequence) + " at offset " + std::to_string(version.offset) +
         " of " + segment_file_name(version.segment_id);
}

// Lists at most this many keys in one problem line; the rest are counted.
constexpr size_t kKeysListedMax = 20;

class Checker {
 public:
  Checker(FileSystem& fs, std::string dir, const CheckOptions& options)
      : fs_(fs), dir_(std::move(dir)), options_(options) {}

  // kNotFound when a listed file vanished (a writer's compaction): the caller starts again.
  Result<CheckReport> run() {
    Result<SegmentSet> set = reconcile_segment_set(fs_, dir_);
    if (!set.is_ok()) return set.status();
    for (const SegmentSetProblem& found : set->problems) {
      const bool cut = found.kind == SegmentSetProblem::Kind::kLengthDiffers;
      problem(found.file, cut ? std::min(found.listed_bytes, found.present_bytes) : 0, found.what);
    }
    listing_ = std::move(set->listing);
    // Every segment is opened now, right after the listing: an open file stays readable when a
    // writer's compaction removes it, so the check of a large store is not restarted for each
    // segment a compaction retires while the earlier ones are read.
    uint64_t total = 0;
    for (uint64_t id : listing_.segment_ids) {
      Result<std::unique_ptr<RandomAccessFile>> file =
          fs_.open_random_access(join_path(dir_, segment_file_name(id)));
      if (!file.is_ok()) return file.status();
      Result<uint64_t> bytes = (*file)->size();
      if (!bytes.is_ok()) return bytes.status();
      total += options_.quick ? kSegmentHeaderBytes : *bytes;
      files_.push_back(std::move(*file));
    }
    total_bytes_ = total;
    for (size_t i = 0; i < listing_.segment_ids.size(); ++i) {
      LOGKV_RETURN_IF_ERROR(check_segment(i));
    }
    check_orphan_hints();
    if (!options_.quick) compare_indexes();
    summarise();
    return std::move(report_);
  }

 private:
  bool has_hint(uint64_t id) const {
    return std::binary_search(listing_.hint_ids.begin(), listing_.hint_ids.end(), id);
  }

  void problem(std::string file, uint64_t offset, std::string what,
               std::vector<std::string> keys = {}) {
    report_.problems.push_back({std::move(file), offset, std::move(what), std::move(keys)});
  }

  Status check_segment(size_t index) {
    const uint64_t id = listing_.segment_ids[index];
    const bool is_newest = index + 1 == listing_.segment_ids.size();
    const std::string name = segment_file_name(id);
    const std::string path = join_path(dir_, name);
    std::unique_ptr<RandomAccessFile> file = std::move(files_[index]);  // opened by run()
    // Before the segment's size and bytes (wal/synced_marker.h): a writer may be appending, and
    // a size taken first could be shorter than what a later marker names.
    std::optional<uint64_t> recorded_synced;
    if (is_newest) {
      Result<std::optional<uint64_t>> recorded = recorded_synced_bytes(fs_, dir_, id);
      if (!recorded.is_ok()) return recorded.status();
      recorded_synced = *recorded;
    }
    Result<uint64_t> file_bytes = file->size();
    if (!file_bytes.is_ok()) return file_bytes.status();
    ++report_.segments;
    const uint64_t to_read =
        options_.quick ? std::min<uint64_t>(*file_bytes, kSegmentHeaderBytes) : *file_bytes;
    auto scratch = std::make_unique_for_overwrite<char[]>(to_read == 0 ? 1 : to_read);
    // Copying reads: a writer in another process may cut this file's preallocated tail.
    Result<std::string_view> contents = file->read_copy(0, to_read, scratch.get());
    if (!contents.is_ok()) return contents.status();
    bytes_read_ += contents->size();
    if (options_.progress) options_.progress(bytes_read_, total_bytes_);

    std::optional<uint64_t> segment_bytes;  // the length a hint must describe
    VersionMap in_segment;                  // the newest record of each key in this segment
    if (options_.quick) {
      const Status header = check_segment_header(*contents, id, name);
      if (!header.is_ok() && !(is_newest && contents->size() < kSegmentHeaderBytes)) {
        problem(name, 0, header.message());
      }
      segment_bytes = *file_bytes;
    } else {
      Result<SyncedPrefix> synced =
          known_synced_prefix(fs_, dir_, id, contents->size(), is_newest, recorded_synced);
      if (!synced.is_ok()) return synced.status();
      segment_bytes = scan(*contents, id, name, is_newest, *synced, in_segment);
    }

    if (has_hint(id)) {
      ++report_.hint_files;
      LOGKV_RETURN_IF_ERROR(check_hint(id, segment_bytes.value_or(*file_bytes), in_segment));
      note_cut_short(id, name, *file_bytes);
    } else if (options_.quick) {
      ++report_.segments_not_read;
    } else {
      for (const auto& [key, version] : in_segment) keep_newest(from_hints_, key, version);
    }
    report_.segment_bytes += segment_bytes.value_or(*file_bytes);
    return Status::ok();
  }

  // Reads every record of one segment; returns the length of its consistent prefix.
  uint64_t scan(std::string_view contents, uint64_t id, const std::string& name, bool is_newest,
                SyncedPrefix synced, VersionMap& in_segment) {
    const uint64_t older_last_sequence = last_sequence_;
    std::optional<uint64_t> first_disorder;
    uint64_t first_sequence = 0;
    const DamageTolerantScan scanned =
        scan_segment_past_damage(contents, name, id, synced, [&](const ScannedRecord& record) {
          ++report_.records;
          if (first_sequence == 0) first_sequence = record.record.sequence;
          if (is_newest && record.record.sequence <= older_last_sequence && !first_disorder) {
            first_disorder = record.offset;
          }
          const Version version{record.record.sequence, record.record.type == RecordType::kDelete,
                                id, record.offset, record.bytes};
          keep_newest(in_segment, record.record.key, version);
          keep_newest(from_data_, record.record.key, version);
          last_sequence_ = std::max(last_sequence_, record.record.sequence);
        });
    if (first_disorder) {
      problem(name, *first_disorder,
              "the newest segment holds a record whose sequence is not above " +
                  std::to_string(older_last_sequence) +
                  ", the highest of the older segments: records were copied or segments renamed");
    }
    for (const DamagedRange& range : scanned.damage) damaged_.push_back({name, range});
    if (scanned.torn_tail && !scanned.torn_tail_all_zero) {
      torn_tail_ = TornTail{name, id, scanned.valid_end, contents.size() - scanned.valid_end};
    }
    return scanned.valid_end;
  }

  // Errors other than damage (kNotFound when a compaction removed the hint: the check starts
  // again) end the check.
  Status check_hint(uint64_t id, uint64_t segment_bytes, const VersionMap& in_segment) {
    const std::string name = hint_file_name(id);
    Result<LoadedHint> loaded = load_hint_file(fs_, dir_, id, segment_bytes);
    if (!loaded.is_ok() && loaded.status().code() != StatusCode::kCorruption) {
      return loaded.status();
    }
    if (!loaded.is_ok()) {
      problem(name, 0, loaded.status().message());
      // The segment's own records stand in for the hint, as at open.
      for (const auto& [key, version] : in_segment) keep_newest(from_hints_, key, version);
      return Status::ok();
    }
    bytes_read_ += loaded->file.bytes.size();
    VersionMap hinted;
    for (const HintEntry& entry : loaded->hint.entries) {
      const Version version{entry.sequence, entry.type == RecordType::kDelete, id, entry.offset,
                            entry.record_bytes};
      hinted[std::string(entry.key)] = version;
      keep_newest(from_hints_, entry.key, version);
      if (options_.quick) ++report_.records;
    }
    if (options_.quick) {
      for (const auto& [key, version] : hinted) keep_newest(from_data_, key, version);
      return Status::ok();
    }
    // The hint must list exactly the newest record of every key of the segment.
    std::vector<std::string> wrong;
    std::string first;
    for (const auto& [key, version] : in_segment) {
      auto it = hinted.find(key);
      if (it == hinted.end() || it->second != version) {
        if (first.empty()) {
          first = "key " + printable_key(key) + ": the segment's newest record is the " +
                  describe_version(version) +
                  (it == hinted.end() ? ", which the hint does not list"
                                      : ", the hint says " + describe_version(it->second));
        }
        wrong.push_back(printable_key(key));
      }
    }
    for (const auto& [key, version] : hinted) {
      if (!in_segment.contains(key)) {
        if (first.empty()) {
          first = "key " + printable_key(key) + ": the hint lists the " +
                  describe_version(version) + ", which the segment does not hold";
        }
        wrong.push_back(printable_key(key));
      }
    }
    if (!wrong.empty()) {
      problem(name, 0,
              "does not match its segment in " + std::to_string(wrong.size()) + " key(s); " + first,
              std::move(wrong));
    }
    return Status::ok();
  }

  // A sealed segment never shrinks, so one shorter than its intact hint file says was cut: the
  // damage is in the segment (the hint is only the witness), and the keys whose newest record in
  // it lay past the cut are lost unless a later segment holds a newer version (summarise()).
  void note_cut_short(uint64_t id, const std::string& segment_name, uint64_t file_bytes) {
    std::optional<CutShortSegment> cut = find_cut_short(fs_, dir_, id, file_bytes);
    if (!cut) return;
    damaged_.push_back(
        {segment_name, cut_short_damage(segment_name, id, file_bytes, std::move(*cut))});
  }

  // A hint file whose segment is gone: the segment was removed (or a writer crashed between
  // removing a compacted segment and its hint, which its next open tidies).
  void check_orphan_hints() {
    for (uint64_t id : listing_.hint_ids) {
      if (std::binary_search(listing_.segment_ids.begin(), listing_.segment_ids.end(), id)) {
        continue;
      }
      orphan_hints_.push_back(id);
    }
  }

  // The index open builds from hint files (where intact) must be the one the records give.
  void compare_indexes() {
    std::vector<std::string> differing;
    for (const auto& [key, version] : from_data_) {
      auto it = from_hints_.find(key);
      if (it == from_hints_.end() || it->second != version) differing.push_back(key);
    }
    for (const auto& [key, version] : from_hints_) {
      if (!from_data_.contains(key)) differing.push_back(key);
    }
    if (differing.empty()) return;
    std::sort(differing.begin(), differing.end());
    for (std::string& key : differing) key = printable_key(key);
    problem("(index)", 0,
            "the index built from the hint files differs from the one built from the records in " +
                std::to_string(differing.size()) + " key(s)",
            std::move(differing));
  }

  void summarise() {
    for (const auto& [key, version] : from_data_) {
      if (version.is_delete) continue;
      ++report_.live_keys;
      report_.live_bytes += version.bytes;
    }
    report_.dead_bytes =
        report_.segment_bytes > report_.live_bytes ? report_.segment_bytes - report_.live_bytes : 0;
    for (const auto& [file, range] : damaged_) {
      std::vector<std::string> lost;
      for (const DamagedKey& damaged : range.keys) {
        auto it = from_data_.find(damaged.key);
        if (it == from_data_.end() || it->second.sequence <= damaged.sequence_max) {
          lost.push_back(printable_key(damaged.key));
        }
      }
      std::string what = without_file_and_advice(range.what, file);
      if (!range.keys_complete) {
        what += "; bytes " + std::to_string(range.damage_offset) + " to " +
                std::to_string(range.end) + " cannot be read and their keys are unknown";
      } else if (range.end > range.damage_offset) {
        what += "; reading resumed at offset " + std::to_string(range.end);
      }
      problem(file, range.damage_offset, std::move(what), std::move(lost));
    }
  }

 public:
  struct TornTail {
    std::string file;
    uint64_t id = 0;
    uint64_t offset = 0;
    uint64_t bytes = 0;
  };
  std::optional<TornTail> torn_tail_;
  std::vector<uint64_t> orphan_hints_;
  CheckReport report_;

 private:
  FileSystem& fs_;
  const std::string dir_;
  const CheckOptions& options_;
  StoreFolderListing listing_;
  std::vector<std::unique_ptr<RandomAccessFile>> files_;  // of listing_.segment_ids
  uint64_t total_bytes_ = 0;
  uint64_t bytes_read_ = 0;
  uint64_t last_sequence_ = 0;
  VersionMap from_data_;
  VersionMap from_hints_;
  std::vector<std::pair<std::string, DamagedRange>> damaged_;
};

}  // namespace

Result<CheckReport> check_store(std::string_view dir, const CheckOptions& options) {
  return check_store_folder(*posix_file_system(), std::string(dir), options);
}

Result<CheckReport> check_store_folder(FileSystem& fs, const std::string& dir,
                                       const CheckOptions& options) {
  if (Result<std::vector<std::string>> entries = fs.list_dir(dir); !entries.is_ok()) {
    if (entries.status().code() == StatusCode::kNotFound) {
      return Status::not_found("store folder '" + dir + "' does not exist");
    }
    return entries.status();
  }
  // A writer compacting without pause (Options::compaction_dead_bytes_min = 0) retires segments
  // every few milliseconds, and a listing taken just before one of its publishes finds a segment
  // gone when it opens them (run() opens every segment first, so an attempt that fails costs
  // little). Enough attempts for a slow reader (a sanitizer build) beside such a writer.
  constexpr int kAttempts = 50;
  // A torn tail of the newest segment with non-zero bytes is a crash's torn write or damage to
  // the last record, unless a writer is appending right then: look again a few times, and
  // report it only when the same tail is still there and no newer segment has appeared.
  constexpr int kTailLooks = 3;
  constexpr auto kTailPause = std::chrono::milliseconds(50);
  std::optional<Checker::TornTail> previous_tail;
  std::vector<uint64_t> previous_orphans;
  for (int attempt = 0, looks = 0; attempt < kAttempts; ++attempt) {
    Checker checker(fs, dir, options);
    Result<CheckReport> report = checker.run();
    if (!report.is_ok()) {
      if (report.status().code() == StatusCode::kNotFound) continue;
      return report.status().with_context("cannot check store '" + dir + "'");
    }
    const bool tail_stands = checker.torn_tail_ && previous_tail &&
                             previous_tail->id == checker.torn_tail_->id &&
                             previous_tail->offset == checker.torn_tail_->offset;
    const bool orphans_stand =
        !checker.orphan_hints_.empty() && checker.orphan_hints_ == previous_orphans;
    const bool settled =
        (!checker.torn_tail_ || tail_stands) && (checker.orphan_hints_.empty() || orphans_stand);
    if (!settled && ++looks < kTailLooks) {
      previous_tail = checker.torn_tail_;
      previous_orphans = checker.orphan_hints_;
      --attempt;  // looking again is not a failed attempt
      std::this_thread::sleep_for(kTailPause);
      continue;
    }
    // A tail or orphan that moved between the looks is a writer at work, not a problem.
    if (tail_stands) {
      const Checker::TornTail& tail = *checker.torn_tail_;
      report->problems.push_back(
          {tail.file,
           tail.offset,
           "the newest segment ends with " + std::to_string(tail.bytes) +
               " byte(s) that are not a complete record: a write torn by a crash, or damage to "
               "its last record (the two look alike); the newest intact record ends here",
           {}});
    }
    for (uint64_t id : orphans_stand ? checker.orphan_hints_ : std::vector<uint64_t>{}) {
      report->problems.push_back(
          {hint_file_name(id),
           0,
           "hint file without its segment " + segment_file_name(id) +
               ": the segment was removed, and the keys it held may be gone or older",
           {}});
    }
    return report;
  }
  return Status::io_error("cannot check store '" + dir + "': its files kept changing (" +
                          std::to_string(kAttempts) +
                          " attempts); a writer's compaction was removing them; run check again");
}

}  // namespace logkv
