#include "tools/check_command.h"

#include <nlohmann/json.hpp>
#include <ostream>

#include "logkv/check.h"
#include "tools/progress_bar.h"

namespace logkv::tool {
namespace {

// Lists at most this many keys on a problem's line; --json lists them all.
constexpr size_t kKeysPrintedMax = 10;

void print_problem(std::ostream& out, const CheckProblem& problem) {
  out << problem.file << " offset " << problem.offset << ": " << problem.what;
  if (!problem.keys.empty()) {
    out << "; newest version lost for " << problem.keys.size() << " key(s): ";
    for (size_t i = 0; i < problem.keys.size() && i < kKeysPrintedMax; ++i) {
      out << (i == 0 ? "" : ", ") << problem.keys[i];
    }
    if (problem.keys.size() > kKeysPrintedMax) {
      out << " and " << problem.keys.size() - kKeysPrintedMax << " more (--json lists all)";
    }
  }
  out << '\n';
}

nlohmann::json to_json(const CheckReport& report, bool quick) {
  nlohmann::json problems = nlohmann::json::array();
  for (const CheckProblem& problem : report.problems) {
    problems.push_back({{"file", problem.file},
                        {"offset", problem.offset},
                        {"what", problem.what},
                        {"keys", problem.keys}});
  }
  return {{"ok", report.ok()},
          {"quick", quick},
          {"problems", std::move(problems)},
          {"summary",
           {{"segments", report.segments},
            {"hint_files", report.hint_files},
            {"records", report.records},
            {"live_keys", report.live_keys},
            {"live_bytes", report.live_bytes},
            {"dead_bytes", report.dead_bytes},
            {"segment_bytes", report.segment_bytes},
            {"segments_not_read", report.segments_not_read}}}};
}

}  // namespace

Result<std::string> selected_store_folder(const StoreSelection& selection) {
  if (!selection.path.empty()) return selection.path;
  Result<std::unique_ptr<Host>> host = open_host(selection);
  if (!host.is_ok()) return host.status();
  const StoreConfig* config = (*host)->store_config(selection.label);
  if (config == nullptr) {
    return Status::invalid_argument("--label '" + selection.label +
                                    "': no store of that label is configured");
  }
  if (config->path.empty()) {
    return Status::invalid_argument("store '" + selection.label +
                                    "' is kept in memory: there are no files to check");
  }
  return config->path;
}

ExitCode run_check(const StoreSelection& selection, const CheckRequest& request, CommandIo& io) {
  Result<std::string> folder = selected_store_folder(selection);
  if (!folder.is_ok()) return report(io, "check", folder.status());
  ProgressBar progress =
      ProgressBar::for_stderr(request.quick ? "check --quick" : "check", 0, ProgressUnit::kBytes);
  CheckOptions options;
  options.quick = request.quick;
  options.progress = progress.callback();
  Result<CheckReport> checked = check_store(*folder, options);
  progress.finish();
  if (!checked.is_ok()) return report(io, "check", checked.status());
  const CheckReport& result = *checked;
  const ExitCode code = result.ok() ? ExitCode::kSuccess : ExitCode::kNotFoundOrFalse;
  if (request.json) {
    io.out << to_json(result, request.quick)
                  .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
           << '\n';
    return finish_output(io, code);
  }
  if (result.ok()) {
    io.out << "ok\n";
    return finish_output(io, code);
  }
  for (const CheckProblem& problem : result.problems) print_problem(io.out, problem);
  io.out << "summary: " << result.segments << " segments, " << result.hint_files << " hint files, "
         << result.records << (request.quick ? " hint entries, " : " records, ") << result.live_keys
         << " live keys, " << result.live_bytes << " live bytes, " << result.dead_bytes
         << " dead bytes";
  if (result.segments_not_read > 0) {
    io.out << " (" << result.segments_not_read << " segments without a hint file not read)";
  }
  io.out << '\n'
         << result.problems.size()
         << " problem(s) found. Copy the store folder aside before changing anything; see \"When "
            "a store is damaged\" in docs/TOOL.md\n";
  return finish_output(io, code);
}

}  // namespace logkv::tool
