#include "engine/interval_syncer.h"

namespace logkv {

IntervalSyncer::IntervalSyncer(std::chrono::milliseconds interval, std::function<void()> sync)
    : interval_(interval), sync_(std::move(sync)), thread_([this] { run(); }) {}

IntervalSyncer::~IntervalSyncer() { stop(); }

void IntervalSyncer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void IntervalSyncer::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    sync_();
    lock.lock();
  }
}

}  // namespace logkv
