// repair_store (logkv/repair.h): reads every segment past its damage (wal/damage_scan.h), plans
// one action per file, keeps each original in lost+found before acting, and acts.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

#include "base/endian_coding.h"
#include "fs/posix_file_system.h"
#include "logkv/key_text.h"
#include "logkv/repair.h"
#include "wal/close_marker.h"
#include "wal/damage_scan.h"
#include "wal/file_names.h"
#include "wal/file_publishing.h"
#include "wal/hint_file.h"
#include "wal/hint_io.h"
#include "wal/manifest.h"
#include "wal/record.h"
#include "wal/record_format.h"
#include "wal/segment_header.h"
#include "wal/segment_set.h"
#include "wal/synced_marker.h"

namespace logkv {
namespace {

struct Newest {
  uint64_t sequence = 0;
  bool is_delete = false;
};

// One segment as read, and what repair does to it.
struct SegmentPlan {
  uint64_t id = 0;
  std::string name;
  bool is_newest = false;
  uint64_t length = 0;  // of the file as read
  // Kept only for a segment that repair changes or whose hint it rebuilds, so that repair holds
  // the damaged segments in memory, not the whole store.
  std::string contents;
  std::vector<ScannedRecord> records;  // intact records, in file order; views into contents
  std::vector<DamagedRange> damage;
  uint64_t valid_end = 0;
  bool torn_nonzero = false;
  bool has_hint = false;
  bool hint_intact = false;  // the hint file matches the segment as repair leaves it
  // Actions.
  bool rewrite = false;       // damage: a new segment of the intact records
  bool truncate = false;      // only a torn tail: cut at valid_end
  bool rebuild_hint = false;  // write the hint file anew from the (new) records
  bool move_hint = false;     // the newest segment's bad hint: a writer's open drops it anyway
  std::string new_contents;   // when rewrite
};

std::string utc_timestamp() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm parts{};
  ::gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof(text), "%Y%m%dT%H%M%SZ", &parts);
  return text;
}

// The segment `id` holding `records` (intact, in order) and nothing else. Each record claims the
// bytes before it as synced, which is true once repair has synced the file.
std::string rebuild_segment(uint64_t id, const std::vector<ScannedRecord>& records) {
  std::string out = encode_segment_header(id);
  for (const ScannedRecord& scanned : records) {
    Record record = scanned.record;
    record.synced_offset = static_cast<uint32_t>(out.size());
    append_encoded_record(record, &out);
  }
  return out;
}

// The hint entries of a segment: the newest record of each key, in file order.
std::vector<HintEntry> hint_entries_of(std::string_view contents, uint64_t id,
                                       const std::string& name) {
  std::unordered_map<std::string_view, HintEntry> newest;
  (void)scan_segment(contents, name, id, /*is_newest=*/false, [&](const ScannedRecord& scanned) {
    newest[scanned.record.key] =
        HintEntry{scanned.record.key, scanned.record.sequence,
                  static_cast<uint32_t>(scanned.offset), scanned.bytes, scanned.record.type};
  });
  std::vector<HintEntry> entries;
  entries.reserve(newest.size());
  for (const auto& [key, entry] : newest) entries.push_back(entry);
  std::sort(entries.begin(), entries.end(),
            [](const HintEntry& a, const HintEntry& b) { return a.offset < b.offset; });
  return entries;
}

bool hint_matches(const LoadedHint& hint, const std::vector<HintEntry>& expected) {
  if (hint.hint.entries.size() != expected.size()) return false;
  std::unordered_map<std::string_view, const HintEntry*> by_key;
  for (const HintEntry& entry : hint.hint.entries) by_key[entry.key] = &entry;
  for (const HintEntry& entry : expected) {
    auto it = by_key.find(entry.key);
    if (it == by_key.end()) return false;
    const HintEntry& got = *it->second;
    if (got.sequence != entry.sequence || got.offset != entry.offset ||
        got.record_bytes != entry.record_bytes || got.type != entry.type) {
      return false;
    }
  }
  return true;
}

// The key of a damaged record whose length fields say it ends exactly at `end`.
std::optional<std::string> key_if_framed(std::string_view contents, uint64_t offset, uint64_t end) {
  if (offset + kRecordHeaderBytes > end) return std::nullopt;
  const auto value_bytes =
      load_little_endian<uint32_t>(contents.data() + offset + kRecordValueLenOffset);
  const auto key_bytes =
      load_little_endian<uint16_t>(contents.data() + offset + kRecordKeyLenOffset);
  if (offset + encoded_record_bytes(key_bytes, value_bytes) != end) return std::nullopt;
  return std::string(contents.substr(offset + kRecordHeaderBytes, key_bytes));
}

