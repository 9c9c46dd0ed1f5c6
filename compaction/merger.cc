#include "compaction/merger.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "compaction/merge_plan.h"
#include "wal/damage_advice.h"
#include "wal/file_names.h"
#include "wal/file_publishing.h"
#include "wal/hint_io.h"
#include "wal/record.h"
#include "wal/segment_writer.h"

namespace logkv {
namespace {

// Staged copies are handed to the file in pieces of about this size, bounding the buffer.
constexpr uint64_t kCommitBytes = uint64_t{1} << 20;
// Index entries swapped per hold of the writer lock, so that writers wait only briefly.
constexpr size_t kSwapChunkRecords = 1024;

// Counts the bytes copied for MergeProgress, telling it once per committed piece and output.
class CopyCounter {
 public:
  CopyCounter(const MergeProgress& progress, uint64_t total) : progress_(progress), total_(total) {}
  void add(uint64_t bytes) { done_ += bytes; }
  void tell() const {
    if (progress_) progress_(done_, total_);
  }

 private:
  const MergeProgress& progress_;
  const uint64_t total_;
  uint64_t done_ = 0;
};

struct WrittenOutput {
  uint64_t id = 0;
  uint64_t segment_bytes = 0;
  uint64_t hint_bytes = 0;        // 0: the output is too small to get a hint file
  std::vector<uint64_t> offsets;  // of each copy, in plan order
};

// Why the record read back for `copy` is not the one the plan chose; empty when it is.
std::string copy_problem(const DecodedRecord& decoded, const PlannedCopy& copy) {
  if (decoded.status != DecodeStatus::kOk) return std::string(decoded.reason);
  if (decoded.bytes != copy.record.record_bytes || decoded.record.key != copy.record.key ||
      decoded.record.sequence != copy.record.sequence || decoded.record.type != copy.record.type) {
    return "the record differs from what the segment's hint file or scan described";
  }
  return {};
}

Result<WrittenOutput> write_output(const CompactionEnvironment& env, uint64_t id,
                                   std::span<const PlannedCopy> copies,
                                   const std::atomic<bool>& stop, CopyCounter& counter) {
  const std::string temp_path = join_path(env.dir, temp_file_name(segment_file_name(id)));
  Result<std::unique_ptr<WritableFile>> file =
      env.fs->open_writable(temp_path, OpenMode::kCreateNew);
  if (!file.is_ok()) return file.status();
  SegmentWriter writer(std::move(*file), id, 0);
  LOGKV_RETURN_IF_ERROR(writer.write_header());

  WrittenOutput output;
  output.id = id;
  output.offsets.reserve(copies.size());
  std::vector<HintEntry> hints;
  hints.reserve(copies.size());
  std::vector<char> scratch;
  for (const PlannedCopy& copy : copies) {
    if (stop.load(std::memory_order_relaxed)) return compaction_cancelled();
    const Segment* input = env.segments->find(copy.input_id);
    if (input == nullptr) return compaction_cancelled();
    scratch.resize(std::max<size_t>(scratch.size(), copy.record.record_bytes));
    Result<std::string_view> bytes =
        input->file->read(copy.record.offset, copy.record.record_bytes, scratch.data());
    if (!bytes.is_ok()) return bytes.status();
    const DecodedRecord decoded = decode_record(*bytes);
    if (const std::string problem = copy_problem(decoded, copy); !problem.empty()) {
      return Status::corruption(
          "'" + input->path + "' at offset " + std::to_string(copy.record.offset) + ": " + problem +
          "; compaction stopped, the store is unchanged" + std::string(kDamageAdvice));
    }
    Result<uint64_t> offset = writer.stage(decoded.record.type, 0, decoded.record.sequence,
                                           decoded.record.key, decoded.record.value);
    if (!offset.is_ok()) return offset.status();
    output.offsets.push_back(*offset);
    hints.push_back(HintEntry{copy.record.key, copy.record.sequence, static_cast<uint32_t>(*offset),
                              copy.record.record_bytes, copy.record.type});
    counter.add(copy.record.record_bytes);
    if (writer.staged_bytes() >= kCommitBytes) {
      LOGKV_RETURN_IF_ERROR(writer.commit(false));
      counter.tell();
    }
  }
  LOGKV_RETURN_IF_ERROR(writer.commit(/*sync=*/true));
  counter.tell();
  LOGKV_RETURN_IF_ERROR(writer.close());
  output.segment_bytes = writer.size();
  if (output.segment_bytes >= env.hint_segment_bytes_min) {
    Result<uint64_t> hint_bytes =
        write_temp_hint_file(*env.fs, env.dir, id, output.segment_bytes, hints);
    if (!hint_bytes.is_ok()) return hint_bytes.status();
    output.hint_bytes = *hint_bytes;
  }
  return output;
}

// Best-effort removal of the files of outputs [first_id, first_id + count), temporary or not.
// Used when a merge gives up: the inputs are all still there, so the outputs are only copies.
void remove_outputs(const CompactionEnvironment& env, uint64_t first_id, uint64_t count) {
  bool removed = false;
  for (uint64_t id = first_id; id < first_id + count; ++id) {
    // The hint first: a crash between leaves a segment without one, never a hint without its
    // segment, which open reads as a removed segment (engine/recovery.cc, check_orphan_hints).
    for (const std::string& name : {hint_file_name(id), segment_file_name(id)}) {
      for (const std::string& path :
           {join_path(env.dir, name), join_path(env.dir, temp_file_name(name))}) {
        removed |= env.fs->remove(path).is_ok();
      }
    }
  }
  if (removed) (void)env.fs->sync_dir(env.dir);
}

Status publish_outputs(const CompactionEnvironment& env,
                       const std::vector<WrittenOutput>& outputs) {
  for (const WrittenOutput& output : outputs) {
    LOGKV_RETURN_IF_ERROR(publish_temp_file(*env.fs, env.dir, segment_file_name(output.id)));
    if (output.hint_bytes > 0) {
      LOGKV_RETURN_IF_ERROR(publish_temp_file(*env.fs, env.dir, hint_file_name(output.id)));
    }
  }
  return env.fs->sync_dir(env.dir);
}

// Opens the published outputs for readers and adds them to the segment table and usage table.
Status register_outputs(const CompactionEnvironment& env, const MergePlan& plan,
                        const std::vector<WrittenOutput>& outputs) {
  std::vector<std::unique_ptr<Segment>> opened;
  for (const WrittenOutput& output : outputs) {
    auto segment = std::make_unique<Segment>();
    segment->id = output.id;
    segment->path = join_path(env.dir, segment_file_name(output.id));
    Result<std::unique_ptr<RandomAccessFile>> file = env.fs->open_random_access(segment->path);
    if (!file.is_ok()) return file.status();
    segment->file = std::move(*file);
    segment->bytes.store(output.segment_bytes, std::memory_order_relaxed);
    opened.push_back(std::move(segment));
  }
  Status added;
  LOGKV_RETURN_IF_ERROR(env.host->run_exclusive([&] {
    std::vector<uint64_t> added_ids;
    for (std::unique_ptr<Segment>& segment : opened) {
      const uint64_t id = segment->id;
      added = env.segments->add(std::move(segment));
      if (!added.is_ok()) break;
      added_ids.push_back(id);
    }
    if (!added.is_ok()) {
      for (uint64_t id : added_ids) (void)env.segments->remove(id);
    }
  }));
  LOGKV_RETURN_IF_ERROR(added);
  for (size_t i = 0; i < outputs.size(); ++i) {
    uint64_t pinned_bytes = 0;
    std::vector<uint64_t> blockers;
    for (const PlannedCopy& copy : plan.output(i)) {
      if (copy.record.type != RecordType::kDelete) continue;
      pinned_bytes += copy.record.record_bytes;
      blockers.insert(blockers.end(), copy.blockers.begin(), copy.blockers.end());
    }
    env.usage->add(outputs[i].id, 0, outputs[i].hint_bytes, pinned_bytes);
    if (pinned_bytes > 0) env.usage->pin(outputs[i].id, pinned_bytes, std::move(blockers));
  }
  return Status::ok();
}

// Points every key whose entry still names a copied record at its copy.
Status swap_entries(const CompactionEnvironment& env, const MergePlan& plan,
                    const std::vector<WrittenOutput>& outputs, uint64_t* records_swapped) {
  struct Swap {
    std::string_view key;
    IndexEntry from;
    IndexEntry to;
  };
  std::vector<Swap> swaps;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const std::span<const PlannedCopy> copies = plan.output(i);
    for (size_t j = 0; j < copies.size(); ++j) {
      const SegmentRecord& record = copies[j].record;
      if (record.type != RecordType::kSet) continue;
      swaps.push_back(Swap{record.key,
                           IndexEntry{static_cast<uint32_t>(copies[j].input_id), record.offset,
                                      record.record_bytes, record.sequence},
                           IndexEntry{static_cast<uint32_t>(outputs[i].id), outputs[i].offsets[j],
                                      record.record_bytes, record.sequence}});
    }
  }
  std::vector<LiveBytesDelta> deltas;
  for (size_t start = 0; start < swaps.size(); start += kSwapChunkRecords) {
    const size_t end = std::min(swaps.size(), start + kSwapChunkRecords);
    deltas.clear();
    LOGKV_RETURN_IF_ERROR(env.host->run_exclusive([&] {
      for (size_t k = start; k < end; ++k) {
        const Swap& swap = swaps[k];
        if (!env.keys->replace_if(swap.key, swap.from, swap.to)) continue;
        const auto bytes = static_cast<int64_t>(swap.to.record_bytes);
        deltas.push_back(LiveBytesDelta{swap.from.segment_id, -bytes});
        deltas.push_back(LiveBytesDelta{swap.to.segment_id, bytes});
      }
      // Inside the lock: the write path's deltas for these segments must apply after these.
      env.usage->apply(deltas);
    }));
    *records_swapped += deltas.size() / 2;
  }
  return Status::ok();
}

// Deletes the inputs that no index entry points into any more. Returns how many it deleted.
Result<uint64_t> retire_inputs(const CompactionEnvironment& env, std::span<const uint64_t> inputs) {
  std::vector<uint64_t> retired;
  for (uint64_t id : inputs) {
    const std::optional<SegmentUsage> usage = env.usage->find(id);
    if (!usage || usage->live_bytes == 0) retired.push_back(id);
  }
  // Retired in the manifest before they leave the segment table, and so before any roll could
  // publish a manifest without them while their files still exist (which would make them
  // foreign), and before their files go (a crash in between leaves retired leftovers, which the
  // next open removes, never listed segments gone missing). Nothing points into them any more.
  if (!retired.empty()) {
    LOGKV_RETURN_IF_ERROR(env.host->publish_segment_set(retired));
  }
  std::vector<std::unique_ptr<Segment>> removed;
  LOGKV_RETURN_IF_ERROR(env.host->run_exclusive([&] {
    for (uint64_t id : retired) removed.push_back(env.segments->remove(id));
  }));
  removed.clear();  // closes the files outside the writer lock
  env.usage->remove(retired);
  Status status;
  std::vector<uint64_t> gone;
  for (uint64_t id : retired) {
    // The hint first, and the segment only once its hint is gone: a hint without its segment is
    // what a removed segment looks like to open (engine/recovery.cc, check_orphan_hints), so no
    // crash or failure here may leave one. A segment left without its hint is only scanned.
    const Status hint = env.fs->remove(join_path(env.dir, hint_file_name(id)));
    if (!hint.is_ok() && hint.code() != StatusCode::kNotFound) {
      if (status.is_ok()) status = hint;
      continue;
    }
    const Status data = env.fs->remove(join_path(env.dir, segment_file_name(id)));
    if (status.is_ok() && !data.is_ok()) status = data;
    if (data.is_ok()) gone.push_back(id);
  }
  if (!retired.empty()) {
    const Status synced = env.fs->sync_dir(env.dir);
    if (status.is_ok()) status = synced;
    if (synced.is_ok()) env.host->segments_removed(gone);
  }
  if (!status.is_ok()) return status.with_context("cannot delete compacted segments");
  if (retired.size() != inputs.size()) {
    return Status::corruption(
        std::to_string(inputs.size() - retired.size()) +
        " compacted segment(s) were kept because the index still points into them; the data "
        "is safe; they go with the next compaction that can drop them");
  }
  return static_cast<uint64_t>(retired.size());
}

}  // namespace

