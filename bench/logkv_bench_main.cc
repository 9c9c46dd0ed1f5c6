// logkv-bench: Spin-shaped workloads against logkv and its peers, in one run, on one file
// system. See docs/BENCHMARKS.md for what each workload does and how to read the output.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/bench_config.h"
#include "bench/engine_registry.h"
#include "bench/report.h"
#include "bench/result_checks.h"
#include "bench/workloads/index_memory.h"
#include "bench/workloads/workload.h"

namespace logkv::bench {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

template <typename T, typename NameOf>
Result<std::vector<T>> select(std::vector<T> all, const std::vector<std::string>& wanted,
                              std::string_view kind, NameOf name_of) {
  if (wanted.empty()) return all;
  std::vector<T> selected;
  for (const std::string& name : wanted) {
    auto it =
        std::find_if(all.begin(), all.end(), [&](const T& item) { return name_of(item) == name; });
    if (it == all.end()) {
      std::string known;
      for (const T& item : all) known += (known.empty() ? "" : ", ") + std::string(name_of(item));
      return Status::invalid_argument("unknown or unavailable " + std::string(kind) + " '" + name +
                                      "'; this build has: " + known);
    }
    selected.push_back(std::move(*it));
    all.erase(it);
  }
  return selected;
}

// Fills EngineInfo::io_backend of every engine: what it decides only at open, on the file
// system the run measures, so the header can say it before anything is timed. A failed open
// leaves it empty; the workloads then report the engine's error in their rows.
void learn_open_facts(const std::vector<EngineFactory>& engines, ScratchSpace& scratch,
                      std::vector<EngineInfo>& infos) {
  for (size_t i = 0; i < engines.size() && i < infos.size(); ++i) {
    Result<ScratchDir> dir = scratch.fresh("probe-" + engines[i].name);
    if (!dir.is_ok()) return;
    std::unique_ptr<EngineAdapter> adapter = engines[i].make();
    OpenParams params;
    params.dir = dir->path();
    if (!adapter->open(params).is_ok()) continue;
    if (std::optional<EngineStats> stats = adapter->stats(); stats.has_value()) {
      infos[i].io_backend = stats->io_backend;
    }
    (void)adapter->close();
  }
}

std::string join(const std::vector<std::string>& names) {
  std::string joined;
  for (const std::string& name : names) joined += (joined.empty() ? "" : ", ") + name;
  return joined;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm parts;
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

std::string self_path() {
  char path[PATH_MAX];
  const ssize_t length = ::readlink("/proc/self/exe", path, sizeof(path) - 1);
  return length > 0 ? std::string(path, static_cast<size_t>(length)) : std::string();
}

// Runs `workload` against every engine, in rounds when the workload asks for them: round r
// starts with engine r (mod the count), so that each engine meets the machine's quiet and busy
// spells alike. Returns each engine's rows, the median round of each variant.
std::vector<Row> run_workload(Workload& workload, const std::vector<EngineFactory>& engines,
                              WorkloadContext& context) {
  const int rounds = workload.measured_in_rounds() ? context.config.sizes.rounds : 1;
  std::vector<std::vector<std::vector<Row>>> rounds_by_engine(engines.size());
  for (int round = 0; round < rounds; ++round) {
    for (size_t i = 0; i < engines.size(); ++i) {
      const size_t e = (i + static_cast<size_t>(round)) % engines.size();
      std::fprintf(stderr, "[%s] %s, round %d/%d ...", std::string(workload.name()).c_str(),
                   engines[e].name.c_str(), round + 1, rounds);
      std::fflush(stderr);
      const auto start = std::chrono::steady_clock::now();
      rounds_by_engine[e].push_back(workload.run(engines[e], context));
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::fprintf(stderr, " %.1f s\n", seconds);
    }
  }
  std::vector<Row> rows;
  for (std::vector<std::vector<Row>>& engine_rounds : rounds_by_engine) {
    for (const Row& first : engine_rounds.front()) {
      std::vector<Row> variant_rounds;
      for (std::vector<Row>& round_rows : engine_rounds) {
        for (Row& row : round_rows) {
          if (row.variant == first.variant) variant_rounds.push_back(row);
        }
      }
      rows.push_back(median_of_rounds(std::move(variant_rounds)));
    }
  }
  return rows;
}

int run(const std::vector<std::string>& args) {
  Result<BenchConfig> parsed = parse_flags(args);
  if (!parsed.is_ok()) {
    std::fprintf(stderr, "logkv-bench: %s\n%s", parsed.status().message().c_str(),
                 usage_text().c_str());
    return kExitUsage;
  }
  const BenchConfig& config = *parsed;
  if (config.help) {
    std::printf("%s", usage_text().c_str());
    return kExitOk;
  }
  Result<std::vector<EngineFactory>> engines =
      select(available_engines(), config.engines, "engine",
             [](const EngineFactory& engine) -> std::string_view { return engine.name; });
  Result<std::vector<std::unique_ptr<Workload>>> workloads =
      select(all_workloads(), config.workloads, "workload",
             [](const std::unique_ptr<Workload>& workload) { return workload->name(); });
  for (const Status* status : {&engines.status(), &workloads.status()}) {
    if (!status->is_ok()) {
      std::fprintf(stderr, "logkv-bench: %s\n", status->message().c_str());
      return kExitUsage;
    }
  }
  std::vector<std::string> built_in;
  for (const EngineFactory& engine : available_engines()) built_in.push_back(engine.name);
  if (const std::vector<std::string> absent = missing_engines(config.required_engines, built_in);
      !absent.empty()) {
    std::fprintf(stderr,
                 "logkv-bench: --require-engines names %s, which this build lacks (this build "
                 "has: %s). Install the engine's library (scripts/install_deps.sh) and "
                 "reconfigure the build (meson setup --reconfigure BUILD_DIR)\n",
                 join(absent).c_str(), join(built_in).c_str());
    return kExitFailed;
  }
  std::vector<std::string> selected;
  for (const EngineFactory& engine : *engines) selected.push_back(engine.name);
  if (const std::vector<std::string> absent = missing_engines(config.required_engines, selected);
      !absent.empty()) {
    std::fprintf(stderr, "logkv-bench: --require-engines names %s, which --engines leaves out\n",
                 join(absent).c_str());
    return kExitUsage;
  }

  RunReport report;
  report.config = &config;
  report.started_at = utc_now();
  for (const EngineFactory& engine : *engines) report.engines.push_back(engine.make()->info());
  std::vector<Workload*> selected_workloads;
  for (const std::unique_ptr<Workload>& workload : *workloads) {
    selected_workloads.push_back(workload.get());
    report.workloads.push_back({std::string(workload->name()), std::string(workload->group()),
                                std::string(workload->description())});
  }
  if (config.list_only) {
    std::printf("workloads:\n");
    for (const WorkloadDescription& w : report.workloads) {
      std::printf("  %-16s %s\n", w.name.c_str(), w.description.c_str());
    }
    std::printf("engines:\n");
    for (const EngineInfo& e : report.engines) {
      std::printf("  %-16s %s\n", e.name.c_str(), e.settings.c_str());
    }
    return kExitOk;
  }

  Result<ScratchSpace> scratch = ScratchSpace::create(config.dir);
  if (!scratch.is_ok()) {
    std::fprintf(stderr, "logkv-bench: %s\n", scratch.status().message().c_str());
    return kExitFailed;
  }
  report.machine = describe_machine(config.dir);
  learn_open_facts(*engines, *scratch, report.engines);
  print_header(report, stdout);
  std::printf("seed=%llu (replay with --seed or LOGKV_TEST_SEED)\n",
              static_cast<unsigned long long>(config.seed));

  const ValuePool values(config.seed,
                         std::max(config.sizes.large_value_bytes, config.sizes.value_bytes));
  WorkloadContext context{config, *scratch, values, self_path()};
  for (Workload* workload : selected_workloads) {
    for (Row& row : run_workload(*workload, *engines, context)) {
      report.rows.push_back(std::move(row));
    }
  }

  report.machine.load_average_end = load_average();
  compute_ratios(report.rows);
  if (config.quick) {
    report.checked = true;
    report.check_problems =
        check_results(report.rows, selected_workloads, report.engines, config.sizes);
  }
  print_table(report, stdout);
  if (!config.json_path.empty()) {
    if (Status status = write_json(report, config.json_path); !status.is_ok()) {
      std::fprintf(stderr, "logkv-bench: %s\n", status.message().c_str());
      return kExitFailed;
    }
    std::printf("\nwrote %s\n", config.json_path.c_str());
  }
  const bool any_failed = std::any_of(report.rows.begin(), report.rows.end(), [](const Row& row) {
    return row.status == RowStatus::kFailed;
  });
  return any_failed || !report.check_problems.empty() ? kExitFailed : kExitOk;
}

}  // namespace
}  // namespace logkv::bench

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == logkv::bench::kIndexMemoryChildFlag) {
    return logkv::bench::index_memory_child_main(args);
  }
  return logkv::bench::run(args);
}
