// The measuring half of the index-memory workload, run in a child process (see index_memory.h).
#include <charconv>
#include <cstdio>
#include <fstream>
#include <string>

#include "bench/bench_data.h"
#include "bench/engine_registry.h"
#include "bench/workloads/index_memory.h"
#include "bench/workloads/workload_support.h"

namespace logkv::bench {
namespace {

constexpr size_t kValueBytes = 100;

struct MemoryReading {
  uint64_t resident_bytes = 0;   // VmRSS: every resident page, file-backed ones included
  uint64_t anonymous_bytes = 0;  // RssAnon: resident heap and stack, where an index lives
};

Result<MemoryReading> read_memory() {
  std::ifstream status_file("/proc/self/status");
  if (!status_file) return Status::io_error("cannot read /proc/self/status (Linux only)");
  MemoryReading reading;
  int found = 0;
  std::string line;
  while (std::getline(status_file, line)) {
    uint64_t* target = nullptr;
    if (line.rfind("VmRSS:", 0) == 0) target = &reading.resident_bytes;
    if (line.rfind("RssAnon:", 0) == 0) target = &reading.anonymous_bytes;
    if (target == nullptr) continue;
    const size_t digits = line.find_first_of("0123456789");
    uint64_t kib = 0;
    if (digits == std::string::npos ||
        std::from_chars(line.data() + digits, line.data() + line.size(), kib).ec != std::errc()) {
      return Status::corruption("unexpected line in /proc/self/status: " + line);
    }
    *target = kib * 1024;
    ++found;
  }
  if (found != 2) return Status::corruption("/proc/self/status lacks VmRSS or RssAnon");
  return reading;
}

Result<uint64_t> parse_number(const std::string& text, std::string_view what) {
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return Status::invalid_argument(std::string(what) + " must be a number, got '" + text + "'");
  }
  return value;
}

Status measure(const std::vector<std::string>& args) {
  if (args.size() != 6 || (args[1] != "load" && args[1] != "open")) {
    return Status::invalid_argument(
        "usage: logkv-bench --index-memory-child load|open ENGINE DIR KEYS SEED");
  }
  const bool load = args[1] == "load";
  Result<uint64_t> count = parse_number(args[4], "KEYS");
  if (!count.is_ok()) return count.status();
  Result<uint64_t> seed = parse_number(args[5], "SEED");
  if (!seed.is_ok()) return seed.status();
  const EngineFactory* engine = nullptr;
  const std::vector<EngineFactory> engines = available_engines();
  for (const EngineFactory& candidate : engines) {
    if (candidate.name == args[2]) engine = &candidate;
  }
  if (engine == nullptr) return Status::invalid_argument("unknown engine '" + args[2] + "'");

  // Everything the measurement needs is allocated before the first reading.
  const ValuePool values(*seed, kValueBytes);
  std::unique_ptr<EngineAdapter> adapter = engine->make();
  OpenParams params;
  params.dir = args[3];
  params.durable = !load;  // loading is untimed and need not survive a crash
  params.keys_max = *count;
  params.value_bytes_max = kValueBytes;
  std::string key;
  key.reserve(kKeyBytes);

  Result<MemoryReading> before = read_memory();
  if (!before.is_ok()) return before.status();
  LOGKV_RETURN_IF_ERROR(adapter->open(params));
  if (load) {
    LOGKV_RETURN_IF_ERROR(adapter->bulk_load(
        *count, [&](uint64_t i, std::string_view& key_out, std::string_view& value_out) {
          key = key_for(i);
          key_out = key;
          value_out = values.value(i, kValueBytes);
        }));
  } else {
    key = key_for(*count / 2);
    LOGKV_RETURN_IF_ERROR(expect_value(adapter->get(key), key, kValueBytes));
  }
  Result<MemoryReading> after = read_memory();
  if (!after.is_ok()) return after.status();
  const std::optional<EngineStats> stats = adapter->stats();
  LOGKV_RETURN_IF_ERROR(adapter->close());

  std::printf("keys=%llu rss_before=%llu rss_after=%llu anon_before=%llu anon_after=%llu",
              static_cast<unsigned long long>(*count),
              static_cast<unsigned long long>(before->resident_bytes),
              static_cast<unsigned long long>(after->resident_bytes),
              static_cast<unsigned long long>(before->anonymous_bytes),
              static_cast<unsigned long long>(after->anonymous_bytes));
  if (stats.has_value()) {
    std::printf(" index_bytes=%llu", static_cast<unsigned long long>(stats->index_bytes));
  }
  std::printf("\n");
  return Status::ok();
}

}  // namespace

int index_memory_child_main(const std::vector<std::string>& args) {
  if (Status status = measure(args); !status.is_ok()) {
    std::fprintf(stderr, "logkv-bench index-memory child: %s\n", status.to_string().c_str());
    return 1;
  }
  return 0;
}

}  // namespace logkv::bench