Result<MergeOutcome> merge_segments(const CompactionEnvironment& env,
                                    std::span<const uint64_t> inputs,
                                    std::span<const uint64_t> immutable,
                                    const std::atomic<bool>& stop, const MergeProgress& progress) {
  Result<MergePlan> planned = plan_merge(env, inputs, immutable, stop);
  if (!planned.is_ok()) return planned.status();
  const MergePlan& plan = *planned;
  MergeOutcome outcome;
  outcome.values_dropped = plan.values_dropped;
  outcome.tombstones_dropped = plan.tombstones_dropped;
  if (stop.load(std::memory_order_relaxed)) return compaction_cancelled();

  const uint64_t output_count = plan.output_count();
  Result<uint64_t> first_id = env.host->reserve_segment_ids(output_count);
  if (!first_id.is_ok()) return first_id.status();

  uint64_t copy_bytes = 0;
  for (const PlannedCopy& copy : plan.copies) copy_bytes += copy.record.record_bytes;
  CopyCounter counter(progress, copy_bytes);
  std::vector<WrittenOutput> outputs;
  Status status;
  for (uint64_t i = 0; i < output_count && status.is_ok(); ++i) {
    Result<WrittenOutput> output = write_output(env, *first_id + i, plan.output(i), stop, counter);
    if (output.is_ok()) {
      outputs.push_back(std::move(output).value());
    } else {
      status = output.status();
    }
  }
  if (status.is_ok() && stop.load(std::memory_order_relaxed)) status = compaction_cancelled();
  if (status.is_ok()) status = publish_outputs(env, outputs);
  if (status.is_ok()) status = register_outputs(env, plan, outputs);
  if (!status.is_ok()) {
    remove_outputs(env, *first_id, output_count);
    return status;
  }
  // The outputs join the store's segment set. Should this fail, they stay pending in the
  // manifest on disk (the next open removes them; the inputs are all still there) and, holding
  // nothing the index points to, are dropped by a later compaction.
  if (!outputs.empty()) LOGKV_RETURN_IF_ERROR(env.host->publish_segment_set({}));
  for (const WrittenOutput& output : outputs) {
    outcome.segment_bytes_written += output.segment_bytes;
    outcome.hint_bytes_written += output.hint_bytes;
    outcome.records_copied += output.offsets.size();
  }
  outcome.segments_written = outputs.size();
  for (const PlannedCopy& copy : plan.copies) {
    if (copy.record.type == RecordType::kDelete) ++outcome.tombstones_kept;
  }

  uint64_t records_swapped = 0;
  LOGKV_RETURN_IF_ERROR(swap_entries(env, plan, outputs, &records_swapped));
  Result<uint64_t> retired = retire_inputs(env, inputs);
  if (!retired.is_ok()) return retired.status();
  outcome.inputs_removed = *retired;
  return outcome;
}

}  // namespace logkv
