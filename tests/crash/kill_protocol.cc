#include "tests/crash/kill_protocol.h"

#include <charconv>

namespace logkv::crash {

Workload child_workload(uint64_t seed, uint32_t thread, uint32_t threads) {
  WorkloadShape shape;
  shape.key_prefix = thread_key_prefix(thread);
  if (threads > 1) shape.reopen_weight = 0;
  return Workload(mix_seed(seed, thread), shape);
}

namespace {

bool parse_number(std::string_view& text, uint64_t* value) {
  while (text.starts_with(' ')) text.remove_prefix(1);
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *value);
  if (error != std::errc()) return false;
  text.remove_prefix(static_cast<size_t>(end - text.data()));
  return true;
}

}  // namespace

ChildReport parse_child_output(std::string_view output, uint32_t threads) {
  ChildReport report;
  report.acknowledged.assign(threads, 0);
  while (true) {
    const size_t newline = output.find('\n');
    if (newline == std::string_view::npos) break;
    const std::string_view line = output.substr(0, newline);
    output.remove_prefix(newline + 1);
    if (line == "D") {
      report.done = true;
      continue;
    }
    std::string_view rest = line.substr(line.empty() ? 0 : 1);
    uint64_t thread = 0;
    uint64_t index = 0;
    const bool parsed = parse_number(rest, &thread) && parse_number(rest, &index);
    if (line.starts_with('A') && parsed && rest.empty() && thread < threads &&
        index == report.acknowledged[thread]) {
      report.acknowledged[thread] = index + 1;
      continue;
    }
    report.errors += std::string(line) + "\n";
  }
  return report;
}

std::string_view sync_mode_flag(SyncMode mode) {
  switch (mode) {
    case SyncMode::kAlways:
      return "always";
    case SyncMode::kNever:
      return "never";
    case SyncMode::kInterval:
      return "interval";
  }
  return "always";
}

}  // namespace logkv::crash