class Repairer {
 public:
  Repairer(FileSystem& fs, std::string dir, const RepairOptions& options)
      : fs_(fs), dir_(std::move(dir)), options_(options) {}

  // Reads and scans every segment, deciding what each needs.
  Status read() {
    Result<SegmentSet> set = reconcile_segment_set(fs_, dir_);
    if (!set.is_ok()) return set.status();
    listing_ = std::move(set->listing);
    set_problems_ = std::move(set->problems);
    leftovers_ = std::move(set->leftovers);
    had_manifest_ = set->manifest.has_value();
    uint64_t total_bytes = 0;
    for (uint64_t id : listing_.segment_ids) {
      Result<uint64_t> size = fs_.file_size(join_path(dir_, segment_file_name(id)));
      if (size.is_ok()) total_bytes += *size;
    }
    uint64_t read_bytes = 0;
    for (size_t i = 0; i < listing_.segment_ids.size(); ++i) {
      auto plan = std::make_unique<SegmentPlan>();
      plan->id = listing_.segment_ids[i];
      plan->name = segment_file_name(plan->id);
      plan->is_newest = i + 1 == listing_.segment_ids.size();
      plan->has_hint =
          std::binary_search(listing_.hint_ids.begin(), listing_.hint_ids.end(), plan->id);
      Result<std::optional<uint64_t>> recorded = recorded_synced_bytes(fs_, dir_, plan->id);
      if (!recorded.is_ok()) return recorded.status();
      Result<FileBytes> bytes = read_whole_file(fs_, join_path(dir_, plan->name));
      if (!bytes.is_ok()) return bytes.status();
      plan->contents = std::string(bytes->bytes);
      // Damage to bytes known to have been synced is dropped as damage, as check reports it.
      Result<SyncedPrefix> synced = known_synced_prefix(fs_, dir_, plan->id, plan->contents.size(),
                                                        plan->is_newest, *recorded);
      if (!synced.is_ok()) return synced.status();
      const DamageTolerantScan scan = scan_segment_past_damage(
          plan->contents, plan->name, plan->id, *synced, [&](const ScannedRecord& r) {
            plan->records.push_back(r);
            Newest& newest = newest_[std::string(r.record.key)];
            if (r.record.sequence > newest.sequence) {
              newest = {r.record.sequence, r.record.type == RecordType::kDelete};
            }
          });
      plan->length = plan->contents.size();
      plan->damage = scan.damage;
      plan->valid_end = scan.valid_end;
      plan->torn_nonzero = scan.torn_tail && !scan.torn_tail_all_zero;
      decide(*plan);
      read_bytes += plan->length;
      if (options_.progress) options_.progress(read_bytes, std::max(read_bytes, total_bytes));
      plans_.push_back(std::move(plan));
    }
    return Status::ok();
  }

  void plan(RepairReport& report) {
    for (const auto& plan : plans_) {
      if (plan->rewrite) {
        report.actions.push_back(plan->name + ": rewrite without " +
                                 std::to_string(plan->damage.size()) +
                                 " unreadable range(s), keeping its " +
                                 std::to_string(plan->records.size()) + " intact records");
        for (const DamagedRange& range : plan->damage) {
          report.dropped.push_back({plan->name, range.start, range.end, range.keys_complete});
          for (const DamagedKey& key : range.keys)
            note_lost(report, *plan, key, range.damage_offset);
        }
      } else if (plan->truncate) {
        report.actions.push_back(
            plan->name + ": cut the " + std::to_string(plan->contents.size() - plan->valid_end) +
            " bytes after its last complete record at offset " + std::to_string(plan->valid_end));
        const std::optional<std::string> key =
            key_if_framed(plan->contents, plan->valid_end, plan->contents.size());
        report.dropped.push_back(
            {plan->name, plan->valid_end, plan->contents.size(), key.has_value()});
        if (key) note_lost(report, *plan, DamagedKey{*key}, plan->valid_end);
      }
      if (!plan->has_hint || plan->hint_intact) continue;
      if (!plan->is_newest) note_cut_short(report, *plan);
      if (plan->is_newest) {
        plan->move_hint = true;
        report.actions.push_back(hint_file_name(plan->id) +
                                 ": move aside (it does not match the newest segment)");
      } else {
        plan->rebuild_hint = true;
        report.actions.push_back(hint_file_name(plan->id) + ": rebuild from " + plan->name);
      }
    }
    for (uint64_t id : listing_.hint_ids) {
      if (std::binary_search(listing_.segment_ids.begin(), listing_.segment_ids.end(), id)) {
        continue;
      }
      orphan_hints_.push_back(id);
      report.actions.push_back(hint_file_name(id) + ": move aside (its segment " +
                               segment_file_name(id) + " is missing)");
    }
    plan_segment_set(report);
    // The close and synced-point markers hold for a newest segment that only ever grew, under an
    // id no other segment takes. A repair may shorten that segment (later appends could bring it
    // back to the close marker's length and make a torn write look like a cleanly closed end; the
    // synced-point marker would claim bytes it no longer has) or set it aside (a later roll takes
    // its id again, and the markers would describe another file). So whenever repair acts, they
    // go aside with the originals, and so does the index checkpoint, whose image points into
    // the segments as they were (rule C would most likely find it stale; this makes it sure).
    if (!report.actions.empty()) {
      for (const char* marker :
           {kCloseMarkerFileName, kSyncedMarkerFileName, kIndexCheckpointFileName}) {
        if (!fs_.file_size(join_path(dir_, marker)).is_ok()) continue;
        markers_to_move_.push_back(marker);
        report.actions.push_back(
            std::string(marker) +
            ": move aside (it describes the newest segment before the repair)");
      }
    }
  }

