#include "tools/dump_load_commands.h"

#include <array>
#include <filesystem>
#include <fstream>
#include <istream>
#include <optional>
#include <ostream>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "logkv/key_text.h"
#include "logkv/log_records.h"
#include "logkv/store.h"
#include "tools/jsonl_records.h"
#include "tools/progress_bar.h"

namespace logkv::tool {
namespace {

// Keys fetched per list_keys call: memory stays bounded however large the store.
constexpr size_t kDumpPageKeys = 1000;
// A load batch also ends after this many bytes of keys and values, so that --batch-keys on
// large values cannot hold gigabytes in memory (all-or-nothing holds what it must).
constexpr size_t kLoadBatchBytesMax = size_t{64} << 20;

// Lines of input, each at most `line_bytes_max` bytes, read in large chunks.
class LineReader {
 public:
  LineReader(std::istream& in, size_t line_bytes_max) : in_(in), line_bytes_max_(line_bytes_max) {}

  // The next line without its '\n' (a last line without one counts); nullopt at the end.
  Result<std::optional<std::string_view>> next() {
    while (true) {
      const size_t newline = buffer_.find('\n', start_);
      if (newline != std::string::npos) return take(newline, newline + 1);
      if (buffer_.size() - start_ > line_bytes_max_) {
        ++line_number_;  // the error is about this line
        return Status::limit_exceeded(
            "the line is longer than " + std::to_string(line_bytes_max_) +
            " bytes, more than a record can need under the store's value_bytes_max");
      }
      if (at_end_) {
        if (start_ == buffer_.size()) return std::optional<std::string_view>();
        return take(buffer_.size(), buffer_.size());
      }
      buffer_.erase(0, start_);
      start_ = 0;
      const size_t kept = buffer_.size();
      buffer_.resize(kept + kChunkBytes);
      in_.read(buffer_.data() + kept, static_cast<std::streamsize>(kChunkBytes));
      const auto got = static_cast<size_t>(in_.gcount());
      buffer_.resize(kept + got);
      if (got < kChunkBytes) {
        if (in_.bad()) {
          ++line_number_;
          return Status::io_error("reading the input failed");
        }
        at_end_ = true;
      }
    }
  }

  uint64_t line_number() const { return line_number_; }
  uint64_t bytes_read() const { return bytes_consumed_; }

 private:
  static constexpr size_t kChunkBytes = size_t{1} << 20;

  std::optional<std::string_view> take(size_t end, size_t next_start) {
    const std::string_view line(buffer_.data() + start_, end - start_);
    bytes_consumed_ += next_start - start_;
    start_ = next_start;
    ++line_number_;
    return line;
  }

  std::istream& in_;
  const size_t line_bytes_max_;
  std::string buffer_;
  size_t start_ = 0;
  bool at_end_ = false;
  uint64_t line_number_ = 0;
  uint64_t bytes_consumed_ = 0;
};

// The records read but not yet stored, and the lines they came from.
struct PendingBatch {
  std::vector<JsonlRecord> records;
  size_t bytes = 0;
  uint64_t first_line = 0;
  uint64_t last_line = 0;

