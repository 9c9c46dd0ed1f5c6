#include "wal/manifest.h"

#include <xxhash.h>

#include <algorithm>

#include "base/endian_coding.h"
#include "wal/file_names.h"
#include "wal/file_publishing.h"

namespace logkv {
namespace {

constexpr FileKind kManifestKind{kManifestMagic, kManifestFormatVersion, "not a logkv manifest",
                                 "describes"};

// Names the file first, as every damage message does, so that a caller may strip it.
Status damaged(std::string_view file, const std::string& what) {
  return Status::corruption("'" + std::string(file) + "' is damaged: " + what);
}

}  // namespace

std::string encode_manifest(const Manifest& manifest) {
  std::string out;
  out.reserve(kManifestEntriesOffset + manifest.sealed.size() * kManifestSealedEntryBytes +
              manifest.retired.size() * kManifestRetiredEntryBytes + kManifestChecksumBytes);
  append_file_preamble(&out, kManifestKind, manifest.newest_id);
  append_little_endian(&out, manifest.pending_first);
  append_little_endian(&out, manifest.pending_count);
  append_little_endian(&out, static_cast<uint32_t>(manifest.sealed.size()));
  append_little_endian(&out, static_cast<uint32_t>(manifest.retired.size()));
  for (const SealedSegment& segment : manifest.sealed) {
    append_little_endian(&out, segment.id);
    append_little_endian(&out, segment.bytes);
  }
  for (uint64_t id : manifest.retired) append_little_endian(&out, id);
  append_little_endian(&out, XXH3_64bits(out.data(), out.size()));
  return out;
}

Result<Manifest> decode_manifest(std::string_view bytes, std::string_view file) {
  if (bytes.size() < kManifestEntriesOffset + kManifestChecksumBytes) {
    return damaged(file, "it holds " + std::to_string(bytes.size()) + " bytes, fewer than the " +
                             std::to_string(kManifestEntriesOffset + kManifestChecksumBytes) +
                             " of an empty manifest");
  }
  const size_t body = bytes.size() - kManifestChecksumBytes;
  if (load_little_endian<uint64_t>(bytes.data() + body) != XXH3_64bits(bytes.data(), body)) {
    return damaged(file, "its checksum does not match its contents");
  }
  Manifest manifest;
  manifest.newest_id = load_little_endian<uint64_t>(bytes.data() + kPreambleSegmentIdOffset);
  if (std::string problem = file_preamble_problem(bytes, kManifestKind, manifest.newest_id);
      !problem.empty()) {
    return damaged(file, problem);
  }
  manifest.pending_first = load_little_endian<uint64_t>(bytes.data() + kManifestPendingFirstOffset);
  manifest.pending_count = load_little_endian<uint64_t>(bytes.data() + kManifestPendingCountOffset);
  const uint64_t sealed_count =
      load_little_endian<uint32_t>(bytes.data() + kManifestSealedCountOffset);
  const uint64_t retired_count =
      load_little_endian<uint32_t>(bytes.data() + kManifestRetiredCountOffset);
  if (kManifestEntriesOffset + sealed_count * kManifestSealedEntryBytes +
          retired_count * kManifestRetiredEntryBytes !=
      body) {
    return damaged(file, "it lists " + std::to_string(sealed_count) + " sealed and " +
                             std::to_string(retired_count) +
                             " retired segments, which does not match its length");
  }
  const char* at = bytes.data() + kManifestEntriesOffset;
  for (uint64_t i = 0; i < sealed_count; ++i, at += kManifestSealedEntryBytes) {
    manifest.sealed.push_back(
        SealedSegment{load_little_endian<uint64_t>(at), load_little_endian<uint64_t>(at + 8)});
  }
  for (uint64_t i = 0; i < retired_count; ++i, at += kManifestRetiredEntryBytes) {
    manifest.retired.push_back(load_little_endian<uint64_t>(at));
  }
  const auto by_id = [](const SealedSegment& a, const SealedSegment& b) { return a.id < b.id; };
  const bool ordered = std::is_sorted(manifest.sealed.begin(), manifest.sealed.end(), by_id) &&
                       std::adjacent_find(manifest.sealed.begin(), manifest.sealed.end(),
                                          [](const SealedSegment& a, const SealedSegment& b) {
                                            return a.id == b.id;
                                          }) == manifest.sealed.end() &&
                       std::is_sorted(manifest.retired.begin(), manifest.retired.end());
  const bool newest_sealed = std::binary_search(manifest.sealed.begin(), manifest.sealed.end(),
                                                SealedSegment{manifest.newest_id, 0}, by_id);
  if (!ordered || newest_sealed) {
    return damaged(file, "its segment lists are out of order or name the newest segment as sealed");
  }
  // Every id must have a file name (wal/file_names.h).
  bool in_range = manifest.newest_id <= kSegmentIdMax && manifest.pending_first <= kSegmentIdMax &&
                  manifest.pending_count <= kSegmentIdMax - manifest.pending_first;
  for (const SealedSegment& segment : manifest.sealed) in_range &= segment.id <= kSegmentIdMax;
  for (uint64_t id : manifest.retired) in_range &= id <= kSegmentIdMax;
  if (!in_range) {
    return damaged(file, "it names a segment id above " + std::to_string(kSegmentIdMax));
  }
  return manifest;
}

Result<std::optional<Manifest>> read_manifest(FileSystem& fs, const std::string& dir) {
  const std::string path = join_path(dir, kManifestFileName);
  Result<FileBytes> file = read_whole_file(fs, path);
  if (!file.is_ok()) {
    if (file.status().code() == StatusCode::kNotFound) return std::optional<Manifest>();
    return file.status();
  }
  Result<Manifest> manifest = decode_manifest(file->bytes, path);
  if (!manifest.is_ok()) return manifest.status();
  return std::optional<Manifest>(std::move(manifest).value());
}

Status write_manifest(FileSystem& fs, const std::string& dir, const Manifest& manifest) {
  return replace_file_atomically(fs, dir, kManifestFileName, encode_manifest(manifest));
}

}  // namespace logkv
