#include "tools/kv_commands.h"

#include <array>
#include <cstdio>
#include <istream>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "logkv/key_text.h"
#include "logkv/store.h"
#include "tools/progress_bar.h"

namespace logkv::tool {
namespace {

// Reads all of `in`, but stops as soon as it holds more than `value_bytes_max` bytes: a value
// that cannot be stored is refused without buffering an unbounded stream.
Result<std::string> read_bounded_value(std::istream& in, size_t value_bytes_max) {
  std::string value;
  std::array<char, 64 * 1024> chunk;
  while (true) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto got = static_cast<size_t>(in.gcount());
    value.append(chunk.data(), got);
    if (value.size() > value_bytes_max) {
      return Status::limit_exceeded("the value on standard input is longer than value_bytes_max (" +
                                    std::to_string(value_bytes_max) +
                                    " bytes); store a smaller value or raise the limit");
    }
    if (got < chunk.size()) break;
  }
  if (in.bad()) {
    return Status::io_error("reading standard input failed after " + std::to_string(value.size()) +
                            " bytes; nothing was stored");
  }
  return value;
}

}  // namespace

ExitCode run_set(const StoreSelection& selection, std::string_view key,
                 const std::optional<std::string>& value, CommandIo& io) {
  std::string from_stdin;
  if (!value.has_value()) {
    // Read before opening, so the store's lock is not held while a slow pipe fills.
    Result<Limits> limits = selected_limits(selection);
    if (!limits.is_ok()) return report(io, describe("set", key), limits.status());
    Result<std::string> read = read_bounded_value(io.in, limits->value_bytes_max);
    if (!read.is_ok()) return report(io, describe("set", key), read.status());
    from_stdin = std::move(read).value();
  }
  Result<OpenStore> store = OpenStore::open(selection, IfMissing::kCreate);
  if (!store.is_ok()) return report(io, describe("set", key), store.status());
  Status status = (*store)->set(key, value.has_value() ? *value : from_stdin);
  if (!status.is_ok()) {
    return store->close(io, selection, report(io, describe("set", key), status));
  }
  return store->close(io, selection, ExitCode::kSuccess);
}

ExitCode run_get(const StoreSelection& selection, std::string_view key, CommandIo& io) {
  Result<OpenStore> store = OpenStore::open(selection, IfMissing::kFail, Access::kReadOnly);
  if (!store.is_ok()) return report(io, describe("get", key), store.status());
  Result<std::optional<std::string>> value = (*store)->get(key);
  if (!value.is_ok()) {
    return store->close(io, selection, report(io, describe("get", key), value.status()));
  }
  if (!value->has_value()) {
    io.err << "logkv: " << describe("get", key) << ": no such key\n";
    return store->close(io, selection, ExitCode::kNotFoundOrFalse);
  }
  const std::string& bytes = **value;
  io.out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return store->close(io, selection, finish_output(io, ExitCode::kSuccess));
}

ExitCode run_delete(const StoreSelection& selection, std::string_view key, CommandIo& io) {
  Result<OpenStore> store = OpenStore::open(selection, IfMissing::kFail);
  if (!store.is_ok()) return report(io, describe("delete", key), store.status());
  Status status = (*store)->del(key);
  if (!status.is_ok()) {
    return store->close(io, selection, report(io, describe("delete", key), status));
  }
  return store->close(io, selection, ExitCode::kSuccess);
}

ExitCode run_exists(const StoreSelection& selection, std::string_view key, CommandIo& io) {
  Result<OpenStore> store = OpenStore::open(selection, IfMissing::kFail, Access::kReadOnly);
  if (!store.is_ok()) return report(io, describe("exists", key), store.status());
  Result<bool> exists = (*store)->exists(key);
  if (!exists.is_ok()) {
    return store->close(io, selection, report(io, describe("exists", key), exists.status()));
  }
  io.out << (*exists ? "true\n" : "false\n");
  const ExitCode answer = *exists ? ExitCode::kSuccess : ExitCode::kNotFoundOrFalse;
  return store->close(io, selection, finish_output(io, answer));
}

ExitCode run_incr(const StoreSelection& selection, std::string_view key, int64_t delta,
                  CommandIo& io) {
  Result<OpenStore> store = OpenStore::open(selection, IfMissing::kCreate);
  if (!store.is_ok()) return report(io, describe("incr", key), store.status());
  Result<int64_t> value = (*store)->increment(key, delta);
  if (!value.is_ok()) {
    return store->close(io, selection, report(io, describe("incr", key), value.status()));
  }
  io.out << *value << '\n';
  return store->close(io, selection, finish_output(io, ExitCode::kSuccess));
}

