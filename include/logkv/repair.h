// repair_store: makes a damaged store whole again without deleting anything, as `logkv repair`.
//
// It takes the writer lock (and refuses, kLocked, while another process holds the store), finds
// what check would report, and before it changes a file copies it into
// <store>/lost+found/<UTC time>/. Then it rewrites each segment with damage without its
// unreadable ranges (every intact record kept, with its sequence), cuts a torn tail of the newest
// segment, rebuilds the hint file of every rewritten segment and every hint file that is damaged
// or does not match its segment, and moves hint files without a segment aside. Afterwards check
// says ok. docs/TOOL.md ("repair") shows the report.
#ifndef LOGKV_REPAIR_H_
#define LOGKV_REPAIR_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "logkv/export.h"
#include "logkv/status.h"

namespace logkv {

struct RepairOptions {
  // Work out and report the plan; change nothing.
  bool dry_run = false;
  // Called from time to time while repair reads the segments (most of its work): the bytes read
  // so far and the bytes of all segments; last with done == total.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

struct RepairReport {
  // What was (or, with dry_run, would be) done, one line per file.
  std::vector<std::string> actions;
  // Bytes of segments that were dropped: `file` [start, end).
  struct DroppedRange {
    std::string file;
    uint64_t start = 0;
    uint64_t end = 0;
    bool keys_known = false;  // whether every record of the range is in lost_keys
  };
  std::vector<DroppedRange> dropped;
  // Keys whose newest version was dropped, and what the store serves for them now.
  struct LostKey {
    std::string key;  // as printable_key writes it
    std::string file;
    uint64_t offset = 0;
    std::string now;  // "older value of sequence N", "deleted (sequence N)" or "absent"
  };
  std::vector<LostKey> lost_keys;
  // The folder inside the store that holds the originals of the changed files; empty when
  // nothing was changed.
  std::string lost_and_found;
};

LOGKV_EXPORT Result<RepairReport> repair_store(std::string_view dir,
                                               const RepairOptions& options = {});

}  // namespace logkv

#endif  // LOGKV_REPAIR_H_
