#include "compaction/merge_plan.h"

#include <algorithm>
#include <unordered_map>

#include "wal/file_names.h"
#include "wal/record_format.h"

namespace logkv {
namespace {

struct LoadedSegment {
  uint64_t id;
  std::vector<SegmentRecord> records;
};

Result<LoadedSegment> load_segment(const CompactionEnvironment& env, uint64_t id) {
  const Segment* segment = env.segments->find(id);
  if (segment == nullptr) {
    return Status::invalid_argument("cannot compact segment " + segment_file_name(id) +
                                    ": it is not an open segment of the store");
  }
  Result<std::vector<SegmentRecord>> records = read_segment_records(
      *env.fs, env.dir, id, *segment->file, segment->bytes.load(std::memory_order_relaxed));
  if (!records.is_ok()) return records.status();
  return LoadedSegment{id, std::move(records).value()};
}

// A tombstone that may have to be kept, and what holds it back.
struct TombstoneCandidate {
  uint64_t input_id;
  const SegmentRecord* record;
  std::vector<uint64_t> blockers;
};

// Adds every segment of `immutable` other than a candidate's own that holds an older value of
// the candidate's key to that candidate's blockers.
Status find_blockers(const CompactionEnvironment& env, std::span<const uint64_t> immutable,
                     const std::vector<LoadedSegment>& inputs,
                     std::unordered_map<std::string_view, TombstoneCandidate>& candidates,
                     const std::atomic<bool>& stop) {
  for (uint64_t id : immutable) {
    if (stop.load(std::memory_order_relaxed)) return compaction_cancelled();
    LoadedSegment loaded_here;
    const std::vector<SegmentRecord>* records = nullptr;
    for (const LoadedSegment& input : inputs) {
      if (input.id == id) records = &input.records;
    }
    if (records == nullptr) {
      Result<LoadedSegment> loaded = load_segment(env, id);
      if (!loaded.is_ok()) return loaded.status();
      loaded_here = std::move(loaded).value();
      records = &loaded_here.records;
    }
    for (const SegmentRecord& record : *records) {
      if (record.type != RecordType::kSet) continue;
      auto it = candidates.find(record.key);
      if (it == candidates.end() || it->second.input_id == id ||
          record.sequence >= it->second.record->sequence) {
        continue;
      }
      if (it->second.blockers.empty() || it->second.blockers.back() != id) {
        it->second.blockers.push_back(id);
      }
    }
  }
  return Status::ok();
}

}  // namespace

Status compaction_cancelled() {
  return Status::invalid_argument("compaction was cancelled because the store is closing");
}

std::span<const PlannedCopy> MergePlan::output(size_t i) const {
  const size_t end = i + 1 < output_starts.size() ? output_starts[i + 1] : copies.size();
  return std::span<const PlannedCopy>(copies).subspan(output_starts[i], end - output_starts[i]);
}

Result<MergePlan> plan_merge(const CompactionEnvironment& env, std::span<const uint64_t> inputs,
                             std::span<const uint64_t> immutable, const std::atomic<bool>& stop) {
  std::vector<LoadedSegment> loaded;
  loaded.reserve(inputs.size());
  for (uint64_t id : inputs) {
    if (stop.load(std::memory_order_relaxed)) return compaction_cancelled();
    // An input with no live value and no tombstone has nothing to copy or keep: it is deleted
    // unread (with overwritten large values, reading it was most of a compaction's work). Its
    // dead values cannot outrank anything the loaded inputs hold for the plan: leaving them out
    // can only keep a tombstone that they would have shown to be superseded, which is safe.
    // When another input's tombstone needs blockers, find_blockers() still reads it.
    // An immutable segment's live bytes only shrink and its tombstone bytes no longer change,
    // so the check cannot go stale while this compaction runs.
    if (const std::optional<SegmentUsage> usage = env.usage->find(id);
        usage && usage->holds_nothing_needed()) {
      continue;
    }
    Result<LoadedSegment> segment = load_segment(env, id);
    if (!segment.is_ok()) return segment.status();
    loaded.push_back(std::move(segment).value());
  }

  // The inputs' newest record of each key: (input, record) positions. The same record can be in
  // two segments (a compaction's output and an input that a crash kept); like recovery, the
  // higher segment id wins the tie, so the choice matches what the key directory points to.
  std::unordered_map<std::string_view, std::pair<size_t, size_t>> newest;
  for (size_t i = 0; i < loaded.size(); ++i) {
    for (size_t j = 0; j < loaded[i].records.size(); ++j) {
      const SegmentRecord& record = loaded[i].records[j];
      auto [it, inserted] = newest.try_emplace(record.key, i, j);
      if (inserted) continue;
      const auto [best_input, best_record] = it->second;
      const uint64_t best_sequence = loaded[best_input].records[best_record].sequence;
      if (record.sequence > best_sequence ||
          (record.sequence == best_sequence && loaded[i].id > loaded[best_input].id)) {
        it->second = {i, j};
      }
    }
  }

  MergePlan plan;
  std::unordered_map<std::string_view, TombstoneCandidate> candidates;
  for (const auto& [key, position] : newest) {
    const LoadedSegment& input = loaded[position.first];
    const SegmentRecord& record = input.records[position.second];
    const std::optional<IndexEntry> entry = env.keys->find(key);
    if (record.type == RecordType::kSet) {
      const bool live = entry && entry->segment_id == input.id && entry->offset == record.offset &&
                        entry->sequence == record.sequence;
      if (live) {
        plan.copies.push_back(PlannedCopy{input.id, record, {}});
      } else {
        ++plan.values_dropped;
      }
    } else if (entry && entry->sequence > record.sequence) {
      ++plan.tombstones_dropped;
    } else {
      candidates.emplace(key, TombstoneCandidate{input.id, &record, {}});
    }
  }
  if (!candidates.empty()) {
    LOGKV_RETURN_IF_ERROR(find_blockers(env, immutable, loaded, candidates, stop));
    for (auto& [key, candidate] : candidates) {
      if (candidate.blockers.empty()) {
        ++plan.tombstones_dropped;
      } else {
        plan.copies.push_back(
            PlannedCopy{candidate.input_id, *candidate.record, std::move(candidate.blockers)});
      }
    }
  }

  std::sort(plan.copies.begin(), plan.copies.end(), [](const PlannedCopy& a, const PlannedCopy& b) {
    return a.record.sequence < b.record.sequence;
  });
  uint64_t output_bytes = 0;
  for (size_t i = 0; i < plan.copies.size(); ++i) {
    const uint64_t record_bytes = plan.copies[i].record.record_bytes;
    if (plan.output_starts.empty() || output_bytes + record_bytes > env.segment_bytes_max) {
      plan.output_starts.push_back(i);
      output_bytes = kSegmentHeaderBytes;
    }
    output_bytes += record_bytes;
  }
  return plan;
}

}  // namespace logkv
