#include "bench/report.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

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

using Json = nlohmann::ordered_json;

Json optional_number(const std::optional<double>& number) {
  return number.has_value() ? Json(*number) : Json(nullptr);
}

Json capabilities_json(const Capabilities& caps) {
  return Json{
      {"point_reads", caps.point_reads},
      {"listing", caps.listing},
      {"reopen", caps.reopen},
      {"native_increment", caps.native_increment},
      {"in_memory_index", caps.in_memory_index},
      {"batched_writes", caps.batched_writes},
      {"writes_serialised_by_adapter", caps.writes_serialised_by_adapter},
      {"reads_serialised_by_adapter", caps.reads_serialised_by_adapter},
  };
}

Json row_json(const Row& row) {
  Json json = {
      {"workload", row.workload},
      {"group", row.group},
      {"variant", row.variant},
      {"engine", row.engine},
      {"status", row_status_name(row.status)},
      {"note", row.note},
  };
  if (row.status != RowStatus::kOk) return json;
  json["primary"] = Json{
      {"name", row.primary_name},
      {"unit", row.primary_unit},
      {"value", row.primary},
      {"higher_is_better", row.higher_is_better},
  };
  json["ratio_logkv_to_engine"] = optional_number(row.ratio);
  json["ops_per_sec"] = optional_number(row.ops_per_sec);
  json["p50_us"] = optional_number(row.p50_us);
  json["p99_us"] = optional_number(row.p99_us);
  json["ops"] = row.ops;
  json["seconds"] = row.seconds;
  Json figures = Json::object();
  for (const Figure& figure : row.figures) {
    figures[figure.name] = Json{{"value", figure.value}, {"unit", figure.unit}};
  }
  json["figures"] = std::move(figures);
  Json series = Json::array();
  for (const Sample& sample : row.series) {
    series.push_back(Json{
        {"seconds", sample.seconds},
        {"ops", sample.ops},
        {"disk_bytes", sample.disk_bytes},
        {"live_bytes", sample.live_bytes},
    });
  }
  json["series"] = std::move(series);
  return json;
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
  const MachineInfo& machine = report.machine;
  Json json = {
      {"schema", "logkv-bench/1"},
      {"mode", report.config->quick ? "quick" : "full"},
      {"command", report.config->command_line},
      {"started_at", report.started_at},
      {"seed", report.config->seed},
      {"machine",
       {
           {"cpu_model", machine.cpu_model},
           {"cpus", machine.cpus},
           {"memory_bytes", machine.memory_bytes},
           {"kernel", machine.kernel},
           {"dir", machine.dir},
           {"fs_type", machine.fs_type},
           {"fs_device", machine.fs_device},
           {"load_average_start", machine.load_average_start},
           {"load_average_end", machine.load_average_end},
       }},
  };
  Json engines = Json::array();
  for (const EngineInfo& engine : report.engines) {
    engines.push_back(Json{
        {"name", engine.name},
        {"settings", engine.settings},
        {"version", engine.version},
        {"io_backend", engine.io_backend},
        {"capabilities", capabilities_json(engine.capabilities)},
    });
  }
  json["engines"] = std::move(engines);
  Json workloads = Json::array();
  for (const WorkloadDescription& workload : report.workloads) {
    workloads.push_back(Json{
        {"name", workload.name},
        {"group", workload.group},
        {"description", workload.description},
    });
  }
  json["workloads"] = std::move(workloads);
  Json rows = Json::array();
  for (const Row& row : report.rows) rows.push_back(row_json(row));
  json["rows"] = std::move(rows);
  json["check"] = Json{{"ran", report.checked}, {"problems", report.check_problems}};

  // Non-finite figures become null (JSON has no NaN); text from the machine (a CPU model, a
  // device name) that is not UTF-8 is written with U+FFFD rather than failing the whole run.
  const std::string text = json.dump(2, ' ', false, Json::error_handler_t::replace);
  std::ofstream file(path, std::ios::trunc);
  file << text << "\n";
  file.close();
  if (!file) {
    return Status::io_error("cannot write the JSON report to '" + path +
                            "'; check that its folder exists and is writable");
  }
  return Status::ok();
}

}  // namespace logkv::bench
