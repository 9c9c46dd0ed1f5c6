#include "bench/report.h"

#include <cmath>
#include <fstream>
#include <string>

#include "bench/json_writer.h"

namespace logkv::bench {
namespace {

std::string with_thousands(uint64_t whole) {
  const std::string digits = std::to_string(whole);
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped.push_back(',');
    grouped.push_back(digits[i]);
  }
  return grouped;
}

// Three significant digits for small numbers, whole numbers with separators for large ones.
std::string format_number(double value) {
  if (!std::isfinite(value)) return "?";
  if (std::fabs(value) >= 100) return with_thousands(static_cast<uint64_t>(std::llround(value)));
  char text[32];
  std::snprintf(text, sizeof(text), std::fabs(value) >= 10 ? "%.1f" : "%.2f", value);
  return text;
}

std::string format_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (std::fabs(bytes) >= 1024 && unit < 4) {
    bytes /= 1024;
    ++unit;
  }
  return format_number(bytes) + " " + units[unit];
}

std::string format_figure(double value, const std::string& unit) {
  if (unit == "B") return format_bytes(value);
  if (unit == "x") return format_number(value) + "x";
  return format_number(value) + " " + unit;
}

bool is_rate_unit(const std::string& unit) { return unit == "ops/s" || unit == "listings/s"; }

void print_row(const Row& row, std::FILE* out) {
  std::string rate = "-";
  std::string p50 = "-";
  std::string p99 = "-";
  std::string figure = "-";
  std::string ratio = "-";
  std::string detail;
  if (row.status == RowStatus::kOk) {
    if (row.ops_per_sec.has_value()) rate = format_number(*row.ops_per_sec);
    if (row.p50_us.has_value()) p50 = format_number(*row.p50_us);
    if (row.p99_us.has_value()) p99 = format_number(*row.p99_us);
    if (!is_rate_unit(row.primary_unit)) figure = format_figure(row.primary, row.primary_unit);
    if (row.ratio.has_value() && row.engine != "logkv") ratio = format_number(*row.ratio) + "x";
    for (const Figure& extra : row.figures) {
      if (!detail.empty()) detail += ", ";
      detail += extra.name + "=" + format_figure(extra.value, extra.unit);
    }
  } else {
    rate = std::string(row_status_name(row.status));
  }
  if (!row.note.empty()) detail += (detail.empty() ? "" : "; ") + row.note;
  std::fprintf(out, "  %-12s %13s %10s %10s %14s %9s  %s\n", row.engine.c_str(), rate.c_str(),
               p50.c_str(), p99.c_str(), figure.c_str(), ratio.c_str(), detail.c_str());
}

void write_capabilities(JsonWriter& json, const Capabilities& caps) {
  json.begin_object();
  json.field("point_reads", caps.point_reads);
  json.field("listing", caps.listing);
  json.field("reopen", caps.reopen);
  json.field("native_increment", caps.native_increment);
  json.field("in_memory_index", caps.in_memory_index);
  json.field("writes_serialised_by_adapter", caps.writes_serialised_by_adapter);
  json.field("reads_serialised_by_adapter", caps.reads_serialised_by_adapter);
  json.end_object();
}

void write_row(JsonWriter& json, const Row& row) {
  json.begin_object();
  json.field("workload", row.workload);
  json.field("group", row.group);
  json.field("variant", row.variant);
  json.field("engine", row.engine);
  json.field("status", row_status_name(row.status));
  json.field("note", row.note);
  if (row.status == RowStatus::kOk) {
    json.key("primary");
    json.begin_object();
    json.field("name", row.primary_name);
    json.field("unit", row.primary_unit);
    json.field("value", row.primary);
    json.field("higher_is_better", row.higher_is_better);
    json.end_object();
    json.field("ratio_logkv_to_engine", row.ratio);
    json.field("ops_per_sec", row.ops_per_sec);
    json.field("p50_us", row.p50_us);
    json.field("p99_us", row.p99_us);
    json.field("ops", row.ops);
    json.field("seconds", row.seconds);
    json.key("figures");
    json.begin_object();
    for (const Figure& figure : row.figures) {
      json.key(figure.name);
      json.begin_object();
      json.field("value", figure.value);
      json.field("unit", figure.unit);
      json.end_object();
    }
    json.end_object();
    json.key("series");
    json.begin_array();
    for (const Sample& sample : row.series) {
      json.begin_object();
      json.field("seconds", sample.seconds);
      json.field("ops", sample.ops);
      json.field("disk_bytes", sample.disk_bytes);
      json.field("live_bytes", sample.live_bytes);
      json.end_object();
    }
    json.end_array();
  }
  json.end_object();
}

}  // namespace

