// StoreRegistry: the stores a host serves, by label, and the one open Store behind each.
//
// Every handle to a label, in any component instance, shares one Store: a folder can be opened
// only once (its lock), and one Store also means one index in memory and one group commit for all
// writers. Stores are opened lazily, by the first acquire() of their label.
//
// Lifetimes (docs/HOST.md, "Store table and handles"):
// - An on-disk store lives while anyone holds a strong pointer to it: the handles of every
//   component (one pointer each) and the pointers ComponentStores::store() lent out. The
//   registry keeps only a weak pointer; the last strong pointer to go closes the Store (syncing
//   and releasing the folder's lock) on the thread that dropped it. A later acquire() opens it
//   again, after waiting for that close to finish, so that the reopen never meets its own lock.
// - An in-memory store is held by the registry until the registry is destroyed, so that its data
//   outlives the handles that wrote it, as in Spin. A second registry (another host) has its own.
//
// Failure: a Store that cannot be opened gives its own Status (Spin's `other`), with the label
// as context; nothing is cached, so the next acquire() tries again.
//
// Thread-safety: every method may be called from many threads at once. The label map is fixed
// at construction and read without a lock; each label has its own mutex, held only for
// bookkeeping, never while a Store opens or closes, so stores of different labels open in
// parallel and a slow open blocks only other acquires of the same label. Lock order: a
// ComponentStores mutex may be held when a label's mutex is taken (never the reverse), and no
// code drops a Store pointer while holding a label's mutex.
#ifndef LOGKV_HOST_STORE_REGISTRY_H_
#define LOGKV_HOST_STORE_REGISTRY_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "logkv/host.h"
#include "logkv/status.h"
#include "logkv/store.h"

namespace logkv {

class StoreRegistry {
 public:
  // Serves `stores`, whose labels must be distinct and valid (check_label).
  explicit StoreRegistry(const std::vector<StoreConfig>& stores);
  StoreRegistry(const StoreRegistry&) = delete;
  StoreRegistry& operator=(const StoreRegistry&) = delete;
  ~StoreRegistry();

  // The configuration of `label`, or nullptr when it is not served. Valid while the registry
  // lives.
  const StoreConfig* find(std::string_view label) const;
  // Every label served, sorted.
  std::vector<std::string> labels() const;

  // The open Store of `label`, opened now if nobody holds it. kNoSuchStore when the label is not
  // served; the Store's own error when it cannot be opened. Blocks while another thread opens or
  // closes the same label's Store.
  Result<std::shared_ptr<Store>> acquire(std::string_view label);

 private:
  struct Entry;

  // Fixed after construction. Entries are shared with the deleters of their open Stores, which
  // may run after the registry is gone (a pointer lent by ComponentStores::store()).
  std::map<std::string, std::shared_ptr<Entry>, std::less<>> entries_;
};

}  // namespace logkv

#endif  // LOGKV_HOST_STORE_REGISTRY_H_
