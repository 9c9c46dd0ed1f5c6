// What a compaction works on: the store's files, index and segment tables, and the few writer
// operations it needs (the store implements CompactionHost).
//
// Thread-safety: the host's methods may be called from any thread; they take the store's writer
// lock themselves.
#ifndef LOGKV_COMPACTION_COMPACTION_ENVIRONMENT_H_
#define LOGKV_COMPACTION_COMPACTION_ENVIRONMENT_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "compaction/segment_usage.h"
#include "fs/file_system.h"
#include "index/key_directory.h"
#include "logkv/status.h"
#include "wal/segment_table.h"

namespace logkv {

class CompactionHost {
 public:
  virtual ~CompactionHost() = default;

  // Seals the active segment if it holds any record: it is synced and closed, and the writer
  // continues in a new segment. Afterwards everything written before the call is in immutable
  // segments. Fails (changing nothing) when the store is closed or its writes are stopped.
  virtual Status seal_active_segment() = 0;

  // Reserves `count` fresh segment ids, all below the id of the segment the writer appends to
  // from now on (with count > 0 the active segment is sealed, so that a compaction's outputs
  // never have the highest id: recovery continues the log in the highest one). Whatever count
  // is, every record published before the call is durable when it returns, so that a record it
  // made dead may be dropped. Returns the first reserved id (meaningless when count is 0).
  virtual Result<uint64_t> reserve_segment_ids(uint64_t count) = 0;

  // Runs `fn` holding the writer lock: no write is prepared or published meanwhile, so `fn` may
  // change the key directory and the segment table. Fails without running `fn` when the store
  // is closed.
  virtual Status run_exclusive(const std::function<void()>& fn) = 0;

  // Publishes the store's segment set (wal/manifest.h) as the segment table now holds it: a
  // compaction's outputs once they are in the table, and, with `retiring`, inputs about to leave
  // it, listed as retired (from now on, by every publish) so that a crash before their files
  // are removed leaves leftovers the next open removes. Call it before taking them out of the
  // table. Clears the ids reserve_segment_ids() marked pending. On failure nothing is retired.
  virtual Status publish_segment_set(std::span<const uint64_t> retiring) = 0;

  // The files of segments `ids` (retired by publish_segment_set) are removed.
  virtual void segments_removed(std::span<const uint64_t> ids) = 0;
};

struct CompactionEnvironment {
  FileSystem* fs = nullptr;
  std::string dir;
  KeyDirectory* keys = nullptr;
  SegmentTable* segments = nullptr;
  SegmentUsageTable* usage = nullptr;
  CompactionHost* host = nullptr;
  uint64_t segment_bytes_max = 0;
  // Outputs of at least this many bytes get a hint file (Options::hint_segment_bytes_min).
  uint64_t hint_segment_bytes_min = 0;
};

}  // namespace logkv

#endif  // LOGKV_COMPACTION_COMPACTION_ENVIRONMENT_H_
