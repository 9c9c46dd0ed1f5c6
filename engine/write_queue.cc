#include "engine/write_queue.h"

#include <vector>

namespace logkv {

WriteQueue::WriteQueue(size_t group_requests_max, size_t group_bytes_max)
    : group_requests_max_(group_requests_max), group_bytes_max_(group_bytes_max) {}

Status WriteQueue::submit(WriteRequest& request, const CommitFn& commit) {
  bool leads;
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(&request);
    leads = queue_.front() == &request;
  }
  if (!leads) {
    std::unique_lock turn(request.turn_mutex_);
    request.turn_changed_.wait(turn, [&] { return request.turn_ != WriteRequest::Turn::kWait; });
    if (request.turn_ == WriteRequest::Turn::kDone) return request.status;
  }

  // This thread leads, and its request is at the front: take a bounded group from there. Only
  // the leader pops, so the group stays at the front until it is popped below.
  std::vector<WriteRequest*> group;
  {
    std::lock_guard lock(mutex_);
    size_t group_bytes = 0;
    for (WriteRequest* queued : queue_) {
      if (!group.empty() && (group.size() >= group_requests_max_ ||
                             group_bytes + queued->bytes_hint > group_bytes_max_)) {
        break;
      }
      group.push_back(queued);
      group_bytes += queued->bytes_hint;
    }
  }
  commit(group);

  WriteRequest* next_leader = nullptr;
  {
    std::lock_guard lock(mutex_);
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(group.size()));
    if (!queue_.empty()) next_leader = queue_.front();
  }
  // A writer that queues after the pop above finds the queue empty and leads by itself.
  if (next_leader != nullptr) hand_turn(*next_leader, WriteRequest::Turn::kLead);
  for (WriteRequest* committed : group) {
    if (committed != &request) hand_turn(*committed, WriteRequest::Turn::kDone);
  }
  return request.status;
}

void WriteQueue::hand_turn(WriteRequest& request, WriteRequest::Turn turn) {
  std::lock_guard lock(request.turn_mutex_);
  request.turn_ = turn;
  request.turn_changed_.notify_one();
}

size_t WriteQueue::depth() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

}  // namespace logkv
