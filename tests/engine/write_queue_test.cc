// Group commit: writers that queue while a leader commits are committed together, in order.
#include "engine/write_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace logkv {
namespace {

// Submits requests[0] and holds its commit; meanwhile submits the others one at a time so that
// they queue in index order behind it, then releases the commit. Returns the request indices of
// each commit, in commit order.
std::vector<std::vector<size_t>> commit_behind_held_leader(WriteQueue& queue,
                                                           std::vector<WriteRequest>& requests) {
  std::mutex mutex;
  std::condition_variable release_first;
  bool first_may_finish = false;
  std::vector<std::vector<size_t>> groups;  // guarded by mutex

  auto commit = [&](std::span<WriteRequest* const> group) {
    std::vector<size_t> indices;
    for (WriteRequest* r : group) {
      indices.push_back(static_cast<size_t>(r - requests.data()));
      r->status = Status::ok();
    }
    std::unique_lock lock(mutex);
    groups.push_back(indices);
    if (groups.size() == 1) release_first.wait(lock, [&] { return first_may_finish; });
  };

  std::vector<std::thread> writers;
  writers.emplace_back([&] { EXPECT_TRUE(queue.submit(requests[0], commit).is_ok()); });
  while (true) {  // until the first commit runs, holding its group of one
    std::lock_guard lock(mutex);
    if (!groups.empty()) break;
  }
  for (size_t i = 1; i < requests.size(); ++i) {
    writers.emplace_back([&, i] { EXPECT_TRUE(queue.submit(requests[i], commit).is_ok()); });
    while (queue.depth() < i + 1) std::this_thread::yield();
  }
  {
    std::lock_guard lock(mutex);
    first_may_finish = true;
  }
  release_first.notify_all();
  for (std::thread& writer : writers) writer.join();
  std::lock_guard lock(mutex);
  return groups;
}

TEST(WriteQueueTest, SingleWriterCommitsAlone) {
  WriteQueue queue(16, 1 << 20);
  WriteRequest request;
  size_t group_size = 0;
  const Status status = queue.submit(request, [&](std::span<WriteRequest* const> group) {
    group_size = group.size();
    for (WriteRequest* r : group) r->status = Status::ok();
  });
  EXPECT_TRUE(status.is_ok());
  EXPECT_EQ(group_size, 1u);
  EXPECT_EQ(queue.depth(), 0u);
}

TEST(WriteQueueTest, WritersQueuedDuringACommitFormTheNextGroupInOrder) {
  constexpr size_t kWaiters = 15;
  WriteQueue queue(64, 1 << 20);
  std::mutex mutex;
  std::condition_variable release_first;
  bool first_may_finish = false;
  std::vector<std::vector<int>> groups;  // request ids per commit, guarded by mutex

  auto commit = [&](std::span<WriteRequest* const> group) {
    std::vector<int> ids;
    for (WriteRequest* r : group) {
      ids.push_back(static_cast<int>(r->bytes_hint));
      r->status = Status::ok();
    }
    std::unique_lock lock(mutex);
    groups.push_back(ids);
    if (groups.size() == 1) release_first.wait(lock, [&] { return first_may_finish; });
  };

  WriteRequest first;
  first.bytes_hint = 0;
  std::thread leader([&] { EXPECT_TRUE(queue.submit(first, commit).is_ok()); });
  // Wait until the first commit is running (the leader holds its group).
  while (true) {
    std::lock_guard lock(mutex);
    if (!groups.empty()) break;
  }
  std::vector<std::thread> writers;
  std::vector<WriteRequest> requests(kWaiters);
  for (size_t i = 0; i < kWaiters; ++i) {
    requests[i].bytes_hint = i + 1;
    writers.emplace_back([&, i] { EXPECT_TRUE(queue.submit(requests[i], commit).is_ok()); });
    // Enqueue one at a time so that the queue order is known.
    while (queue.depth() < i + 2) std::this_thread::yield();
  }
  {
    std::lock_guard lock(mutex);
    first_may_finish = true;
  }
  release_first.notify_all();
  leader.join();
  for (std::thread& writer : writers) writer.join();

  ASSERT_EQ(groups.size(), 2u) << "the 15 waiting writers must share one commit";
  std::vector<int> expected;
  for (size_t i = 0; i < kWaiters; ++i) expected.push_back(static_cast<int>(i + 1));
  EXPECT_EQ(groups[1], expected);
}

TEST(WriteQueueTest, GroupsAreBoundedByRequestsAndBytes) {
  WriteQueue queue(4, 100);
  std::mutex mutex;
  std::vector<size_t> group_sizes;
  std::atomic<bool> hold{true};
  auto commit = [&](std::span<WriteRequest* const> group) {
    while (hold.load()) std::this_thread::yield();
    std::lock_guard lock(mutex);
    group_sizes.push_back(group.size());
    for (WriteRequest* r : group) r->status = Status::ok();
  };
  std::vector<WriteRequest> requests(9);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < requests.size(); ++i) {
    requests[i].bytes_hint = 10;
    threads.emplace_back([&, i] { EXPECT_TRUE(queue.submit(requests[i], commit).is_ok()); });
    while (queue.depth() < i + 1) std::this_thread::yield();
  }
  hold = false;
  for (std::thread& thread : threads) thread.join();
  // The first leader took only itself (it led before the others queued); then groups of 4.
  ASSERT_GE(group_sizes.size(), 3u);
  for (size_t size : group_sizes) EXPECT_LE(size, 4u);
  size_t total = 0;
  for (size_t size : group_sizes) total += size;
  EXPECT_EQ(total, requests.size());
}

TEST(WriteQueueTest, ByteCapEndsAGroupBeforeTheRequestThatWouldCrossIt) {
  WriteQueue queue(64, 25);
  std::vector<WriteRequest> requests(6);
  for (WriteRequest& request : requests) request.bytes_hint = 10;
  const std::vector<std::vector<size_t>> groups = commit_behind_held_leader(queue, requests);
  // 10 + 10 fits in 25 bytes, a third request would make 30: the five queued requests form
  // groups of 2, 2 and 1, in queue order.
  const std::vector<std::vector<size_t>> expected = {{0}, {1, 2}, {3, 4}, {5}};
  EXPECT_EQ(groups, expected);
  EXPECT_EQ(queue.depth(), 0u);
}

TEST(WriteQueueTest, RequestLargerThanTheByteCapCommitsAlone) {
  WriteQueue queue(64, 25);
  std::vector<WriteRequest> requests(4);
  requests[0].bytes_hint = 10;
  requests[1].bytes_hint = 10;
  requests[2].bytes_hint = 40;  // over the cap by itself
  requests[3].bytes_hint = 10;
  const std::vector<std::vector<size_t>> groups = commit_behind_held_leader(queue, requests);
  // The oversized request cannot join the group in front of it, but as the first request of its
  // own group it is taken anyway, and nothing joins it.
  const std::vector<std::vector<size_t>> expected = {{0}, {1}, {2}, {3}};
  EXPECT_EQ(groups, expected);
  for (const WriteRequest& request : requests) EXPECT_TRUE(request.status.is_ok());
  EXPECT_EQ(queue.depth(), 0u);
}

}  // namespace
}  // namespace logkv
