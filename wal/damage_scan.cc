#include "wal/damage_scan.h"

#include <algorithm>
#include <optional>

#include "base/endian_coding.h"
#include "wal/record.h"
#include "wal/record_format.h"

namespace logkv {
namespace {

// The first offset at or after `from` where a record decodes cleanly and could follow records
// up to `sequence_after`: a higher sequence, and a synced offset no larger than its own offset.
// The synced-offset test rejects almost every offset of damaged bytes before the checksum runs.
std::optional<uint64_t> find_next_record(std::string_view contents, uint64_t from,
                                         uint64_t sequence_after) {
  if (contents.size() < kRecordHeaderBytes) return std::nullopt;
  const uint64_t last_start = contents.size() - kRecordHeaderBytes;
  for (uint64_t offset = from; offset <= last_start; ++offset) {
    const auto synced_offset =
        load_little_endian<uint32_t>(contents.data() + offset + kRecordSyncedOffsetOffset);
    if (synced_offset > offset) continue;
    const DecodedRecord decoded = decode_record(contents.substr(offset));
    if (decoded.status == DecodeStatus::kOk && decoded.record.sequence > sequence_after) {
      return offset;
    }
  }
  return std::nullopt;
}

// The length the record header at `offset` claims, when the header lies inside `contents`.
std::optional<uint64_t> claimed_record_bytes(std::string_view contents, uint64_t offset) {
  if (offset + kRecordHeaderBytes > contents.size()) return std::nullopt;
  const auto value_bytes =
      load_little_endian<uint32_t>(contents.data() + offset + kRecordValueLenOffset);
  const auto key_bytes =
      load_little_endian<uint16_t>(contents.data() + offset + kRecordKeyLenOffset);
  return encoded_record_bytes(key_bytes, value_bytes);
}

// Describes the bytes from `scan.valid_end` to `resume` (or the end): the keys of the intact
// batch members the damage cut into, and the damaged record's key when its framing is proven.
DamagedRange describe_damage(std::string_view contents, const SegmentScan& scan,
                             std::optional<uint64_t> resume) {
  DamagedRange range;
  range.start = std::min(scan.valid_end, scan.damage_offset);
  range.damage_offset = scan.damage_offset;
  range.end = resume.value_or(contents.size());
  range.what = scan.status.message();
  uint64_t sequence_max = std::numeric_limits<uint64_t>::max();
  if (resume.has_value()) {
    sequence_max = decode_record(contents.substr(*resume)).record.sequence - 1;
  }
  // Batch members before the damage are intact records: their keys and sequences are exact.
  range.sequence_after = scan.last_sequence;
  for (uint64_t offset = range.start; offset < range.damage_offset;) {
    const DecodedRecord decoded = decode_record(contents.substr(offset));
    if (decoded.status != DecodeStatus::kOk) break;  // cannot happen: the scanner read them
    if (range.keys.empty()) range.sequence_after = decoded.record.sequence - 1;
    range.keys.push_back({std::string(decoded.record.key), decoded.record.sequence});
    offset += decoded.bytes;
  }
  const std::optional<uint64_t> claimed = claimed_record_bytes(contents, range.damage_offset);
  if (range.damage_offset >= kSegmentHeaderBytes && claimed.has_value() &&
      range.damage_offset + *claimed == range.end) {
    const auto key_bytes =
        load_little_endian<uint16_t>(contents.data() + range.damage_offset + kRecordKeyLenOffset);
    range.keys.push_back(
        {std::string(contents.substr(range.damage_offset + kRecordHeaderBytes, key_bytes)),
         sequence_max});
    range.keys_complete = true;
  } else if (range.damage_offset == range.end && !scan.cut_short) {
    range.keys_complete = true;  // a batch cut short at the end of the segment: no bad bytes
  }
  return range;
}

}  // namespace

DamageTolerantScan scan_segment_past_damage(std::string_view contents, std::string_view file_name,
                                            uint64_t segment_id, SyncedPrefix synced,
                                            const std::function<void(const ScannedRecord&)>& visit,
                                            ScanStart start) {
  DamageTolerantScan result;
  SegmentScan scan = start.offset == 0
                         ? scan_segment(contents, file_name, segment_id, synced, visit)
                         : scan_records_from(contents, file_name, synced, start.offset,
                                             start.last_sequence, visit);
  while (true) {
    result.records += scan.records;
    result.last_sequence = std::max(result.last_sequence, scan.last_sequence);
    if (scan.status.is_ok()) {
      result.valid_end = scan.valid_end;
      result.torn_tail = scan.torn_tail;
      if (scan.torn_tail) {
        const std::string_view tail = contents.substr(std::min(scan.valid_end, contents.size()));
        result.torn_tail_all_zero =
            std::all_of(tail.begin(), tail.end(), [](char byte) { return byte == 0; });
      }
      return result;
    }
    // A bad segment header (damage at 0) leaves the records after it readable.
    const uint64_t search_from =
        scan.damage_offset < kSegmentHeaderBytes ? kSegmentHeaderBytes : scan.damage_offset + 1;
    const std::optional<uint64_t> resume =
        find_next_record(contents, search_from, scan.last_sequence);
    result.damage.push_back(describe_damage(contents, scan, resume));
    if (!resume.has_value()) {
      result.valid_end = contents.size();
      return result;
    }
    scan = scan_records_from(contents, file_name, synced, *resume, scan.last_sequence, visit);
  }
}

}  // namespace logkv
