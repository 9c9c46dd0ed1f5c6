#include "compaction/compactor.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include "compaction/merge_plan.h"
#include "compaction/merger.h"
#include "compaction/segment_records.h"
#include "wal/file_names.h"
#include "wal/hint_io.h"
#include "wal/segment_table.h"

namespace logkv {
namespace {

// Rounds of background work in a row without a new trigger. Each round that makes progress
// removes segments, so the policy runs out of work long before this; the bound only guards
// against a policy that keeps choosing segments it cannot shrink.
constexpr int kRoundsWithoutTriggerMax = 64;

int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

CompactionPolicy policy_for(const Options& options) {
  CompactionPolicy policy;
  policy.disk_ratio_max = options.compaction_disk_ratio_max;
  policy.segment_dead_fraction = options.compaction_segment_dead_fraction;
  policy.dead_bytes_min = options.compaction_dead_bytes_min;
  policy.segment_bytes_max = options.segment_bytes_max;
  policy.input_bytes_max = std::max<uint64_t>(16 * options.segment_bytes_max, uint64_t{1} << 30);
  // Keeps live ids within half the segment table, far from its slot wrap-around.
  policy.id_span_max = SegmentTable::kSlots / 2;
  return policy;
}

}  // namespace

Status check_compaction_options(const Options& options) {
  // Written so that NaN fails too.
  if (!(options.compaction_disk_ratio_max > 1.0 && options.compaction_disk_ratio_max <= 100.0)) {
    return Status::invalid_argument("Options::compaction_disk_ratio_max is " +
                                    std::to_string(options.compaction_disk_ratio_max) +
                                    "; it must be above 1.0 and at most 100");
  }
  if (!(options.compaction_disk_ratio_stall == 0.0 ||
        (options.compaction_disk_ratio_stall > 1.0 &&
         options.compaction_disk_ratio_stall <= 100.0))) {
    return Status::invalid_argument("Options::compaction_disk_ratio_stall is " +
                                    std::to_string(options.compaction_disk_ratio_stall) +
                                    "; it must be 0 (writers never wait for compaction) or above "
                                    "1.0 and at most 100");
  }
  if (!(options.compaction_segment_dead_fraction > 0.0 &&
        options.compaction_segment_dead_fraction <= 1.0)) {
    return Status::invalid_argument("Options::compaction_segment_dead_fraction is " +
                                    std::to_string(options.compaction_segment_dead_fraction) +
                                    "; it must be above 0 and at most 1");
  }
  return Status::ok();
}

Compactor::Compactor(CompactionEnvironment env, const Options& options)
    : env_(std::move(env)),
      automatic_(options.automatic_compaction),
      policy_(policy_for(options)),
      hint_segment_bytes_min_(options.hint_segment_bytes_min),
      // Wake for every eighth of the floor, or every 4 KiB without one: often enough to keep
      // disk use near its bound, rarely enough that the policy's cost does not matter.
      dead_bytes_step_(std::max<uint64_t>(options.compaction_dead_bytes_min / 8, 4096)) {}

Compactor::~Compactor() { stop(); }

void Compactor::start() {
  if (!automatic_ || thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    pending_ = true;
    background_ = true;
  }
  thread_ = std::thread([this] { run_background(); });
}

void Compactor::stop() {
  stop_.store(true, std::memory_order_relaxed);
  {
    std::lock_guard lock(mutex_);
    wake_.notify_all();
    round_finished_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  // Waits for a compact() on another thread, which sees stop_ and gives up.
  std::lock_guard job(job_mutex_);
  std::lock_guard lock(mutex_);
  idle_.notify_all();
}

void Compactor::wake() {
  std::lock_guard lock(mutex_);
  pending_ = true;
  wake_.notify_one();
}

void Compactor::note_dead_bytes(uint64_t bytes) {
  if (!automatic_ || bytes == 0) return;
  const uint64_t before = dead_bytes_noted_.fetch_add(bytes, std::memory_order_relaxed);
  if (before / dead_bytes_step_ != (before + bytes) / dead_bytes_step_) wake();
}

void Compactor::note_segment_sealed() {
  if (automatic_) wake();
}

void Compactor::wait_for_round() {
  std::unique_lock lock(mutex_);
  if (!background_ || stop_.load(std::memory_order_relaxed)) return;
  // A round already running may have chosen its inputs before the caller's writes: wait for
  // the one after it too.
  const uint64_t target = rounds_finished_ + (running_ ? 2 : 1);
  write_stalls_.fetch_add(1, std::memory_order_relaxed);
  pending_ = true;
  wake_.notify_one();
  round_finished_.wait(lock, [&] {
    return rounds_finished_ >= target || !background_ || stop_.load(std::memory_order_relaxed);
  });
}

void Compactor::wait_until_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return !background_ || (!pending_ && !running_); });
}

