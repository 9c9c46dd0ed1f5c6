#include "tools/backup_command.h"

#include <ostream>

#include "logkv/backup.h"
#include "tools/check_command.h"
#include "tools/progress_bar.h"

namespace logkv::tool {

ExitCode run_backup(const StoreSelection& selection, const std::string& dest, CommandIo& io) {
  Result<std::string> folder = selected_store_folder(selection);
  if (!folder.is_ok()) return report(io, "backup", folder.status());
  ProgressBar progress = ProgressBar::for_stderr("backup", 0, ProgressUnit::kBytes);
  BackupOptions options;
  options.progress = progress.callback();
  Result<BackupReport> backup = backup_store(*folder, dest, options);
  progress.finish();
  if (!backup.is_ok()) return report(io, "backup", backup.status());
  io.out << "segments: " << backup->segments << '\n'
         << "hint_files: " << backup->hint_files << '\n'
         << "bytes_linked: " << backup->bytes_linked << '\n'
         << "bytes_copied: " << backup->bytes_copied << '\n'
         << "last_sequence: " << backup->last_sequence << '\n';
  return finish_output(io, ExitCode::kSuccess);
}

}  // namespace logkv::tool
