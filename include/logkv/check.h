// check_store: verifies a store folder without changing it, as `logkv check` does.
//
// It takes no lock and writes nothing, so it works while a writer holds the store and writes; it
// then checks a consistent prefix: the segments listed when it starts, the newest one up to its
// last complete record. What it verifies is in docs/FORMAT.md ("What check verifies").
#ifndef LOGKV_CHECK_H_
#define LOGKV_CHECK_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "logkv/export.h"
#include "logkv/status.h"

namespace logkv {

struct CheckOptions {
  // Hint files and segment headers only: no record is read, so damage inside segments is not
  // found, and segments without a hint file are not counted in the summary.
  bool quick = false;
  // Called from time to time with the bytes read so far and the bytes the check will read.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

// One thing wrong with one file.
struct CheckProblem {
  std::string file;  // its name inside the store folder
  uint64_t offset = 0;
  std::string what;
  // Keys whose newest version the damage holds, as far as they can be known, each quoted and
  // escaped as printable_key (logkv/key_text.h) writes it; empty when none is affected or none
  // could be read (`what` says which).
  std::vector<std::string> keys;
};

struct CheckReport {
  std::vector<CheckProblem> problems;
  uint64_t segments = 0;
  uint64_t hint_files = 0;
  // Records read (with quick: hint entries read).
  uint64_t records = 0;
  uint64_t live_keys = 0;
  // Bytes of the newest record of every live key; dead: every other byte of the segments.
  uint64_t live_bytes = 0;
  uint64_t dead_bytes = 0;
  uint64_t segment_bytes = 0;
  // Segments that quick did not count: they have no hint file.
  uint64_t segments_not_read = 0;

  bool ok() const { return problems.empty(); }
};

// Checks the store in folder `dir`. An error (kNotFound for a missing folder, kIOError, or
// kCorruption for a folder holding files logkv does not write) means the check could not run;
// damage it finds is reported in CheckReport::problems.
LOGKV_EXPORT Result<CheckReport> check_store(std::string_view dir,
                                             const CheckOptions& options = {});

}  // namespace logkv

#endif  // LOGKV_CHECK_H_