void Compactor::run_background() {
  int rounds_without_trigger = 0;
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return pending_ || stop_.load(std::memory_order_relaxed); });
    if (stop_.load(std::memory_order_relaxed)) break;
    pending_ = false;
    running_ = true;
    lock.unlock();
    bool progressed = false;
    const Status status = background_round(&progressed);
    lock.lock();
    running_ = false;
    ++rounds_finished_;
    round_finished_.notify_all();
    if (!status.is_ok() && !stop_.load(std::memory_order_relaxed)) {
      failures_.fetch_add(1, std::memory_order_relaxed);
      last_error_ = status.to_string();
    }
    // Another round when this one changed something: the policy may find more to do.
    if (pending_) {
      rounds_without_trigger = 0;
    } else if (status.is_ok() && progressed &&
               ++rounds_without_trigger < kRoundsWithoutTriggerMax) {
      pending_ = true;
    }
    if (!pending_) idle_.notify_all();
  }
  running_ = false;
  background_ = false;
  idle_.notify_all();
  round_finished_.notify_all();
}

Status Compactor::background_round(bool* progressed) {
  std::lock_guard job(job_mutex_);
  if (stop_.load(std::memory_order_relaxed)) return Status::ok();
  LOGKV_RETURN_IF_ERROR(write_missing_hints_locked(hint_segment_bytes_min_));
  const std::vector<SegmentState> states = segment_states();
  const std::vector<uint64_t> inputs = choose_compaction_inputs(states, policy_);
  if (inputs.empty()) return Status::ok();
  std::vector<uint64_t> immutable;
  for (const SegmentState& state : states) {
    if (!state.active) immutable.push_back(state.id);
  }
  const Status merged = merge_locked(inputs, immutable);
  if (merged.is_ok()) *progressed = true;
  return merged;
}

std::vector<SegmentState> Compactor::segment_states() const {
  uint64_t active = 0;
  const std::vector<SegmentUsage> usages = env_.usage->snapshot(&active);
  std::vector<SegmentState> states;
  states.reserve(usages.size());
  for (const SegmentUsage& usage : usages) {
    const Segment* segment = env_.segments->find(usage.id);
    if (segment == nullptr) continue;
    states.push_back(SegmentState{usage.id, segment->bytes.load(std::memory_order_relaxed),
                                  usage.live_bytes, usage.pinned_bytes, usage.hint_bytes,
                                  usage.id == active});
  }
  return states;
}

std::vector<uint64_t> Compactor::immutable_segment_ids() const {
  // From the usage table alone: a Segment found in the segment table may be deleted by a merge
  // running on another thread, so only code holding job_mutex_ may look at one.
  uint64_t active = 0;
  std::vector<uint64_t> ids;
  for (const SegmentUsage& usage : env_.usage->snapshot(&active)) {
    if (usage.id != active) ids.push_back(usage.id);
  }
  return ids;
}

Status Compactor::merge_locked(std::span<const uint64_t> inputs,
                               std::span<const uint64_t> immutable, bool counted,
                               const MergeProgress& progress) {
  // Compaction frees space: on a full disk its outputs may use the space reserve.
  const std::unique_ptr<ReservePermit> permit = env_.fs->permit_reserve();
  Result<MergeOutcome> outcome = merge_segments(env_, inputs, immutable, stop_, progress);
  if (!outcome.is_ok()) return outcome.status();
  if (counted) compactions_.fetch_add(1, std::memory_order_relaxed);
  segment_bytes_written_.fetch_add(outcome->segment_bytes_written, std::memory_order_relaxed);
  hint_bytes_written_.fetch_add(outcome->hint_bytes_written, std::memory_order_relaxed);
  last_compaction_unix_ms_.store(unix_ms_now(), std::memory_order_relaxed);
  return Status::ok();
}

