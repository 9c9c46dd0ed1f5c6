// Compactor: runs compactions for one store, on demand and on a background thread.
//
// The background thread (started when Options::automatic_compaction is on) sleeps until the
// write path reports enough newly dead bytes or a sealed segment, then writes hint files for
// sealed segments that lack one (those of at least Options::hint_segment_bytes_min bytes), asks
// the policy (compaction_policy.h) which segments to compact, and merges them (merger.h). It
// repeats while the policy finds work, and sleeps again when there is none. Compactions never
// overlap: the background thread and compact() take turns.
//
// Thread-safety: every method may be called from any thread. The note_* methods are cheap (an
// atomic add, rarely a notify) so that the write path can call them under its lock.
// Failure: a failed background compaction is counted and remembered (stats()); the store keeps
// working, and the next trigger tries again.
#ifndef LOGKV_COMPACTION_COMPACTOR_H_
#define LOGKV_COMPACTION_COMPACTOR_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "compaction/compaction_environment.h"
#include "compaction/compaction_policy.h"
#include "compaction/merger.h"
#include "logkv/options.h"
#include "logkv/status.h"

namespace logkv {

// kInvalidArgument naming the option when a compaction option of `options` is out of range.
Status check_compaction_options(const Options& options);

struct CompactionStats {
  uint64_t compactions = 0;             // merges that finished
  uint64_t segment_bytes_written = 0;   // bytes of segments written by merges
  uint64_t hint_bytes_written = 0;      // bytes of hint files written (merges and sealed segments)
  uint64_t failures = 0;                // background merges or hint writes that failed
  int64_t last_compaction_unix_ms = 0;  // when the last merge finished; 0 if none yet
  uint64_t write_stalls = 0;            // writes that waited for a round (back-pressure)
};

class Compactor {
 public:
  Compactor(CompactionEnvironment env, const Options& options);
  Compactor(const Compactor&) = delete;
  Compactor& operator=(const Compactor&) = delete;
  ~Compactor();  // stop()

  // Starts the background thread if automatic compaction is on; it first looks for work left
  // from before the store was opened.
  void start();
  // Cancels what is running (a merge stops before publishing its outputs), joins the background
  // thread and waits for a compact() running on another thread. Later calls fail.
  void stop();

  // Drops the immutable segments that hold nothing needed (writing nothing, so that this works on
  // a full disk), seals the active segment, then compacts every immutable segment, so that the
  // store holds only live records (and the tombstones they still need) once this returns, apart
  // from writes that arrive meanwhile. Afterwards every immutable segment of at least
  // Options::hint_segment_bytes_min bytes has a hint file. `progress` is told how far the copy of
  // the live records has come (merger.h).
  Status compact_all(const MergeProgress& progress = {});
  // Compacts exactly `segment_ids`, which must be immutable segments (for tests and tools).
  Status compact_segments(std::span<const uint64_t> segment_ids);
  // From the write path: `bytes` of records became dead (overwritten or deleted).
  void note_dead_bytes(uint64_t bytes);
  // From the write path: the active segment was sealed and a new one started.
  void note_segment_sealed();

  // Back-pressure for the write path: asks for a round and blocks until the background thread
  // has finished one that started after this call (at most two rounds). Returns at once when
  // there is no background thread or it is stopping. Call with no store lock held.
  void wait_for_round();

  // Blocks until the background thread has nothing left to do (returns at once when it is not
  // running). For tests.
  void wait_until_idle();

  // The ids of the immutable segments, ascending.
  std::vector<uint64_t> immutable_segment_ids() const;
  CompactionStats stats() const;
  // The message of the last failed background compaction; empty if none.
  std::string last_error() const;

 private:
  void run_background();
  // One round of background work; sets `progressed` when a merge removed segments.
  Status background_round(bool* progressed);
  // Writes hint files for the immutable segments of at least `segment_bytes_min` bytes that
  // have none. Requires job_mutex_.
  Status write_missing_hints_locked(uint64_t segment_bytes_min);
  // Requires job_mutex_.
  // `counted`: adds to CompactionStats::compactions (a compact() counts once, however many
  // merges it runs).
  Status merge_locked(std::span<const uint64_t> inputs, std::span<const uint64_t> immutable,
                      bool counted = true, const MergeProgress& progress = {});
  // Requires job_mutex_, which keeps the segments it reads from being deleted meanwhile.
  std::vector<SegmentState> segment_states() const;
  void wake();

  const CompactionEnvironment env_;
  const bool automatic_;
  const CompactionPolicy policy_;
  const uint64_t hint_segment_bytes_min_;
  const uint64_t dead_bytes_step_;

  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> dead_bytes_noted_{0};
  // Held for a whole merge or hint pass, so that they never overlap.
  std::mutex job_mutex_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::condition_variable round_finished_;
  uint64_t rounds_finished_ = 0;  // guarded by mutex_
  bool pending_ = false;          // guarded by mutex_
  bool running_ = false;          // guarded by mutex_
  bool background_ = false;       // the thread is running; guarded by mutex_
  std::string last_error_;        // guarded by mutex_
  std::thread thread_;

  std::atomic<uint64_t> compactions_{0};
  std::atomic<uint64_t> segment_bytes_written_{0};
  std::atomic<uint64_t> hint_bytes_written_{0};
  std::atomic<uint64_t> failures_{0};
  std::atomic<uint64_t> write_stalls_{0};
  std::atomic<int64_t> last_compaction_unix_ms_{0};
};

}  // namespace logkv

#endif  // LOGKV_COMPACTION_COMPACTOR_H_