void print_header(const RunReport& report, std::FILE* out) {
  const MachineInfo& machine = report.machine;
  std::fprintf(out, "logkv-bench (%s mode), started %s, seed=%llu\n",
               report.config->quick ? "quick" : "full", report.started_at.c_str(),
               static_cast<unsigned long long>(report.config->seed));
  std::fprintf(out, "machine: %s, %u CPUs, %s RAM, %s\n", machine.cpu_model.c_str(), machine.cpus,
               format_bytes(static_cast<double>(machine.memory_bytes)).c_str(),
               machine.kernel.c_str());
  std::fprintf(out, "stores under %s (%s on %s); load average %.2f\n", machine.dir.c_str(),
               machine.fs_type.c_str(), machine.fs_device.c_str(), machine.load_average_start);
  std::fprintf(out, "engines:\n");
  for (const EngineInfo& engine : report.engines) {
    std::fprintf(out, "  %-12s %s%s%s%s%s\n", engine.name.c_str(), engine.settings.c_str(),
                 engine.version.empty() ? "" : "; version ", engine.version.c_str(),
                 engine.io_backend.empty() ? "" : "; I/O backend ", engine.io_backend.c_str());
  }
  std::fflush(out);
}

void print_table(const RunReport& report, std::FILE* out) {
  std::fprintf(out,
               "\nratio = logkv's figure / the engine's (for ops/s above 1 means logkv is "
               "faster; for times and sizes below 1 means logkv is faster or smaller)\n");
  for (const WorkloadDescription& workload : report.workloads) {
    std::fprintf(out, "\n== %s: %s\n", workload.name.c_str(), workload.description.c_str());
    std::vector<std::string> variants;
    for (const Row& row : report.rows) {
      if (row.workload != workload.name) continue;
      bool seen = false;
      for (const std::string& variant : variants) seen = seen || variant == row.variant;
      if (!seen) variants.push_back(row.variant);
    }
    for (const std::string& variant : variants) {
      std::fprintf(out, "-- %s\n", variant.c_str());
      std::fprintf(out, "  %-12s %13s %10s %10s %14s %9s  %s\n", "engine", "ops/s", "p50 us",
                   "p99 us", "figure", "ratio", "details");
      for (const Row& row : report.rows) {
        if (row.workload == workload.name && row.variant == variant) print_row(row, out);
      }
    }
  }
  std::fprintf(out, "\nload average at start %.2f, at end %.2f (%u CPUs)\n",
               report.machine.load_average_start, report.machine.load_average_end,
               report.machine.cpus);
  for (const EngineInfo& engine : report.engines) {
    if (engine.io_backend.empty()) continue;
    std::fprintf(out, "%s ran on the %s I/O backend\n", engine.name.c_str(),
                 engine.io_backend.c_str());
  }
  if (report.checked) {
    if (report.check_problems.empty()) {
      std::fprintf(out,
                   "\nquick self-check: every variant an engine can measure has a measured row, "
                   "figures sane\n");
    } else {
      std::fprintf(out, "\nquick self-check FAILED (%zu problems):\n",
                   report.check_problems.size());
      for (const std::string& problem : report.check_problems) {
        std::fprintf(out, "  %s\n", problem.c_str());
      }
    }
  }
  std::fflush(out);
}

Status write_json(const RunReport& report, const std::string& path) {
  JsonWriter json;
  json.begin_object();
  json.field("schema", "logkv-bench/1");
  json.field("mode", report.config->quick ? "quick" : "full");
  json.field("command", report.config->command_line);
  json.field("started_at", report.started_at);
  json.field("seed", report.config->seed);

  const MachineInfo& machine = report.machine;
  json.key("machine");
  json.begin_object();
  json.field("cpu_model", machine.cpu_model);
  json.field("cpus", static_cast<uint64_t>(machine.cpus));
  json.field("memory_bytes", machine.memory_bytes);
  json.field("kernel", machine.kernel);
  json.field("dir", machine.dir);
  json.field("fs_type", machine.fs_type);
  json.field("fs_device", machine.fs_device);
  json.field("load_average_start", machine.load_average_start);
  json.field("load_average_end", machine.load_average_end);
  json.end_object();

  json.key("engines");
  json.begin_array();
  for (const EngineInfo& engine : report.engines) {
    json.begin_object();
    json.field("name", engine.name);
    json.field("settings", engine.settings);
    json.field("version", engine.version);
    json.field("io_backend", engine.io_backend);
    json.key("capabilities");
    write_capabilities(json, engine.capabilities);
    json.end_object();
  }
  json.end_array();

  json.key("workloads");
  json.begin_array();
  for (const WorkloadDescription& workload : report.workloads) {
    json.begin_object();
    json.field("name", workload.name);
    json.field("group", workload.group);
    json.field("description", workload.description);
    json.end_object();
  }
  json.end_array();

  json.key("rows");
  json.begin_array();
  for (const Row& row : report.rows) write_row(json, row);
  json.end_array();

  json.key("check");
  json.begin_object();
  json.field("ran", report.checked);
  json.key("problems");
  json.begin_array();
  for (const std::string& problem : report.check_problems) json.value(problem);
  json.end_array();
  json.end_object();
  json.end_object();

  std::ofstream file(path, std::ios::trunc);
  file << json.text() << "\n";
  file.close();
  if (!file) {
    return Status::io_error("cannot write the JSON report to '" + path +
                            "'; check that its folder exists and is writable");
  }
  return Status::ok();
}

}  // namespace logkv::bench