ExitCode run_keys(const StoreSelection& selection, const KeysQuery& query, CommandIo& io) {
  // Without a limit every key is printed, fetched in pages of this many so that memory stays
  // bounded however large the store.
  constexpr size_t kAllKeysPageKeys = 1000;
  Result<OpenStore> store = OpenStore::open(selection, IfMissing::kFail, Access::kReadOnly);
  if (!store.is_ok()) return report(io, "keys", store.status());
  std::optional<std::string> cursor = query.cursor;
  while (true) {
    Result<KeyPage> page =
        (*store)->list_keys(cursor, query.limit.value_or(kAllKeysPageKeys), query.prefix);
    if (!page.is_ok()) return store->close(io, selection, report(io, "keys", page.status()));
    for (const std::string& key : page->keys) {
      io.out.write(key.data(), static_cast<std::streamsize>(key.size()));
      io.out.put('\n');
    }
    if (!page->cursor.has_value() || !io.out) break;
    if (query.limit.has_value()) {
      io.out << "cursor: " << *page->cursor << '\n';
      break;
    }
    cursor = std::move(page->cursor);
  }
  const ExitCode printed = finish_output(io, ExitCode::kSuccess);
  return store->close(io, selection, listing_result(io, selection, **store, printed));
}

ExitCode run_stats(const StoreSelection& selection, CommandIo& io) {
  Result<OpenStore> store = OpenStore::open(selection, IfMissing::kFail, Access::kReadOnly);
  if (!store.is_ok()) return report(io, "stats", store.status());
  const StoreStats stats = (*store)->stats();
  const std::pair<const char*, uint64_t> fields[] = {
      {"keys", stats.keys},
      {"segments", stats.segments},
      {"disk_bytes", stats.disk_bytes},
      {"live_bytes", stats.live_bytes},
      {"index_bytes", stats.index_bytes},
      {"last_sequence", stats.last_sequence},
      {"torn_bytes_dropped", stats.torn_bytes_dropped},
      {"dead_bytes", stats.dead_bytes},
      {"user_bytes_written", stats.user_bytes_written},
      {"compactions", stats.compactions},
      {"compaction_bytes_written", stats.compaction_bytes_written},
      {"hint_bytes_written", stats.hint_bytes_written},
      {"compaction_failures", stats.compaction_failures},
      {"write_stalls", stats.write_stalls},
      {"last_compaction_unix_ms", static_cast<uint64_t>(stats.last_compaction_unix_ms)},
      {"hint_files_loaded", stats.hint_files_loaded},
      {"hint_files_rejected", stats.hint_files_rejected},
      {"hint_file_bytes", stats.hint_file_bytes},
      {"damaged_keys", stats.damaged_keys},
  };
  for (const auto& [name, number] : fields) io.out << name << ": " << number << '\n';
  const double write_amplification = stats.user_bytes_written == 0
                                         ? 0.0
                                         : static_cast<double>(stats.compaction_bytes_written) /
                                               static_cast<double>(stats.user_bytes_written);
  char ratio[32];
  std::snprintf(ratio, sizeof(ratio), "%.3f", write_amplification);
  io.out << "compaction_write_amplification: " << ratio << '\n';
  io.out << "io_backend: " << stats.io_backend << '\n';
  if (!stats.last_compaction_error.empty()) {
    io.out << "last_compaction_error: " << stats.last_compaction_error << '\n';
  }
  return store->close(io, selection, finish_output(io, ExitCode::kSuccess));
}

ExitCode run_compact(const StoreSelection& selection, CommandIo& io) {
  Result<OpenStore> store = OpenStore::open(selection, IfMissing::kFail);
  if (!store.is_ok()) return report(io, "compact", store.status());
  const uint64_t disk_bytes_before = (*store)->stats().disk_bytes;
  ProgressBar progress = ProgressBar::for_stderr("compact", 0, ProgressUnit::kBytes);
  CompactOptions options;
  options.progress = progress.callback();
  const Status compacted = (*store)->compact(options);
  progress.finish();
  if (!compacted.is_ok()) {
    return store->close(io, selection, report(io, "compact", compacted));
  }
  const StoreStats after = (*store)->stats();
  io.out << "disk_bytes_before: " << disk_bytes_before << '\n'
         << "disk_bytes_after: " << after.disk_bytes << '\n'
         << "live_bytes: " << after.live_bytes << '\n';
  return store->close(io, selection, finish_output(io, ExitCode::kSuccess));
}

}  // namespace logkv::tool
