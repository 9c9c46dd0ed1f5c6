#include "index/index_checkpoint.h"

#include <xxhash.h>

#include <algorithm>
#include <memory>

#include "base/endian_coding.h"

namespace logkv {

namespace {

constexpr FileKind kIndexCheckpointKind{kIndexCheckpointMagic, kIndexCheckpointFormatVersion,
                                        "not a logkv index checkpoint", "describes"};

Status damaged(std::string_view what) {
  return Status::corruption("index checkpoint '" + std::string(kIndexCheckpointFileName) +
                            "': " + std::string(what));
}

}  // namespace

Result<uint64_t> segment_tail_checksum(const RandomAccessFile& file, uint64_t bytes) {
  const uint64_t start = bytes > kTailCheckBytes ? bytes - kTailCheckBytes : 0;
  const size_t length = static_cast<size_t>(bytes - start);
  auto scratch = std::make_unique_for_overwrite<char[]>(length == 0 ? 1 : length);
  Result<std::string_view> tail = file.read_copy(start, length, scratch.get());
  if (!tail.is_ok()) return tail.status();
  if (tail->size() != length) {
    return Status::io_error("short read of a segment's last " + std::to_string(length) +
                            " bytes before offset " + std::to_string(bytes));
  }
  return XXH3_64bits(tail->data(), tail->size());
}

std::string encode_index_checkpoint(const CheckpointPoint& point, const KeyDirectory& keys) {
  std::string out;
  out.reserve(kCheckpointHeaderBytes + point.segments.size() * kCheckpointSegmentBytes +
              keys.image_bytes() + kCheckpointTrailerBytes);
  append_file_preamble(&out, kIndexCheckpointKind, point.newest_segment_id);
  append_little_endian<uint64_t>(&out, point.newest_segment_bytes);
  append_little_endian<uint64_t>(&out, point.last_sequence);
  append_little_endian<uint64_t>(&out, point.tail_checksum);
  append_little_endian<uint32_t>(&out, static_cast<uint32_t>(point.segments.size()));
  append_little_endian<uint32_t>(&out, static_cast<uint32_t>(KeyDirectory::kShards));
  for (const CheckpointSegment& segment : point.segments) {
    append_little_endian<uint64_t>(&out, segment.id);
    append_little_endian<uint64_t>(&out, segment.bytes);
    append_little_endian<uint64_t>(&out, segment.live_bytes);
    append_little_endian<uint64_t>(&out, segment.tombstone_bytes);
  }
  keys.append_image(out);
  append_little_endian<uint64_t>(&out, XXH3_64bits(out.data(), out.size()));
  return out;
}

Status write_index_checkpoint(FileSystem& fs, const std::string& dir, const CheckpointPoint& point,
                              const KeyDirectory& keys) {
  return replace_file_atomically(fs, dir, kIndexCheckpointFileName,
                                 encode_index_checkpoint(point, keys));
}

Result<IndexCheckpoint> read_index_checkpoint(FileSystem& fs, const std::string& dir) {
  Result<FileBytes> file = read_whole_file(fs, join_path(dir, kIndexCheckpointFileName));
  if (!file.is_ok()) return file.status();
  const std::string_view bytes = file->bytes;
  if (bytes.size() < kCheckpointHeaderBytes + kCheckpointTrailerBytes) {
    return damaged("cut short: " + std::to_string(bytes.size()) + " bytes");
  }
  IndexCheckpoint checkpoint;
  checkpoint.point.newest_segment_id =
      load_little_endian<uint64_t>(bytes.data() + kPreambleSegmentIdOffset);
  if (std::string problem =
          file_preamble_problem(bytes, kIndexCheckpointKind, checkpoint.point.newest_segment_id);
      !problem.empty()) {
    return damaged(problem);
  }
  const size_t body = bytes.size() - kCheckpointTrailerBytes;
  if (load_little_endian<uint64_t>(bytes.data() + body) != XXH3_64bits(bytes.data(), body)) {
    return damaged("checksum mismatch");
  }
  CheckpointPoint& point = checkpoint.point;
  point.newest_segment_bytes =
      load_little_endian<uint64_t>(bytes.data() + kCheckpointNewestBytesOffset);
  point.last_sequence = load_little_endian<uint64_t>(bytes.data() + kCheckpointLastSequenceOffset);
  point.tail_checksum = load_little_endian<uint64_t>(bytes.data() + kCheckpointTailChecksumOffset);
  const uint32_t segment_count =
      load_little_endian<uint32_t>(bytes.data() + kCheckpointSegmentCountOffset);
  const uint32_t shard_count =
      load_little_endian<uint32_t>(bytes.data() + kCheckpointShardCountOffset);
  if (shard_count != KeyDirectory::kShards) {
    return damaged("written for " + std::to_string(shard_count) + " shards, not " +
                   std::to_string(KeyDirectory::kShards));
  }
  if (segment_count == 0 ||
      (body - kCheckpointHeaderBytes) / kCheckpointSegmentBytes < segment_count) {
    return damaged("lists " + std::to_string(segment_count) + " segments");
  }
  const char* at = bytes.data() + kCheckpointHeaderBytes;
  for (uint32_t i = 0; i < segment_count; ++i, at += kCheckpointSegmentBytes) {
    CheckpointSegment segment;
    segment.id = load_little_endian<uint64_t>(at);
    segment.bytes = load_little_endian<uint64_t>(at + 8);
    segment.live_bytes = load_little_endian<uint64_t>(at + 16);
    segment.tombstone_bytes = load_little_endian<uint64_t>(at + 24);
    if (!point.segments.empty() && segment.id <= point.segments.back().id) {
      return damaged("its segments are not in ascending order");
    }
    point.segments.push_back(segment);
  }
  if (point.segments.back().id != point.newest_segment_id ||
      point.segments.back().bytes != point.newest_segment_bytes) {
    return damaged("its newest segment is not the last one it lists");
  }
  checkpoint.image = std::string_view(at, bytes.data() + body - at);
  checkpoint.file = std::move(*file);
  return checkpoint;
}

Status load_index_checkpoint(const IndexCheckpoint& checkpoint, KeyDirectory& keys) {
  std::string_view image = checkpoint.image;
  for (size_t shard = 0; shard < KeyDirectory::kShards; ++shard) {
    std::string problem;
    if (!keys.load_shard_image_for_recovery(shard, image, problem)) return damaged(problem);
  }
  if (!image.empty()) {
    return damaged(std::to_string(image.size()) + " bytes after the last shard's image");
  }
  return Status::ok();
}

}  // namespace logkv
