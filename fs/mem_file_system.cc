#include "fs/mem_file_system.h"

#include <unistd.h>

#include <mutex>
#include <set>
#include <utility>

#include "fs/mem_files.h"
#include "fs/mem_state.h"

namespace logkv {
namespace {

using mem::Directory;
using mem::Inode;
using mem::State;

// Where a path's entry lives (or would live): its folder and its name in that folder.
struct Location {
  std::string normalized;
  Directory* dir;
  std::string name;

  bool names_folder(const State& state) const { return state.directories.contains(normalized); }
  std::shared_ptr<Inode> file() const {
    const auto entry = dir->entries.find(name);
    return entry == dir->entries.end() ? nullptr : entry->second;
  }
};

// Finds the folder that holds `path`. kNotFound when it does not exist; kInvalidArgument for a
// root, which names no file. `what` starts the error message, e.g. "cannot remove 'x'".
Result<Location> locate(State& state, const std::string& path, const std::string& what) {
  std::string normalized = mem::normalize_path(path);
  std::optional<mem::PathParts> parts = mem::split_path(normalized);
  if (!parts) return Status::invalid_argument(what + ": the path names a root folder, not a file");
  const auto dir = state.directories.find(parts->dir);
  if (dir == state.directories.end()) {
    return Status::not_found(what + ": folder '" + parts->dir +
                             "' does not exist; create it first");
  }
  return Location{std::move(normalized), &dir->second, std::move(parts->name)};
}

// Like locate(), but the path must name an existing file.
Result<std::shared_ptr<Inode>> find_file(State& state, const std::string& path,
                                         const std::string& what) {
  Result<Location> location = locate(state, path, what);
  if (!location.is_ok()) return location.status();
  if (location->names_folder(state)) return Status::io_error(what + ": it is a folder");
  std::shared_ptr<Inode> inode = location->file();
  if (inode == nullptr) return Status::not_found(what + ": no such file");
  return inode;
}

std::string parent_dir(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

MemFileSystem::MemFileSystem() : state_(std::make_shared<State>()) {
  state_->directories[""];
  state_->directories["/"];
}

MemFileSystem::~MemFileSystem() = default;

Result<std::unique_ptr<WritableFile>> MemFileSystem::open_writable(const std::string& path,
                                                                   OpenMode mode) {
  std::lock_guard lock(state_->mutex);
  const std::string what = "cannot open '" + path + "' for writing";
  Result<Location> location = locate(*state_, path, what);
  if (!location.is_ok()) return location.status();
  if (location->names_folder(*state_)) return Status::io_error(what + ": it is a folder");
  std::shared_ptr<Inode> inode = location->file();
  if (mode == OpenMode::kCreateNew) {
    if (inode != nullptr) {
      return Status::io_error("cannot create '" + path +
                              "': the file already exists; remove it or open it for appending");
    }
    inode = std::make_shared<Inode>();
    location->dir->entries[location->name] = inode;
  } else if (inode == nullptr) {
    return Status::not_found(what + ": no such file");
  }
  return std::unique_ptr<WritableFile>(
      std::make_unique<mem::MemWritableFile>(state_, std::move(inode), path));
}

Result<std::unique_ptr<RandomAccessFile>> MemFileSystem::open_random_access(
    const std::string& path) {
  std::lock_guard lock(state_->mutex);
  Result<std::shared_ptr<Inode>> inode =
      find_file(*state_, path, "cannot open '" + path + "' for reading");
  if (!inode.is_ok()) return inode.status();
  return std::unique_ptr<RandomAccessFile>(
      std::make_unique<mem::MemRandomAccessFile>(state_, std::move(*inode), path));
}

Result<std::unique_ptr<OverwritableFile>> MemFileSystem::open_overwritable(
    const std::string& path) {
  std::lock_guard lock(state_->mutex);
  Result<std::shared_ptr<Inode>> inode =
      find_file(*state_, path, "cannot open '" + path + "' for rewriting");
  if (!inode.is_ok()) return inode.status();
  return std::unique_ptr<OverwritableFile>(
      std::make_unique<mem::MemOverwritableFile>(state_, std::move(*inode), path));
}

Result<uint64_t> MemFileSystem::file_size(const std::string& path) {
  std::lock_guard lock(state_->mutex);
  Result<std::shared_ptr<Inode>> inode =
      find_file(*state_, path, "cannot read the size of '" + path + "'");
  if (!inode.is_ok()) return inode.status();
  return static_cast<uint64_t>((*inode)->data.size());
}

Result<std::vector<std::string>> MemFileSystem::list_dir(const std::string& dir) {
  std::lock_guard lock(state_->mutex);
  const std::string normalized = mem::normalize_path(dir);
  const auto found = state_->directories.find(normalized);
  if (found == state_->directories.end()) {
    return Status::not_found("cannot list folder '" + dir + "': no such folder");
  }
  std::vector<std::string> names;
  for (const auto& [name, inode] : found->second.entries) names.push_back(name);
  for (const auto& [path, unused] : state_->directories) {
    const std::optional<mem::PathParts> parts = mem::split_path(path);
    if (parts && parts->dir == normalized) names.push_back(parts->name);
  }
  return names;
}

Status MemFileSystem::create_dirs(const std::string& dir) {
  if (dir.empty()) return Status::invalid_argument("cannot create a folder with an empty path");
  std::lock_guard lock(state_->mutex);
  // The folder and its ancestors, innermost first; created outermost first.
  std::vector<mem::PathParts> chain;
  std::string current = mem::normalize_path(dir);
  while (std::optional<mem::PathParts> parts = mem::split_path(current)) {
    current = parts->dir;
    chain.push_back(std::move(*parts));
  }
  for (auto link = chain.rbegin(); link != chain.rend(); ++link) {
    const std::string path = link->dir.empty() || link->dir == "/" ? link->dir + link->name
                                                                   : link->dir + "/" + link->name;
    if (state_->directories.contains(path)) continue;
    if (state_->directories[link->dir].entries.contains(link->name)) {
      return Status::io_error("cannot create folder '" + path +
                              "': a file of that name is in the way; move it elsewhere");
    }
    state_->directories[path];
  }
  return Status::ok();
}

Status MemFileSystem::sync_dir(const std::string& dir) {
  std::lock_guard lock(state_->mutex);
  const auto found = state_->directories.find(mem::normalize_path(dir));
  if (found == state_->directories.end()) {
    return Status::not_found("cannot sync folder '" + dir + "': no such folder");
  }
  found->second.durable_entries = found->second.entries;
  return Status::ok();
}

Status MemFileSystem::rename(const std::string& from, const std::string& to) {
  std::lock_guard lock(state_->mutex);
  const std::string what = "cannot rename '" + from + "' to '" + to + "'";
  Result<Location> source = locate(*state_, from, what);
  if (!source.is_ok()) return source.status();
  Result<Location> target = locate(*state_, to, what);
  if (!target.is_ok()) return target.status();
  if (source->names_folder(*state_)) {
    return Status::not_supported(what + ": MemFileSystem renames files only, not folders");
  }
  std::shared_ptr<Inode> inode = source->file();
  if (inode == nullptr) return Status::not_found(what + ": no such file");
  if (target->names_folder(*state_)) return Status::io_error(what + ": the target is a folder");
  if (source->normalized == target->normalized) return Status::ok();
  target->dir->entries[target->name] = std::move(inode);
  source->dir->entries.erase(source->name);
  return Status::ok();
}

Status MemFileSystem::remove(const std::string& path) {
  std::lock_guard lock(state_->mutex);
  const std::string what = "cannot remove '" + path + "'";
  Result<Location> location = locate(*state_, path, what);
  if (!location.is_ok()) return location.status();
  if (location->names_folder(*state_)) return Status::io_error(what + ": it is a folder");
  if (location->dir->entries.erase(location->name) == 0) {
    return Status::not_found(what + ": no such file");
  }
  return Status::ok();
}

Status MemFileSystem::truncate(const std::string& path, uint64_t size) {
  std::lock_guard lock(state_->mutex);
  Result<std::shared_ptr<Inode>> inode = find_file(
      *state_, path, "cannot truncate '" + path + "' to " + std::to_string(size) + " bytes");
  if (!inode.is_ok()) return inode.status();
  (*inode)->data.resize(size, '\0');
  (*inode)->durable_data = (*inode)->data;
  (*inode)->rewritten = false;
  return Status::ok();
}

Result<std::unique_ptr<FileLock>> MemFileSystem::lock(const std::string& path) {
  std::lock_guard lock(state_->mutex);
  const std::string what = "cannot open '" + path + "' as a lock file";
  Result<Location> location = locate(*state_, path, what);
  if (!location.is_ok()) return location.status();
  if (location->names_folder(*state_)) return Status::io_error(what + ": it is a folder");
  if (location->file() == nullptr) {
    location->dir->entries[location->name] = std::make_shared<Inode>();
  }
  if (state_->locks.contains(location->normalized)) {
    return Status::locked("store folder '" + parent_dir(path) +
                          "' is in use by this process (pid " + std::to_string(::getpid()) +
                          ") (lock file '" + path + "'); close the store there first");
  }
  const uint64_t lock_id = state_->next_lock_id++;
  state_->locks[location->normalized] = lock_id;
  return std::unique_ptr<FileLock>(
      std::make_unique<mem::MemFileLock>(state_, location->normalized, lock_id));
}

Result<std::string> MemFileSystem::read_file(const std::string& path) const {
  std::lock_guard lock(state_->mutex);
  Result<std::shared_ptr<Inode>> inode = find_file(*state_, path, "cannot read '" + path + "'");
  if (!inode.is_ok()) return inode.status();
  return (*inode)->data;
}

Status MemFileSystem::write_file(const std::string& path, std::string_view bytes) {
  std::lock_guard lock(state_->mutex);
  const std::string what = "cannot write '" + path + "'";
  Result<Location> location = locate(*state_, path, what);
  if (!location.is_ok()) return location.status();
  if (location->names_folder(*state_)) return Status::io_error(what + ": it is a folder");
  std::shared_ptr<Inode> inode = location->file();
  if (inode == nullptr) inode = std::make_shared<Inode>();
  inode->data.assign(bytes);
  inode->durable_data.assign(bytes);
  inode->rewritten = false;
  location->dir->entries[location->name] = inode;
  location->dir->durable_entries[location->name] = inode;
  return Status::ok();
}

}  // namespace logkv
