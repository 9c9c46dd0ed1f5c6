// StoreTestPeer: the engine's test hooks, reached from tests without casting a Store.
//
// A Store opened by Store::open or open_store (engine/store_impl.h) is the engine's StoreImpl;
// these hooks let a test decide exactly when compaction runs and see the write queue. They are
// private to StoreImpl, and this peer is its friend: no code outside tests can call them.
//
// Thread-safety: as the hook called (see engine/store_impl.h).
#ifndef LOGKV_TESTS_SUPPORT_STORE_TEST_PEER_H_
#define LOGKV_TESTS_SUPPORT_STORE_TEST_PEER_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "logkv/status.h"
#include "logkv/store.h"

namespace logkv {

class StoreImpl;

class StoreTestPeer {
 public:
  // `store` must have been opened by the engine (it always is); a test fails loudly otherwise.
  explicit StoreTestPeer(Store& store);

  // Compacts exactly these immutable segments (a partial compaction).
  Status compact_segments(std::span<const uint64_t> segment_ids);
  // The immutable segments' ids, ascending.
  std::vector<uint64_t> immutable_segment_ids() const;
  // Waits until background compaction has nothing to do.
  void wait_for_background_compaction();
  // Writers queued or being committed now (tests use it to line up a group).
  size_t write_queue_depth() const;
  // Whether open loaded the key directory from the index checkpoint (index/index_checkpoint.h).
  bool index_checkpoint_loaded() const;

 private:
  StoreImpl& store_;
};

}  // namespace logkv

#endif  // LOGKV_TESTS_SUPPORT_STORE_TEST_PEER_H_
