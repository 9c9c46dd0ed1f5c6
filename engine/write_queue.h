// WriteQueue: group commit. Concurrent writers queue up; the writer at the front becomes the
// leader, takes a bounded group of queued requests, and commits them together (one append, one
// sync); every request in the group is acknowledged only when that commit has finished.
//
// While a leader commits, later writers keep queueing, so the next group gathers during the
// current group's sync: under load each fdatasync covers many writers. When a commit ends, the
// leader first hands the lead to the next queued writer and only then wakes its group's writers
// one by one, so the next group's write and sync overlap those wake-ups instead of waiting for
// them. Each request has its own lock for that hand-off: the queue lock is held only to push and
// pop, never while a thread is woken.
//
// Thread-safety: submit() may be called from any number of threads at once. The commit function
// runs on one thread at a time (the leader's), never concurrently with itself.
#ifndef LOGKV_ENGINE_WRITE_QUEUE_H_
#define LOGKV_ENGINE_WRITE_QUEUE_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <span>

#include "logkv/status.h"

namespace logkv {

class WriteContext;

// One writer's request. Lives on the writer's stack until submit() returns.
struct WriteRequest {
  // Called by the leader, in queue order, to turn the request into records (WriteContext shows
  // the store as all earlier requests leave it). An error fails only this request, which then
  // writes nothing.
  std::function<Status(WriteContext&)> prepare;
  // Bytes the request will append, roughly (keys + values); bounds the group.
  size_t bytes_hint = 0;

  // Set by the commit before the request is released.
  Status status;

 private:
  friend class WriteQueue;
  enum class Turn : uint8_t { kWait, kLead, kDone };
  // The waker changes turn_ and notifies while holding turn_mutex_, so the waiting writer can
  // neither miss the change nor return (destroying this request) before notify_one() is over.
  std::mutex turn_mutex_;
  std::condition_variable turn_changed_;
  Turn turn_ = Turn::kWait;  // guarded by turn_mutex_
};

class WriteQueue {
 public:
  // Commits a group: must set every request's status.
  using CommitFn = std::function<void(std::span<WriteRequest* const> group)>;

  // A group takes at most `group_requests_max` requests and at most `group_bytes_max` bytes
  // (bytes_hint, its first request's included); only a first request may exceed the byte cap,
  // and then it goes alone.
  WriteQueue(size_t group_requests_max, size_t group_bytes_max);

  // Blocks until `request` has been committed, by this thread or by another leader, and returns
  // its status.
  Status submit(WriteRequest& request, const CommitFn& commit);

  // Requests queued or being committed now (for tests and stats).
  size_t depth() const;

 private:
  static void hand_turn(WriteRequest& request, WriteRequest::Turn turn);

  const size_t group_requests_max_;
  const size_t group_bytes_max_;
  mutable std::mutex mutex_;
  std::deque<WriteRequest*> queue_;  // guarded by mutex_; front() is the current leader
};

}  // namespace logkv

#endif  // LOGKV_ENGINE_WRITE_QUEUE_H_