  void add(JsonlRecord record, uint64_t line) {
    if (records.empty()) first_line = line;
    last_line = line;
    bytes += record.key.size() + record.value.size();
    records.push_back(std::move(record));
  }
};

Status store_batch(Store& store, PendingBatch& batch) {
  if (batch.records.empty()) return Status::ok();
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  pairs.reserve(batch.records.size());
  for (const JsonlRecord& record : batch.records) pairs.emplace_back(record.key, record.value);
  Status status = store.set_many(pairs);
  if (!status.is_ok()) return status;
  batch = PendingBatch();
  return Status::ok();
}

// The same limits the store enforces, checked per line so that the error names the line.
Status check_record_limits(const JsonlRecord& record, const Limits& limits) {
  if (record.key.size() > limits.key_bytes_max) {
    return Status::limit_exceeded(
        "key " + printable_key(record.key) + " is " + std::to_string(record.key.size()) +
        " bytes, over the store's key_bytes_max of " + std::to_string(limits.key_bytes_max));
  }
  if (record.value.size() > limits.value_bytes_max) {
    return Status::limit_exceeded("the value of key " + printable_key(record.key) + " is " +
                                  std::to_string(record.value.size()) +
                                  " bytes, over the store's value_bytes_max of " +
                                  std::to_string(limits.value_bytes_max));
  }
  return Status::ok();
}

std::string plural(uint64_t count, std::string_view noun) {
  return std::to_string(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
}

ExitCode run_dump_all_versions(const StoreSelection& selection, const DumpQuery& query,
                               CommandIo& io) {
  constexpr std::string_view kCommand = "dump --all-versions";
  if (selection.path.empty()) {
    return report(io, kCommand,
                  Status::invalid_argument("it reads a store's folder directly; name the folder "
                                           "with --store DIR (or LOGKV_STORE)"));
  }
  ProgressBar progress = ProgressBar::for_stderr("dump", 0, ProgressUnit::kItems);
  std::string line;
  Result<LogWalk> walk = read_log_records(selection.path, [&](const LogRecord& record) {
    progress.advance(1);
    if (!record.key.starts_with(query.prefix)) return Status::ok();
    const bool with_value = !query.keys_only && record.kind == LogRecordKind::kSet;
    line = query.format == DumpFormat::kJsonl ? format_log_record_jsonl(record, with_value)
                                              : format_log_record_text(record, with_value);
    io.out.write(line.data(), static_cast<std::streamsize>(line.size()));
    if (!io.out) return Status::io_error("the output was not fully written");
    return Status::ok();
  });
  progress.finish();
  if (!walk.is_ok()) {
    io.out.flush();  // the records before the damage are shown in full
    return report(io, kCommand, walk.status());
  }
  if (walk->torn_tail_bytes > 0) {
    io.err << "logkv: dump --all-versions: note: the newest segment ends in "
           << walk->torn_tail_bytes
           << " bytes of an unfinished append (a crash, or a writer at work), not shown\n";
  }
  return finish_output(io, ExitCode::kSuccess);
}

}  // namespace

ExitCode run_dump(const StoreSelection& selection, const DumpQuery& query, CommandIo& io) {
  constexpr std::string_view kCommand = "dump";
  if (query.all_versions) return run_dump_all_versions(selection, query, io);
  // Read-only with --store: dumps beside a writer and never changes a file.
  Result<OpenStore> store = OpenStore::open(selection, IfMissing::kFail, Access::kReadOnly);
  if (!store.is_ok()) return report(io, kCommand, store.status());
  ProgressBar progress = ProgressBar::for_stderr(
      "dump", query.prefix.empty() ? (*store)->stats().keys : 0, ProgressUnit::kItems);
  std::optional<std::string> cursor;
  std::string line;
  while (true) {
    Result<KeyPage> page = (*store)->list_keys(cursor, kDumpPageKeys, query.prefix);
    if (!page.is_ok()) return store->close(io, selection, report(io, kCommand, page.status()));
    for (const std::string& key : page->keys) {
      std::optional<std::string> value;
      if (!query.keys_only) {
        Result<std::optional<std::string>> got = (*store)->get(key);
        if (!got.is_ok()) {
          return store->close(io, selection, report(io, describe(kCommand, key), got.status()));
        }
        // The store is held by this command, so a listed key cannot vanish; skip it if it did.
        if (!got->has_value()) continue;
        value = std::move(*got);
      }
      if (query.format == DumpFormat::kJsonl) {
        line = query.keys_only ? format_jsonl_key(key) : format_jsonl_record(key, *value);
      } else {
        line = format_text_record(key, query.keys_only ? nullptr : &*value);
      }
      io.out.write(line.data(), static_cast<std::streamsize>(line.size()));
      progress.advance(1);
    }
    if (!page->cursor.has_value() || !io.out) break;
    cursor = std::move(page->cursor);
  }
  progress.finish();
  const ExitCode printed = finish_output(io, ExitCode::kSuccess);
  return store->close(io, selection, listing_result(io, selection, **store, printed));
}

ExitCode run_load(const StoreSelection& selection, const LoadOptions& options, CommandIo& io) {
  constexpr std::string_view kCommand = "load";
  std::ifstream file;
  std::istream* in = &io.in;
  uint64_t input_bytes = 0;  // 0: unknown (a pipe)
  if (options.source != "-") {
    file.open(options.source, std::ios::binary);
    if (!file) {
      return report(
          io, kCommand,
          Status::invalid_argument("cannot open '" + options.source +
                                   "' for reading; check the path (use - for standard input)"));
    }
    std::error_code error;
    const auto size = std::filesystem::file_size(options.source, error);
    if (!error) input_bytes = size;
    in = &file;
  }
  Result<OpenStore> store = OpenStore::open(selection, IfMissing::kCreate);
  if (!store.is_ok()) return report(io, kCommand, store.status());
  const Limits& limits = store->limits();
  // Each key byte may take 6 in JSON (\u00XX), values grow by 4/3 in base64, plus the names.
  const size_t line_bytes_max =
      limits.key_bytes_max * 6 + (limits.value_bytes_max + 2) / 3 * 4 + 64;
  LineReader lines(*in, line_bytes_max);
  ProgressBar progress = ProgressBar::for_stderr("load", input_bytes, ProgressUnit::kBytes);
  PendingBatch batch;
  uint64_t stored_records = 0;

  // Ends the command after `problem`: the error line, then a line saying what is stored.
  const auto fail = [&](const Status& problem, const std::string& outcome) -> ExitCode {
    progress.finish();
    const ExitCode code = report(io, kCommand, problem);
    io.err << "logkv: load: " << outcome << "\n";
    return store->close(io, selection, code);
  };
  // What a failure at `line` leaves stored.
  const auto stored_before = [&](uint64_t line) {
    if (stored_records == 0) return std::string("nothing was stored");
    return plural(stored_records, "record") + " from the lines before " + std::to_string(line) +
           (stored_records == 1 ? " was" : " were") + " stored; nothing from line " +
           std::to_string(line) + " on";
  };
  // Stores the pending batch; on failure ends the command.
  const auto flush = [&]() -> std::optional<ExitCode> {
    const size_t records = batch.records.size();
    const uint64_t first = batch.first_line;
    const uint64_t last = batch.last_line;
    Status status = store_batch(**store, batch);
    if (!status.is_ok()) {
      if (options.all_or_nothing) return fail(status, "nothing was stored (--all-or-nothing)");
      return fail(status.with_context("the batch of lines " + std::to_string(first) + " to " +
                                      std::to_string(last)),
                  stored_before(first));
    }
    stored_records += records;
    return std::nullopt;
  };
  // A bad line: with --all-or-nothing nothing is stored; otherwise the records before it are.
  const auto stop_at = [&](const Status& problem) -> ExitCode {
    const uint64_t line = lines.line_number();
    const Status at_line = problem.with_context("line " + std::to_string(line));
    if (options.all_or_nothing) return fail(at_line, "nothing was stored (--all-or-nothing)");
    if (std::optional<ExitCode> failed = flush()) return *failed;
    return fail(at_line, stored_before(line));
  };

  while (true) {
    Result<std::optional<std::string_view>> line = lines.next();
    if (!line.is_ok()) return stop_at(line.status());
    if (!line->has_value()) break;
    progress.set_done(lines.bytes_read());
    if ((*line)->empty()) continue;
    Result<JsonlRecord> record = parse_jsonl_record(**line);
    if (!record.is_ok()) return stop_at(record.status());
    if (Status fits = check_record_limits(*record, limits); !fits.is_ok()) return stop_at(fits);
    batch.add(std::move(record).value(), lines.line_number());
    if (!options.all_or_nothing &&
        (batch.records.size() >= options.batch_keys || batch.bytes >= kLoadBatchBytesMax)) {
      if (std::optional<ExitCode> failed = flush()) return *failed;
    }
  }
  if (std::optional<ExitCode> failed = flush()) return *failed;
  progress.finish();
  io.out << "loaded " << plural(stored_records, "record") << "\n";
  return store->close(io, selection, finish_output(io, ExitCode::kSuccess));
}

}  // namespace logkv::tool
