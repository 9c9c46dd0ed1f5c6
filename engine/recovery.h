// Recovery: rebuilds the key directory from the segment files when a store is opened.
#ifndef LOGKV_ENGINE_RECOVERY_H_
#define LOGKV_ENGINE_RECOVERY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/key_directory.h"
#include "engine/segment_table.h"
#include "fs/file_system.h"
#include "logkv/status.h"

namespace logkv {

struct RecoveredLog {
  uint64_t last_sequence = 0;
  // The newest segment that survived recovery (0 when none did) and its length: the log
  // continues there.
  uint64_t newest_segment_id = 0;
  uint64_t newest_segment_bytes = 0;
  uint64_t highest_segment_id = 0;  // including a removed headerless one, so ids never repeat
  uint64_t torn_bytes_dropped = 0;
  uint64_t live_bytes = 0;
  std::vector<std::unique_ptr<Segment>> segments;  // opened for reading, ascending ids
};

// Scans the segments `segment_ids` (ascending) of `dir` in order and applies their records to
// `keys`. A torn tail of the newest segment is cut off durably (a newest segment without a
// complete header is removed). Any other damage fails with kCorruption naming the file and
// offset; nothing is changed on disk then.
Result<RecoveredLog> recover_log(FileSystem& fs, const std::string& dir,
                                 const std::vector<uint64_t>& segment_ids, KeyDirectory& keys);

}  // namespace logkv

#endif  // LOGKV_ENGINE_RECOVERY_H_
