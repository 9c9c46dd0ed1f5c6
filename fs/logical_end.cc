#include "fs/logical_end.h"

#include <map>
#include <mutex>
#include <utility>

namespace logkv {
namespace {

using FileIdentity = std::pair<dev_t, ino_t>;

// Entries are owned by the files that use them; the map only finds them. Expired slots are swept
// whenever an entry is added, so the map stays as small as the set of open files.
struct Registry {
  std::mutex mutex;
  std::map<FileIdentity, std::weak_ptr<LogicalEnd>> entries;  // guarded by mutex
};

Registry& registry() {
  static Registry instance;
  return instance;
}

}  // namespace

std::shared_ptr<LogicalEnd> logical_end_of(dev_t device, ino_t inode) {
  Registry& shared = registry();
  std::lock_guard lock(shared.mutex);
  std::weak_ptr<LogicalEnd>& slot = shared.entries[{device, inode}];
  if (std::shared_ptr<LogicalEnd> alive = slot.lock()) return alive;
  auto created = std::make_shared<LogicalEnd>();
  slot = created;
  std::erase_if(shared.entries, [](const auto& entry) { return entry.second.expired(); });
  return created;
}

std::shared_ptr<const LogicalEnd> find_logical_end(dev_t device, ino_t inode) {
  Registry& shared = registry();
  std::lock_guard lock(shared.mutex);
  const auto found = shared.entries.find({device, inode});
  if (found == shared.entries.end()) return nullptr;
  return found->second.lock();
}

}  // namespace logkv
