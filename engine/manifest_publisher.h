// ManifestPublisher: keeps the store's MANIFEST (wal/manifest.h) in step with its segment table.
//
// Every change to the set of segments is published before anything relies on it:
//   - a new segment (LogAppender, once its header and name are durable, before any record is
//     appended to it), which also records the sealed segment's final length;
//   - ids reserved for a compaction's outputs (pending, with the roll that follows), so that
//     outputs a crash leaves behind are recognised as never added;
//   - a compaction's outputs, once they are complete and in the segment table;
//   - segments leaving the store (a compaction's inputs, an empty sealed segment), listed as
//     retired before their files are removed, so that files a crash leaves behind are removed at
//     the next open instead of being read as foreign; forgotten once removed;
//   - a writer's open, when what it recovered differs from the manifest on disk (or there is
//     none: a store written before manifests gets one on its first writer's open).
//
// Thread-safety: none; every call under the store's writer lock.
#ifndef LOGKV_ENGINE_MANIFEST_PUBLISHER_H_
#define LOGKV_ENGINE_MANIFEST_PUBLISHER_H_

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>

#include "fs/file_system.h"
#include "logkv/status.h"
#include "wal/manifest.h"
#include "wal/segment_table.h"

namespace logkv {

class ManifestPublisher {
 public:
  ManifestPublisher(FileSystem& fs, std::string dir, const SegmentTable& segments)
      : fs_(fs), dir_(std::move(dir)), segments_(segments) {}

  // The manifest open found on disk (nullopt: none), so that publish_if_changed() knows it.
  void set_published(std::optional<Manifest> manifest) { published_ = std::move(manifest); }

  // Publishes the segment table as it is, `newest_id` being the segment the log continues in.
  Status publish(uint64_t newest_id);
  // publish(), unless the manifest on disk says the same already.
  Status publish_if_changed(uint64_t newest_id);

  // Ids [first, first + count) are a compaction's outputs, not yet in the store.
  void reserve_pending(uint64_t first, uint64_t count) {
    pending_first_ = first;
    pending_count_ = count;
  }
  void clear_pending() { pending_first_ = pending_count_ = 0; }
  // The segments leave the store: the next publish lists them as retired, not as sealed.
  void retire(std::span<const uint64_t> ids) { retired_.insert(ids.begin(), ids.end()); }
  // Their retirement is undone (nothing was removed).
  void unretire(std::span<const uint64_t> ids);
  // Their files are gone: later publishes no longer list them.
  void forget_retired(std::span<const uint64_t> ids) { unretire(ids); }

 private:
  Manifest current(uint64_t newest_id) const;

  FileSystem& fs_;
  const std::string dir_;
  const SegmentTable& segments_;
  std::optional<Manifest> published_;
  uint64_t pending_first_ = 0;
  uint64_t pending_count_ = 0;
  std::set<uint64_t> retired_;
};

}  // namespace logkv

#endif  // LOGKV_ENGINE_MANIFEST_PUBLISHER_H_
