// IntervalSyncer: calls a sync function every interval on a thread of its own, for
// SyncMode::kInterval.
//
// Thread-safety: construct and stop() from one thread; the sync function runs on the syncer's
// thread and must do its own locking.
#ifndef LOGKV_ENGINE_INTERVAL_SYNCER_H_
#define LOGKV_ENGINE_INTERVAL_SYNCER_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace logkv {

class IntervalSyncer {
 public:
  IntervalSyncer(std::chrono::milliseconds interval, std::function<void()> sync);
  ~IntervalSyncer();  // stop()
  IntervalSyncer(const IntervalSyncer&) = delete;
  IntervalSyncer& operator=(const IntervalSyncer&) = delete;

  // Wakes the thread, waits for a sync in progress to finish, and joins. Idempotent.
  void stop();

 private:
  void run();

  const std::chrono::milliseconds interval_;
  const std::function<void()> sync_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace logkv

#endif  // LOGKV_ENGINE_INTERVAL_SYNCER_H_
