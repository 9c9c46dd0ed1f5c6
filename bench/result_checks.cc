#include "bench/result_checks.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

namespace logkv::bench {
namespace {

std::string describe(const Row& row) {
  return row.workload + " / " + row.variant + " / " + row.engine;
}

bool positive(double value) { return std::isfinite(value) && value > 0; }

void check_ok_row(const Row& row, std::vector<std::string>& problems) {
  const std::string where = describe(row);
  if (!positive(row.primary)) {
    problems.push_back(where + ": " + row.primary_name + " is not a positive finite number");
  }
  if (row.ops == 0) problems.push_back(where + ": no operation completed");
  if (row.ops_per_sec.has_value() && !positive(*row.ops_per_sec)) {
    problems.push_back(where + ": ops/s is not a positive finite number");
  }
  if (row.p50_us.has_value() != row.p99_us.has_value()) {
    problems.push_back(where + ": has one latency percentile without the other");
  }
  if (row.p50_us.has_value() && row.p99_us.has_value()) {
    if (!std::isfinite(*row.p50_us) || !std::isfinite(*row.p99_us) || *row.p50_us < 0 ||
        *row.p50_us > *row.p99_us) {
      problems.push_back(where + ": latencies are not ordered 0 <= p50 <= p99");
    }
  }
  for (const Figure& figure : row.figures) {
    if (!std::isfinite(figure.value) || figure.value < 0) {
      problems.push_back(where + ": figure " + figure.name + " is not a finite number >= 0");
    }
  }
  for (size_t i = 1; i < row.series.size(); ++i) {
    if (row.series[i].ops < row.series[i - 1].ops ||
        row.series[i].seconds < row.series[i - 1].seconds) {
      problems.push_back(where + ": sampled series goes back in time");
      break;
    }
  }
}

}  // namespace

std::vector<std::string> check_results(const std::vector<Row>& rows,
                                       const std::vector<Workload*>& workloads,
                                       const std::vector<EngineInfo>& engines,
                                       const WorkloadSizes& sizes) {
  std::vector<std::string> problems;
  std::set<std::pair<std::string, std::string>> logkv_ok_variants;
  for (const Row& row : rows) {
    if (row.engine == "logkv" && row.status == RowStatus::kOk) {
      logkv_ok_variants.insert({row.workload, row.variant});
    }
  }
  for (const Row& row : rows) {
    switch (row.status) {
      case RowStatus::kFailed:
        problems.push_back(describe(row) + ": failed: " + row.note);
        break;
      case RowStatus::kNotApplicable:
        if (row.note.empty()) problems.push_back(describe(row) + ": n/a without a reason");
        break;
      case RowStatus::kOk:
        check_ok_row(row, problems);
        if (logkv_ok_variants.count({row.workload, row.variant}) != 0 &&
            !(row.ratio.has_value() && positive(*row.ratio))) {
          problems.push_back(describe(row) + ": no ratio to logkv's figure");
        }
        break;
    }
  }
  for (const Workload* workload : workloads) {
    for (const EngineInfo& engine : engines) {
      const std::string where = std::string(workload->name()) + " / " + engine.name;
      const bool any_row = std::any_of(rows.begin(), rows.end(), [&](const Row& row) {
        return row.workload == workload->name() && row.engine == engine.name;
      });
      if (!any_row) {
        problems.push_back(where + ": produced no row");
        continue;
      }
      const std::vector<std::string> variants = workload->measured_variants(sizes, engine);
      if (workload->applies_to(engine.capabilities) == variants.empty()) {
        problems.push_back(where + ": applies_to() and measured_variants() disagree; fix the " +
                           "workload so that both describe what run() measures");
      }
      for (const std::string& variant : variants) {
        const auto row = std::find_if(rows.begin(), rows.end(), [&](const Row& candidate) {
          return candidate.workload == workload->name() && candidate.variant == variant &&
                 candidate.engine == engine.name;
        });
        const std::string at =
            std::string(workload->name()) + " / " + variant + " / " + engine.name;
        if (row == rows.end()) {
          problems.push_back(at + ": no row, although the engine measures this variant");
        } else if (row->status == RowStatus::kNotApplicable) {
          problems.push_back(at + ": n/a (" + row->note +
                             "), although the engine measures this variant");
        }
      }
    }
  }
  return problems;
}

std::vector<std::string> missing_engines(const std::vector<std::string>& required,
                                         const std::vector<std::string>& available) {
  std::vector<std::string> missing;
  for (const std::string& name : required) {
    if (std::find(available.begin(), available.end(), name) == available.end()) {
      missing.push_back(name);
    }
  }
  return missing;
}

}  // namespace logkv::bench
