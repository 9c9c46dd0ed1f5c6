#include "tests/support/mem_power_loss.h"

#include <map>
#include <random>
#include <set>
#include <vector>

#include "fs/mem_state.h"

namespace logkv {
namespace mem {
namespace {

constexpr size_t kSectorBytes = 512;

// One folder entry that differs from its durable state.
struct EntryChange {
  Directory* dir;
  std::string name;
  std::shared_ptr<Inode> durable;  // null: the name did not durably exist
  std::shared_ptr<Inode> current;  // null: the name is gone now
};

// Groups inodes that appear in a common change, so that a rename is kept or undone as a whole.
class InodeGroups {
 public:
  const Inode* root(const Inode* inode) {
    auto [entry, inserted] = parent_.try_emplace(inode, inode);
    while (entry->second != inode) {
      inode = entry->second;
      entry = parent_.find(inode);
    }
    return inode;
  }
  void join(const Inode* a, const Inode* b) { parent_[root(a)] = root(b); }

 private:
  std::map<const Inode*, const Inode*> parent_;
};

std::vector<EntryChange> collect_changes(State& state) {
  std::vector<EntryChange> changes;
  for (auto& [path, dir] : state.directories) {
    std::set<std::string> names;
    for (const auto& [name, inode] : dir.entries) names.insert(name);
    for (const auto& [name, inode] : dir.durable_entries) names.insert(name);
    for (const std::string& name : names) {
      const auto durable = dir.durable_entries.find(name);
      const auto current = dir.entries.find(name);
      EntryChange change{&dir, name,
                         durable == dir.durable_entries.end() ? nullptr : durable->second,
                         current == dir.entries.end() ? nullptr : current->second};
      if (change.durable != change.current) changes.push_back(std::move(change));
    }
  }
  return changes;
}

// Decides, per group, whether its changes survive, and applies them to durable_entries.
void settle_entries(State& state, std::mt19937_64& random) {
  const std::vector<EntryChange> changes = collect_changes(state);
  InodeGroups groups;
  for (const EntryChange& change : changes) {
    const Inode* any = change.durable != nullptr ? change.durable.get() : change.current.get();
    if (change.durable != nullptr) groups.join(any, change.durable.get());
    if (change.current != nullptr) groups.join(any, change.current.get());
  }
  // Decisions are drawn in the order of the changes (sorted by folder and name), never in
  // pointer order, so the outcome depends only on the seed and the history.
  std::map<const Inode*, bool> group_kept;
  for (const EntryChange& change : changes) {
    const Inode* any = change.durable != nullptr ? change.durable.get() : change.current.get();
    auto [decision, inserted] = group_kept.try_emplace(groups.root(any), false);
    if (inserted) decision->second = (random() & 1) != 0;
    if (!decision->second) continue;
    if (change.current != nullptr) {
      change.dir->durable_entries[change.name] = change.current;
    } else {
      change.dir->durable_entries.erase(change.name);
    }
  }
}

// Appends to `out` the bytes [begin, end) of a sector as a garbled write leaves them.
void garble(size_t begin, size_t end, std::mt19937_64& random, std::string* out) {
  const bool zeros = (random() & 1) != 0;
  for (size_t i = begin; i < end; ++i) {
    out->push_back(zeros ? '\0' : static_cast<char>(random() & 0xff));
  }
}

// Settles the sectors of synced bytes an OverwritableFile rewrote since: each that differs
// keeps the new bytes (probability 1/2), goes back to the old ones (1/4) or is garbled (1/4).
void settle_rewritten(Inode& inode, std::mt19937_64& random) {
  std::string& survived = inode.durable_data;
  for (size_t offset = 0; offset < survived.size(); offset += kSectorBytes) {
    const size_t length = std::min(kSectorBytes, survived.size() - offset);
    if (survived.compare(offset, length, inode.data, offset, length) == 0) continue;
    const uint64_t fate = random() % 4;
    if (fate == 3) continue;  // the old bytes
    if (fate == 2) {
      std::string garbled;
      garble(offset, offset + length, random, &garbled);
      survived.replace(offset, length, garbled);
    } else {
      survived.replace(offset, length, inode.data, offset, length);
    }
  }
  inode.rewritten = false;
}

// Keeps, garbles or drops the unsynced sectors of one file, and makes the result durable.
void settle_data(Inode& inode, std::mt19937_64& random) {
  if (inode.rewritten) settle_rewritten(inode, random);
  const std::string& data = inode.data;
  std::string& survived = inode.durable_data;
  size_t offset = survived.size();
  while (offset < data.size()) {
    const size_t end = std::min(data.size(), (offset / kSectorBytes + 1) * kSectorBytes);
    const uint64_t fate = random() % 4;
    if (fate == 3) break;  // dropped: the file ends here
    if (fate == 2) {       // garbled
      garble(offset, end, random, &survived);
    } else {
      survived.append(data, offset, end - offset);
    }
    offset = end;
  }
  inode.data = survived;
}

// Applies a power loss to `state` as mem_power_loss.h describes.
void apply_power_loss(State& state, uint64_t seed, PowerLossMode mode) {
  std::mt19937_64 random(seed);
  if (mode == PowerLossMode::kRandom) settle_entries(state, random);
  std::set<const Inode*> settled;
  for (auto& [path, dir] : state.directories) {
    dir.entries = dir.durable_entries;
    for (auto& [name, inode] : dir.entries) {
      if (!settled.insert(inode.get()).second) continue;
      if (mode == PowerLossMode::kRandom) {
        settle_data(*inode, random);
      } else {
        inode->data = inode->durable_data;
        inode->rewritten = false;
      }
    }
  }
  ++state.epoch;
  state.locks.clear();
}

}  // namespace
}  // namespace mem

void MemFileSystemPeer::simulate_power_loss(MemFileSystem& fs, uint64_t seed, PowerLossMode mode) {
  std::lock_guard lock(fs.state_->mutex);
  mem::apply_power_loss(*fs.state_, seed, mode);
}

size_t MemFileSystemPeer::unsynced_bytes(const MemFileSystem& fs, std::string_view except_name) {
  std::lock_guard lock(fs.state_->mutex);
  std::set<const mem::Inode*> counted;
  size_t unsynced = 0;
  for (const auto& [path, dir] : fs.state_->directories) {
    for (const auto& [name, inode] : dir.entries) {
      if (!except_name.empty() && name == except_name) continue;
      if (!counted.insert(inode.get()).second) continue;
      unsynced += inode->data.size() - inode->durable_data.size();
      if (!inode->rewritten) continue;
      for (size_t i = 0; i < inode->durable_data.size(); ++i) {
        if (inode->data[i] != inode->durable_data[i]) ++unsynced;
      }
    }
  }
  return unsynced;
}

void simulate_power_loss(MemFileSystem& fs, uint64_t seed, PowerLossMode mode) {
  MemFileSystemPeer::simulate_power_loss(fs, seed, mode);
}

size_t unsynced_bytes(const MemFileSystem& fs, std::string_view except_name) {
  return MemFileSystemPeer::unsynced_bytes(fs, except_name);
}

}  // namespace logkv