  Status act(RepairReport& report) {
    if (report.actions.empty()) return Status::ok();
    std::string keep = std::string(kLostAndFoundName) + "/" + utc_timestamp();
    for (int n = 2; fs_.list_dir(join_path(dir_, keep)).is_ok(); ++n) {
      keep = std::string(kLostAndFoundName) + "/" + utc_timestamp() + "-" + std::to_string(n);
    }
    const std::string keep_dir = join_path(dir_, keep);
    LOGKV_RETURN_IF_ERROR(fs_.create_dirs(keep_dir));
    report.lost_and_found = keep;
    // First the originals, durably; only then any change.
    for (const auto& plan : plans_) {
      if (plan->rewrite || plan->truncate) {
        LOGKV_RETURN_IF_ERROR(
            write_synced_file(fs_, join_path(keep_dir, plan->name), plan->contents));
      }
      if (plan->rebuild_hint) {
        Result<FileBytes> hint = read_whole_file(fs_, join_path(dir_, hint_file_name(plan->id)));
        if (!hint.is_ok()) return hint.status();
        LOGKV_RETURN_IF_ERROR(
            write_synced_file(fs_, join_path(keep_dir, hint_file_name(plan->id)), hint->bytes));
      }
    }
    LOGKV_RETURN_IF_ERROR(fs_.sync_dir(keep_dir));
    // Before the segment it describes changes (see plan()).
    for (const char* marker : markers_to_move_) {
      LOGKV_RETURN_IF_ERROR(fs_.rename(join_path(dir_, marker), join_path(keep_dir, marker)));
    }
    if (!markers_to_move_.empty()) LOGKV_RETURN_IF_ERROR(fs_.sync_dir(dir_));
    for (const auto& plan : plans_) {
      if (plan->rewrite) {
        const std::string temp = join_path(dir_, temp_file_name(plan->name));
        (void)fs_.remove(temp);
        LOGKV_RETURN_IF_ERROR(write_synced_file(fs_, temp, plan->new_contents));
        LOGKV_RETURN_IF_ERROR(publish_temp_file(fs_, dir_, plan->name));
      } else if (plan->truncate) {
        LOGKV_RETURN_IF_ERROR(fs_.truncate(join_path(dir_, plan->name), plan->valid_end));
      }
      if (plan->rebuild_hint) {
        const std::string& contents = plan->rewrite ? plan->new_contents : plan->contents;
        const std::string_view now = std::string_view(contents).substr(
            0, plan->truncate ? plan->valid_end : contents.size());
        const std::vector<HintEntry> entries = hint_entries_of(now, plan->id, plan->name);
        Result<uint64_t> written = write_hint_file(fs_, dir_, plan->id, now.size(), entries);
        if (!written.is_ok()) return written.status();
      }
      if (plan->move_hint) {
        LOGKV_RETURN_IF_ERROR(fs_.rename(join_path(dir_, hint_file_name(plan->id)),
                                         join_path(keep_dir, hint_file_name(plan->id))));
      }
    }
    for (uint64_t id : orphan_hints_) {
      LOGKV_RETURN_IF_ERROR(
          fs_.rename(join_path(dir_, hint_file_name(id)), join_path(keep_dir, hint_file_name(id))));
    }
    // Segments that are not the store's, each hint first (a hint without its segment reads as a
    // removed segment).
    for (uint64_t id : set_aside_) {
      for (const std::string& name : {hint_file_name(id), segment_file_name(id)}) {
        const Status moved = fs_.rename(join_path(dir_, name), join_path(keep_dir, name));
        if (!moved.is_ok() && moved.code() != StatusCode::kNotFound) return moved;
      }
    }
    if (write_manifest_) {
      // The old one first, so that lost+found shows what it said.
      if (Result<FileBytes> old = read_whole_file(fs_, join_path(dir_, kManifestFileName));
          old.is_ok()) {
        LOGKV_RETURN_IF_ERROR(
            write_synced_file(fs_, join_path(keep_dir, kManifestFileName), old->bytes));
      }
      LOGKV_RETURN_IF_ERROR(fs_.sync_dir(keep_dir));
      if (plans_.empty()) {
        // No segment is left to list: the store is empty, and its next writer's open starts
        // one and publishes a manifest for it.
        const Status removed = fs_.remove(join_path(dir_, kManifestFileName));
        if (!removed.is_ok() && removed.code() != StatusCode::kNotFound) return removed;
      } else {
        LOGKV_RETURN_IF_ERROR(write_manifest(fs_, dir_, manifest_after()));
      }
    }
    LOGKV_RETURN_IF_ERROR(fs_.sync_dir(keep_dir));
    return fs_.sync_dir(dir_);
  }

