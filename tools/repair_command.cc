#include "tools/repair_command.h"

#include <ostream>

#include "logkv/check.h"
#include "logkv/repair.h"
#include "tools/check_command.h"
#include "tools/progress_bar.h"

namespace logkv::tool {

ExitCode run_repair(const StoreSelection& selection, bool dry_run, CommandIo& io) {
  Result<std::string> folder = selected_store_folder(selection);
  if (!folder.is_ok()) return report(io, "repair", folder.status());
  RepairOptions options;
  options.dry_run = dry_run;
  ProgressBar progress =
      ProgressBar::for_stderr(dry_run ? "repair --dry-run" : "repair", 0, ProgressUnit::kBytes);
  options.progress = progress.callback();
  Result<RepairReport> repaired = repair_store(*folder, options);
  progress.finish();
  if (!repaired.is_ok()) return report(io, "repair", repaired.status());
  if (repaired->actions.empty()) {
    io.out << "nothing to repair\n";
    return finish_output(io, ExitCode::kSuccess);
  }
  const char* prefix = dry_run ? "would " : "";
  for (const std::string& action : repaired->actions) io.out << prefix << action << '\n';
  for (const RepairReport::DroppedRange& range : repaired->dropped) {
    if (range.keys_known) continue;
    io.out << range.file << " bytes " << range.start << " to " << range.end
           << ": the keys of these records cannot be read; a key whose newest version was here "
              "now serves an older one, or none\n";
  }
  for (const RepairReport::LostKey& lost : repaired->lost_keys) {
    io.out << "lost: key " << lost.key << " (newest version at offset " << lost.offset << " of "
           << lost.file << "); now " << lost.now << '\n';
  }
  if (dry_run) {
    io.out << "dry run: nothing was changed\n";
    return finish_output(io, ExitCode::kSuccess);
  }
  io.out << "originals kept in " << repaired->lost_and_found << '\n';
  Result<CheckReport> checked = check_store(*folder);
  if (!checked.is_ok()) return report(io, "check after repair", checked.status());
  if (checked->ok()) {
    io.out << "check: ok\n";
    return finish_output(io, ExitCode::kSuccess);
  }
  for (const CheckProblem& problem : checked->problems) {
    io.out << "still wrong: " << problem.file << " offset " << problem.offset << ": "
           << problem.what << '\n';
  }
  return finish_output(io, ExitCode::kNotFoundOrFalse);
}

}  // namespace logkv::tool
