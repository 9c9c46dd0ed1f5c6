#include "bench/results.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

namespace logkv::bench {

std::string_view row_status_name(RowStatus status) {
  switch (status) {
    case RowStatus::kOk:
      return "ok";
    case RowStatus::kNotApplicable:
      return "n/a";
    case RowStatus::kFailed:
      return "failed";
  }
  return "unknown";
}

Row make_row(std::string_view workload, std::string_view group, std::string_view variant,
             std::string_view engine) {
  Row row;
  row.workload = workload;
  row.group = group;
  row.variant = variant;
  row.engine = engine;
  return row;
}

Row not_applicable_row(std::string_view workload, std::string_view group, std::string_view variant,
                       std::string_view engine, std::string reason) {
  Row row = make_row(workload, group, variant, engine);
  row.status = RowStatus::kNotApplicable;
  row.note = std::move(reason);
  return row;
}

Row median_of_rounds(std::vector<Row> rounds) {
  for (Row& row : rounds) {
    if (row.status == RowStatus::kFailed) return std::move(row);
  }
  std::vector<Row> measured;
  for (Row& row : rounds) {
    if (row.status == RowStatus::kOk) measured.push_back(std::move(row));
  }
  if (measured.empty()) return std::move(rounds.front());
  std::sort(measured.begin(), measured.end(),
            [](const Row& a, const Row& b) { return a.primary < b.primary; });
  const double smallest = measured.front().primary;
  const double largest = measured.back().primary;
  Row median = std::move(measured[(measured.size() - 1) / 2]);
  if (measured.size() > 1) {
    median.figures.push_back({"round_min", smallest, median.primary_unit});
    median.figures.push_back({"round_max", largest, median.primary_unit});
  }
  return median;
}

void compute_ratios(std::vector<Row>& rows) {
  std::map<std::pair<std::string, std::string>, double> logkv_primary;
  for (const Row& row : rows) {
    if (row.engine == "logkv" && row.status == RowStatus::kOk) {
      logkv_primary[{row.workload, row.variant}] = row.primary;
    }
  }
  for (Row& row : rows) {
    row.ratio.reset();
    if (row.status != RowStatus::kOk || row.primary == 0 || !std::isfinite(row.primary)) continue;
    auto it = logkv_primary.find({row.workload, row.variant});
    if (it != logkv_primary.end()) row.ratio = it->second / row.primary;
  }
}

}  // namespace logkv::bench
