#include "compaction/segment_usage.h"

#include <algorithm>

namespace logkv {
namespace {

// Live bytes never go below zero, whatever order deltas arrive in.
uint64_t add_clamped(uint64_t value, int64_t delta) {
  if (delta >= 0) return value + static_cast<uint64_t>(delta);
  const auto decrease = static_cast<uint64_t>(-(delta + 1)) + 1;
  return value > decrease ? value - decrease : 0;
}

}  // namespace

void SegmentUsageTable::add(uint64_t id, uint64_t live_bytes, uint64_t hint_bytes,
                            uint64_t tombstone_bytes) {
  std::lock_guard lock(mutex_);
  segments_.try_emplace(id,
                        Entry{SegmentUsage{id, live_bytes, 0, hint_bytes, tombstone_bytes}, {}});
}

void SegmentUsageTable::remove(std::span<const uint64_t> ids) {
  std::lock_guard lock(mutex_);
  for (uint64_t id : ids) segments_.erase(id);
  for (auto& item : segments_) {
    Entry& entry = item.second;  // not a structured binding: lambdas cannot capture one
    const bool blocked_by_removed = std::any_of(ids.begin(), ids.end(), [&](uint64_t removed) {
      return std::binary_search(entry.blockers.begin(), entry.blockers.end(), removed);
    });
    if (blocked_by_removed) {
      entry.usage.pinned_bytes = 0;
      entry.blockers.clear();
    }
  }
}

void SegmentUsageTable::add_active(uint64_t id) {
  std::lock_guard lock(mutex_);
  segments_.try_emplace(id, Entry{SegmentUsage{id, 0, 0, 0, 0}, {}});
  active_ = id;
}

uint64_t SegmentUsageTable::active() const {
  std::lock_guard lock(mutex_);
  return active_;
}

void SegmentUsageTable::apply(std::span<const LiveBytesDelta> deltas) {
  std::lock_guard lock(mutex_);
  for (const LiveBytesDelta& delta : deltas) {
    auto it = segments_.find(delta.segment_id);
    if (it != segments_.end()) {
      it->second.usage.live_bytes = add_clamped(it->second.usage.live_bytes, delta.bytes);
    }
  }
}

void SegmentUsageTable::pin(uint64_t id, uint64_t bytes, std::vector<uint64_t> blockers) {
  std::lock_guard lock(mutex_);
  auto it = segments_.find(id);
  if (it == segments_.end()) return;
  std::sort(blockers.begin(), blockers.end());
  blockers.erase(std::unique(blockers.begin(), blockers.end()), blockers.end());
  // A blocker already gone cannot hold the tombstones back.
  std::erase_if(blockers, [&](uint64_t blocker) { return !segments_.contains(blocker); });
  if (blockers.empty()) return;
  it->second.usage.pinned_bytes = bytes;
  it->second.blockers = std::move(blockers);
}

void SegmentUsageTable::add_tombstones(uint64_t id, uint64_t bytes) {
  std::lock_guard lock(mutex_);
  if (auto it = segments_.find(id); it != segments_.end())
    it->second.usage.tombstone_bytes += bytes;
}

void SegmentUsageTable::set_hint_bytes(uint64_t id, uint64_t hint_bytes) {
  std::lock_guard lock(mutex_);
  if (auto it = segments_.find(id); it != segments_.end()) it->second.usage.hint_bytes = hint_bytes;
}

std::optional<SegmentUsage> SegmentUsageTable::find(uint64_t id) const {
  std::lock_guard lock(mutex_);
  auto it = segments_.find(id);
  if (it == segments_.end()) return std::nullopt;
  return it->second.usage;
}

std::vector<SegmentUsage> SegmentUsageTable::snapshot(uint64_t* active_id) const {
  std::lock_guard lock(mutex_);
  if (active_id != nullptr) *active_id = active_;
  std::vector<SegmentUsage> usages;
  usages.reserve(segments_.size());
  for (const auto& [id, entry] : segments_) usages.push_back(entry.usage);
  return usages;
}

}  // namespace logkv