 private:
  void note_lost(RepairReport& report, const SegmentPlan& plan, const DamagedKey& key,
                 uint64_t offset) {
    auto it = newest_.find(key.key);
    if (it != newest_.end() && it->second.sequence > key.sequence_max) return;  // a newer one
    std::string now = "absent";
    if (it != newest_.end()) {
      now = it->second.is_delete ? "deleted (sequence " + std::to_string(it->second.sequence) + ")"
                                 : "older value of sequence " + std::to_string(it->second.sequence);
    }
    report.lost_keys.push_back({printable_key(key.key), plan.name, offset, std::move(now)});
  }

  // A sealed segment shorter than its intact hint file says was cut: the records past its end
  // are gone, and the hint names the keys whose newest version in the segment was there.
  void note_cut_short(RepairReport& report, const SegmentPlan& plan) {
    const uint64_t length = plan.length;
    std::optional<CutShortSegment> cut = find_cut_short(fs_, dir_, plan.id, length);
    if (!cut) return;
    report.actions.push_back(plan.name + ": " + std::to_string(length) + " bytes long, but its " +
                             "hint file describes " + std::to_string(cut->hinted_bytes) +
                             ": the records past its end are gone");
    report.dropped.push_back({plan.name, length, cut->hinted_bytes, true});
    for (const CutShortSegment::LostRecord& record : cut->lost) {
      note_lost(report, plan, DamagedKey{record.key, record.sequence}, record.offset);
    }
  }

  // What the manifest says that the folder does not bear out (wal/segment_set.h): segments it
  // lists that are missing or cut are losses to report, segments it does not list go aside with
  // the compaction leftovers it names, and a new manifest lists what repair leaves. A new one is
  // also written when repair changes any segment's length, and for a store without one.
  void plan_segment_set(RepairReport& report) {
    for (const SegmentSetProblem& problem : set_problems_) {
      switch (problem.kind) {
        case SegmentSetProblem::Kind::kMissing:
          report.actions.push_back(problem.file + ": " + problem.what +
                                   " (keys unknown, unless its hint file names them above)");
          report.dropped.push_back({problem.file, 0, problem.listed_bytes, false});
          break;
        case SegmentSetProblem::Kind::kLengthDiffers:
          if (problem.present_bytes < problem.listed_bytes) {
            report.actions.push_back(problem.file + ": " + problem.what +
                                     "; the records past its end are gone");
            report.dropped.push_back(
                {problem.file, problem.present_bytes, problem.listed_bytes, false});
          } else {
            report.actions.push_back(problem.file + ": " + problem.what +
                                     "; its records are read as they are now");
          }
          break;
        case SegmentSetProblem::Kind::kNotInStore:
          set_aside_.push_back(problem.segment_id);
          report.actions.push_back(problem.file +
                                   ": move aside (not part of the store: MANIFEST does not list "
                                   "it)");
          break;
        case SegmentSetProblem::Kind::kManifestDamaged:
          report.actions.push_back(std::string(kManifestFileName) + ": " + problem.what);
          break;
      }
    }
    for (uint64_t id : leftovers_) {
      set_aside_.push_back(id);
      report.actions.push_back(segment_file_name(id) +
                               ": move aside (left by a compaction a crash interrupted; it holds "
                               "only copies)");
    }
    bool lengths_change = false;
    for (const auto& plan : plans_) lengths_change |= plan->rewrite || plan->truncate;
    write_manifest_ = !set_problems_.empty() || !set_aside_.empty() || lengths_change ||
                      (!had_manifest_ && !report.actions.empty());
    if (write_manifest_) {
      report.actions.push_back(std::string(kManifestFileName) +
                               (plans_.empty()
                                    ? ": move aside (no segment is left to list)"
                                    : ": write anew, listing the segments repair leaves"));
    }
  }