Status Compactor::compact_all(const MergeProgress& progress) {
  std::lock_guard job(job_mutex_);
  if (stop_.load(std::memory_order_relaxed)) return compaction_cancelled();
  // First the segments that hold nothing needed: dropping them writes nothing, so on a full disk
  // they free the room that sealing (a new segment) and copying the live records then need.
  std::vector<uint64_t> needless;
  const std::vector<uint64_t> before_seal = immutable_segment_ids();
  for (uint64_t id : before_seal) {
    const std::optional<SegmentUsage> usage = env_.usage->find(id);
    if (usage && usage->holds_nothing_needed()) needless.push_back(id);
  }
  if (!needless.empty()) {
    LOGKV_RETURN_IF_ERROR(merge_locked(needless, before_seal, /*counted=*/false));
  }
  {
    // The new segment sealing starts is a write to free space too.
    const std::unique_ptr<ReservePermit> permit = env_.fs->permit_reserve();
    LOGKV_RETURN_IF_ERROR(env_.host->seal_active_segment());
  }
  const std::vector<uint64_t> immutable = immutable_segment_ids();
  if (immutable.empty()) return Status::ok();
  return merge_locked(immutable, immutable, /*counted=*/true, progress);
}

Status Compactor::compact_segments(std::span<const uint64_t> segment_ids) {
  std::lock_guard job(job_mutex_);
  if (stop_.load(std::memory_order_relaxed)) return compaction_cancelled();
  const std::vector<uint64_t> immutable = immutable_segment_ids();
  std::vector<uint64_t> inputs(segment_ids.begin(), segment_ids.end());
  std::sort(inputs.begin(), inputs.end());
  inputs.erase(std::unique(inputs.begin(), inputs.end()), inputs.end());
  for (uint64_t id : inputs) {
    if (!std::binary_search(immutable.begin(), immutable.end(), id)) {
      return Status::invalid_argument("cannot compact segment " + std::to_string(id) +
                                      ": it is not an immutable segment of the store");
    }
  }
  if (inputs.empty()) return Status::ok();
  return merge_locked(inputs, immutable);
}

Status Compactor::write_missing_hints_locked(uint64_t segment_bytes_min) {
  for (const SegmentState& state : segment_states()) {
    if (stop_.load(std::memory_order_relaxed)) return Status::ok();
    if (state.active || state.total_bytes < segment_bytes_min) continue;
    const std::optional<SegmentUsage> usage = env_.usage->find(state.id);
    // A segment that holds nothing needed is deleted by the next compaction, unread.
    if (!usage || usage->hint_bytes > 0 || usage->holds_nothing_needed()) continue;
    const Segment* segment = env_.segments->find(state.id);
    if (segment == nullptr) continue;
    Result<std::vector<SegmentRecord>> records =
        read_segment_records(*env_.fs, env_.dir, state.id, *segment->file, state.total_bytes);
    if (!records.is_ok()) return records.status();
    const std::vector<HintEntry> entries = hint_entries_for(*records);
    Result<uint64_t> written =
        write_hint_file(*env_.fs, env_.dir, state.id, state.total_bytes, entries);
    if (!written.is_ok()) {
      return written.status().with_context("cannot write the hint file of segment " +
                                           segment_file_name(state.id));
    }
    hint_bytes_written_.fetch_add(*written, std::memory_order_relaxed);
    env_.usage->set_hint_bytes(state.id, *written);
  }
  return Status::ok();
}

CompactionStats Compactor::stats() const {
  CompactionStats stats;
  stats.compactions = compactions_.load(std::memory_order_relaxed);
  stats.segment_bytes_written = segment_bytes_written_.load(std::memory_order_relaxed);
  stats.hint_bytes_written = hint_bytes_written_.load(std::memory_order_relaxed);
  stats.failures = failures_.load(std::memory_order_relaxed);
  stats.write_stalls = write_stalls_.load(std::memory_order_relaxed);
  stats.last_compaction_unix_ms = last_compaction_unix_ms_.load(std::memory_order_relaxed);
  return stats;
}

std::string Compactor::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

}  // namespace logkv
