#include "engine/manifest_publisher.h"

namespace logkv {

void ManifestPublisher::unretire(std::span<const uint64_t> ids) {
  for (uint64_t id : ids) retired_.erase(id);
}

Manifest ManifestPublisher::current(uint64_t newest_id) const {
  Manifest manifest;
  manifest.newest_id = newest_id;
  manifest.pending_first = pending_first_;
  manifest.pending_count = pending_count_;
  for (const auto& [id, bytes] : segments_.lengths()) {
    if (id != newest_id && !retired_.contains(id)) manifest.sealed.push_back({id, bytes});
  }
  manifest.retired.assign(retired_.begin(), retired_.end());
  return manifest;
}

Status ManifestPublisher::publish(uint64_t newest_id) {
  Manifest manifest = current(newest_id);
  // Whatever happened, the manifest on disk is no longer known to be the old one.
  published_.reset();
  LOGKV_RETURN_IF_ERROR(write_manifest(fs_, dir_, manifest));
  published_ = std::move(manifest);
  return Status::ok();
}

Status ManifestPublisher::publish_if_changed(uint64_t newest_id) {
  if (published_ && *published_ == current(newest_id)) return Status::ok();
  return publish(newest_id);
}

}  // namespace logkv
