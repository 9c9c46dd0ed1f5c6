#include "wal/segment_scanner.h"

#include <optional>
#include <string>
#include <vector>

#include "base/endian_coding.h"
#include "wal/damage_advice.h"
#include "wal/record_format.h"
#include "wal/segment_header.h"

namespace logkv {
namespace {

// The records before the damage are intact: the advice says how to keep them.
constexpr std::string_view kWhatToDo = kDamageAdvice;

// Whether every header byte is zero or what the header of `segment_id` holds there: what an
// interrupted write of the header leaves, as opposed to a header damaged after the fact.
bool is_partly_written_header(std::string_view contents, uint64_t segment_id) {
  const std::string expected = encode_segment_header(segment_id);
  for (size_t i = 0; i < kSegmentHeaderBytes; ++i) {
    if (contents[i] != 0 && contents[i] != expected[i]) return false;
  }
  return true;
}

// Offset of the first record after `damage_offset` that proves the bytes at `damage_offset` had
// been synced: it decodes cleanly and was appended when the segment's durable length already
// exceeded `damage_offset`. Every record really appended later also claims no more than its own
// offset and has a sequence above `last_good_sequence`; requiring both keeps stray bytes that
// merely look like a record (say a value that holds a copy of a segment) from counting.
std::optional<uint64_t> find_record_proving_synced(std::string_view contents,
                                                   uint64_t damage_offset,
                                                   uint64_t last_good_sequence) {
  if (contents.size() < kRecordHeaderBytes) return std::nullopt;
  const uint64_t last_start = contents.size() - kRecordHeaderBytes;
  for (uint64_t offset = damage_offset + 1; offset <= last_start; ++offset) {
    // The synced_offset test rejects almost every offset of garbage or zeros before
    // decode_record's header checks and checksum run.
    const auto synced_offset =
        load_little_endian<uint32_t>(contents.data() + offset + kRecordSyncedOffsetOffset);
    if (synced_offset <= damage_offset || synced_offset > offset) continue;
    const DecodedRecord decoded = decode_record(contents.substr(offset));
    if (decoded.status == DecodeStatus::kOk && decoded.record.sequence > last_good_sequence) {
      return offset;
    }
  }
  return std::nullopt;
}

// Settles the scan once bytes at `damage_offset` turned out bad (`why` says how): corruption where
// the bytes are known to have been synced; past that, a torn tail unless a later record proves
// they were durable.
void settle_bad_bytes(std::string_view contents, std::string_view file_name, SyncedPrefix synced,
                      uint64_t damage_offset, const std::string& why, SegmentScan* scan) {
  scan->valid_end = damage_offset;
  scan->damage_offset = damage_offset;
  std::string message =
      std::string(file_name) + ": " + why + " at offset " + std::to_string(damage_offset);
  if (damage_offset < synced.bytes) {
    message += synced.is_whole()
                   ? "; " + std::string(synced.why)
                   : "; the first " + std::to_string(synced.bytes) +
                         " bytes of the segment were durable (" + std::string(synced.why) + ")";
    message += ", so this is damage, not a torn write";
    scan->status = Status::corruption(message + std::string(kWhatToDo));
    return;
  }
  const std::optional<uint64_t> proof =
      find_record_proving_synced(contents, damage_offset, scan->last_sequence);
  if (!proof.has_value()) {
    scan->torn_tail = true;
    return;
  }
  const auto synced_offset =
      load_little_endian<uint32_t>(contents.data() + *proof + kRecordSyncedOffsetOffset);
  message += "; the intact record at offset " + std::to_string(*proof) +
             " was appended after the first " + std::to_string(synced_offset) +
             " bytes had been synced, so this is damage to durable data, not a torn write";
  scan->status = Status::corruption(message + std::string(kWhatToDo));
}

// Settles a scan that read up to the end of the file when the file is shorter than the bytes known
// to have been synced: it was cut, and whatever followed is lost.
void settle_cut_short(std::string_view file_name, SyncedPrefix synced, uint64_t file_bytes,
                      SegmentScan* scan) {
  scan->status = Status::corruption(
      std::string(file_name) + ": the segment is " + std::to_string(file_bytes) +
      " bytes long, but its first " + std::to_string(synced.bytes) + " bytes were durable (" +
      std::string(synced.why) + "), so it was cut short and the records after offset " +
      std::to_string(file_bytes) + " are lost" + std::string(kWhatToDo));
  scan->damage_offset = file_bytes;
  scan->cut_short = true;
  scan->torn_tail = false;
}

// Why a cleanly decoded record cannot follow the records before it, or nothing when it can. A
// record with a good checksum is never a torn write, so these are corruption in every segment.
std::optional<std::string> check_record_order(const Record& record, uint64_t offset,
                                              uint64_t previous_sequence,
                                              uint32_t previous_synced_offset) {
  if (record.sequence <= previous_sequence) {
    return "record with sequence " + std::to_string(record.sequence) + " after sequence " +
           std::to_string(previous_sequence) + " (sequence numbers must increase)";
  }
  if (record.synced_offset > offset) {
    return "record claiming " + std::to_string(record.synced_offset) +
           " synced bytes, more than were written before it";
  }
  if (record.synced_offset < previous_synced_offset) {
    return "record claiming " + std::to_string(record.synced_offset) +
           " synced bytes after a record that claimed " + std::to_string(previous_synced_offset);
  }
  return std::nullopt;
}

}  // namespace

SegmentScan scan_segment(std::string_view contents, std::string_view file_name, uint64_t segment_id,
                         bool is_newest, const std::function<void(const ScannedRecord&)>& visit) {
  return scan_segment(contents, file_name, segment_id, SyncedPrefix::of(is_newest), visit);
}

SegmentScan scan_segment(std::string_view contents, std::string_view file_name, uint64_t segment_id,
                         SyncedPrefix synced,
                         const std::function<void(const ScannedRecord&)>& visit) {
  SegmentScan scan;
  scan.file_bytes = contents.size();

  const Status header = check_segment_header(contents, segment_id, file_name);
  if (!header.is_ok()) {
    // A crash while the segment was being created leaves it short, with header bytes that
    // never reached the disk and read back as zeros, or (the header being unsynced data) with a
    // garbled header and nothing after it: records are appended only once the header is synced.
    // Any other bad header is damage, and so is any bad header known to have been synced.
    const bool header_may_be_torn = synced.bytes == 0;
    if (header_may_be_torn && contents.size() < kSegmentHeaderBytes) {
      scan.torn_tail = true;
      return scan;
    }
    const bool garbled_header_alone =
        contents.size() == kSegmentHeaderBytes && !segment_header_checksum_matches(contents);
    if (header_may_be_torn &&
        (garbled_header_alone || is_partly_written_header(contents, segment_id))) {
      settle_bad_bytes(contents, file_name, synced, 0, "partly or wholly zero segment header",
                       &scan);
      return scan;
    }
    scan.status = header;
    return scan;
  }

  return scan_records_from(contents, file_name, synced, kSegmentHeaderBytes, 0, visit);
}

SegmentScan scan_records_from(std::string_view contents, std::string_view file_name,
                              SyncedPrefix synced, uint64_t offset, uint64_t last_sequence,
                              const std::function<void(const ScannedRecord&)>& visit) {
  SegmentScan scan;
  scan.file_bytes = contents.size();
  scan.last_sequence = last_sequence;
  uint32_t previous_synced_offset = 0;
  scan.valid_end = offset;
  // Records of an atomic batch are visited only once its last record has been read: a batch
  // cut short by a crash is dropped whole, and the torn tail starts where the batch starts.
  std::vector<ScannedRecord> batch;
  uint64_t batch_start = 0;
  auto cut_at_batch_start = [&] {
    if (!batch.empty()) scan.valid_end = batch_start;
  };
  while (offset < contents.size()) {
    const DecodedRecord decoded = decode_record(contents.substr(offset));
    if (decoded.status != DecodeStatus::kOk) {
      settle_bad_bytes(contents, file_name, synced, offset, std::string(decoded.reason), &scan);
      cut_at_batch_start();
      return scan;
    }
    const std::optional<std::string> disorder =
        check_record_order(decoded.record, offset, scan.last_sequence, previous_synced_offset);
    if (disorder.has_value()) {
      scan.status = Status::corruption(std::string(file_name) + ": " + *disorder + " at offset " +
                                       std::to_string(offset) + std::string(kWhatToDo));
      scan.damage_offset = offset;
      cut_at_batch_start();
      return scan;
    }
    const ScannedRecord scanned{decoded.record, offset, static_cast<uint32_t>(decoded.bytes)};
    scan.last_sequence = decoded.record.sequence;
    previous_synced_offset = decoded.record.synced_offset;
    offset += decoded.bytes;
    if ((decoded.record.flags & kRecordFlagBatchContinues) != 0) {
      if (batch.empty()) batch_start = scanned.offset;
      batch.push_back(scanned);
      continue;
    }
    for (const ScannedRecord& member : batch) visit(member);
    scan.records += batch.size() + 1;
    batch.clear();
    visit(scanned);
    scan.valid_end = offset;
  }
  if (!synced.is_whole() && contents.size() < synced.bytes) {
    cut_at_batch_start();
    settle_cut_short(file_name, synced, contents.size(), &scan);
    return scan;
  }
  if (!batch.empty()) {
    // Every record is intact but the batch's last one is missing.
    if (synced.is_whole()) {
      scan.status =
          Status::corruption(std::string(file_name) +
                             ": the segment ends inside the atomic batch that starts at offset " +
                             std::to_string(batch_start) + "; " + std::string(synced.why) +
                             ", so this is damage, not a torn write" + std::string(kWhatToDo));
    } else {
      // A group is synced whole, so a batch is never cut by the end of the synced bytes.
      scan.torn_tail = true;
    }
    scan.valid_end = batch_start;
    scan.damage_offset = contents.size();
  }
  return scan;
}

}  // namespace logkv
