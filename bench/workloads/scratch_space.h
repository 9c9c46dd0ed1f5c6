// Folders for the stores a run creates, all under one fresh folder below --dir.
//
// Every engine gets a new, empty folder per workload variant, on the same file system as the
// others, and the folder is removed as soon as the variant is done, so a long run does not fill
// the disk and no engine finds another's files.
//
// Thread-safety: ScratchSpace is used by the thread that drives the workloads only.
#ifndef LOGKV_BENCH_WORKLOADS_SCRATCH_SPACE_H_
#define LOGKV_BENCH_WORKLOADS_SCRATCH_SPACE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "logkv/status.h"

namespace logkv::bench {

// A folder removed (with everything in it) when this object is destroyed.
class ScratchDir {
 public:
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}
  ~ScratchDir();
  ScratchDir(ScratchDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  ScratchDir& operator=(ScratchDir&&) = delete;
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class ScratchSpace {
 public:
  // Creates "logkv-bench-XXXXXX" under `parent`.
  static Result<ScratchSpace> create(const std::string& parent);

  ScratchSpace(ScratchSpace&&) = default;
  ScratchSpace& operator=(ScratchSpace&&) = delete;

  const std::string& root() const { return root_.path(); }

  // A new empty folder whose name starts with `label` (e.g. "sets-logkv").
  Result<ScratchDir> fresh(std::string_view label);

 private:
  explicit ScratchSpace(std::string root) : root_(std::move(root)) {}

  ScratchDir root_;
  uint64_t next_id_ = 0;
};

// Bytes the files under `path` occupy on disk (allocated blocks, as du counts them).
uint64_t folder_disk_bytes(const std::string& path);

// Sum of the sizes of the files under `path` (what ls shows; preallocated space not counted).
uint64_t folder_file_size_bytes(const std::string& path);

}  // namespace logkv::bench

#endif  // LOGKV_BENCH_WORKLOADS_SCRATCH_SPACE_H_
