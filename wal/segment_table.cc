#include "wal/segment_table.h"

namespace logkv {

SegmentTable::SegmentTable() : slots_(std::make_unique<std::atomic<Segment*>[]>(kSlots)) {
  for (uint64_t i = 0; i < kSlots; ++i) slots_[i].store(nullptr, std::memory_order_relaxed);
}

Status SegmentTable::add(std::unique_ptr<Segment> segment) {
  std::atomic<Segment*>& slot = slots_[segment->id % kSlots];
  if (Segment* occupant = slot.load(std::memory_order_relaxed); occupant != nullptr) {
    return Status::invalid_argument(
        "segment " + std::to_string(segment->id) + " cannot be opened while segment " +
        std::to_string(occupant->id) + " is live: too many segments; compact the store");
  }
  Segment* raw = segment.get();
  {
    std::lock_guard lock(owned_mutex_);
    owned_.emplace(raw->id, std::move(segment));
  }
  slot.store(raw, std::memory_order_release);
  return Status::ok();
}

std::unique_ptr<Segment> SegmentTable::remove(uint64_t id) {
  std::lock_guard lock(owned_mutex_);
  auto it = owned_.find(id);
  if (it == owned_.end()) return nullptr;
  slots_[id % kSlots].store(nullptr, std::memory_order_release);
  std::unique_ptr<Segment> segment = std::move(it->second);
  owned_.erase(it);
  return segment;
}

size_t SegmentTable::count() const {
  std::lock_guard lock(owned_mutex_);
  return owned_.size();
}

std::vector<std::pair<uint64_t, uint64_t>> SegmentTable::lengths() const {
  std::lock_guard lock(owned_mutex_);
  std::vector<std::pair<uint64_t, uint64_t>> lengths;
  lengths.reserve(owned_.size());
  for (const auto& [id, segment] : owned_) {
    lengths.emplace_back(id, segment->bytes.load(std::memory_order_relaxed));
  }
  return lengths;
}

uint64_t SegmentTable::total_bytes() const {
  std::lock_guard lock(owned_mutex_);
  uint64_t bytes = 0;
  for (const auto& [id, segment] : owned_) bytes += segment->bytes.load(std::memory_order_relaxed);
  return bytes;
}

}  // namespace logkv
