#include "tests/support/store_test_peer.h"

#include <cstdio>
#include <cstdlib>

#include "engine/store_impl.h"

namespace logkv {
namespace {

StoreImpl& engine_of(Store& store) {
  auto* impl = dynamic_cast<StoreImpl*>(&store);
  if (impl == nullptr) {
    std::fprintf(stderr, "StoreTestPeer: the store was not opened by the engine\n");
    std::abort();
  }
  return *impl;
}

}  // namespace

StoreTestPeer::StoreTestPeer(Store& store) : store_(engine_of(store)) {}

Status StoreTestPeer::compact_segments(std::span<const uint64_t> segment_ids) {
  return store_.compact_segments(segment_ids);
}

std::vector<uint64_t> StoreTestPeer::immutable_segment_ids() const {
  return store_.immutable_segment_ids();
}

void StoreTestPeer::wait_for_background_compaction() { store_.wait_for_background_compaction(); }

size_t StoreTestPeer::write_queue_depth() const { return store_.write_queue_depth(); }

bool StoreTestPeer::index_checkpoint_loaded() const { return store_.index_checkpoint_loaded_; }

}  // namespace logkv
