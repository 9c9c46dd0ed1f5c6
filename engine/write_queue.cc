#include "engine/write_queue.h"

#include <vector>

namespace logkv {

WriteQueue::WriteQueue(size_t group_requests_max, size_t group_bytes_max)
    : group_requests_max_(group_requests_max), group_bytes_max_(group_bytes_max) {}

Status WriteQueue::submit(WriteRequest& request, const CommitFn& commit) {
  std::unique_lock lock(mutex_);
  queue_.push_back(&request);
  request.wake_.wait(lock, [&] { return request.done_ || queue_.front() == &request; });
  if (request.done_) return request.status;

  // This thread leads: take a bounded group from the front.
  std::vector<WriteRequest*> group;
  size_t group_bytes = 0;
  for (WriteRequest* queued : queue_) {
    if (!group.empty() && (group.size() >= group_requests_max_ ||
                           group_bytes + queued->bytes_hint > group_bytes_max_)) {
      break;
    }
    group.push_back(queued);
    group_bytes += queued->bytes_hint;
  }
  lock.unlock();
  commit(group);
  lock.lock();

  for (WriteRequest* committed : group) {
    queue_.pop_front();
    if (committed != &request) {
      committed->done_ = true;
      committed->wake_.notify_one();
    }
  }
  if (!queue_.empty()) queue_.front()->wake_.notify_one();
  return request.status;
}

size_t WriteQueue::depth() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

}  // namespace logkv