  // The manifest of the store as act() leaves it.
  Manifest manifest_after() const {
    std::vector<std::pair<uint64_t, uint64_t>> lengths;
    for (const auto& plan : plans_) {
      const uint64_t bytes = plan->rewrite    ? plan->new_contents.size()
                             : plan->truncate ? plan->valid_end
                                              : plan->length;
      lengths.emplace_back(plan->id, bytes);
    }
    return manifest_of(lengths);
  }

  // Sets the segment's actions and whether its hint file matches what repair leaves, then lets go
  // of its bytes unless acting on it needs them.
  void decide(SegmentPlan& plan) {
    plan.rewrite = !plan.damage.empty();
    plan.truncate = !plan.rewrite && plan.torn_nonzero;
    if (plan.rewrite) plan.new_contents = rebuild_segment(plan.id, plan.records);
    if (plan.has_hint) {
      const std::string_view after = plan.rewrite ? std::string_view(plan.new_contents)
                                     : plan.truncate
                                         ? std::string_view(plan.contents).substr(0, plan.valid_end)
                                         : std::string_view(plan.contents);
      Result<LoadedHint> hint = load_hint_file(fs_, dir_, plan.id, after.size());
      plan.hint_intact =
          hint.is_ok() && hint_matches(*hint, hint_entries_of(after, plan.id, plan.name));
    }
    if (!plan.rewrite && !plan.truncate && (!plan.has_hint || plan.hint_intact)) {
      std::string().swap(plan.contents);
      std::vector<ScannedRecord>().swap(plan.records);
    }
  }

  FileSystem& fs_;
  const std::string dir_;
  const RepairOptions& options_;
  StoreFolderListing listing_;
  std::vector<std::unique_ptr<SegmentPlan>> plans_;
  std::unordered_map<std::string, Newest> newest_;
  std::vector<uint64_t> orphan_hints_;
  std::vector<const char*> markers_to_move_;
  std::vector<SegmentSetProblem> set_problems_;
  std::vector<uint64_t> leftovers_;
  std::vector<uint64_t> set_aside_;  // foreign segments and leftovers, moved to lost+found
  bool had_manifest_ = false;
  bool write_manifest_ = false;
};

}  // namespace

Result<RepairReport> repair_store(std::string_view dir_view, const RepairOptions& options) {
  const std::string dir(dir_view);
  FileSystem& fs = *posix_file_system();
  if (Result<std::vector<std::string>> entries = fs.list_dir(dir); !entries.is_ok()) {
    if (entries.status().code() == StatusCode::kNotFound) {
      return Status::not_found("store folder '" + dir + "' does not exist");
    }
    return entries.status();
  }
  // Held to the end, so that no writer appends to or compacts what is being repaired.
  Result<std::unique_ptr<FileLock>> lock = fs.lock(join_path(dir, kLockFileName));
  if (!lock.is_ok()) {
    return lock.status().with_context("cannot repair store '" + dir +
                                      "' while another process holds it; close that first");
  }
  Repairer repairer(fs, dir, options);
  LOGKV_RETURN_IF_ERROR(repairer.read().with_context("cannot repair store '" + dir + "'"));
  RepairReport report;
  repairer.plan(report);
  if (options.dry_run) return report;
  LOGKV_RETURN_IF_ERROR(repairer.act(report).with_context("repair of store '" + dir +
                                                          "' stopped part way; the originals "
                                                          "of changed files are in lost+found"));
  return report;
}

}  // namespace logkv
