// ProgressBar: one self-rewriting line on stderr for long work (check, repair, dump, load,
// backup, compact, import, copy): how far, how fast, how long still to go.
//
// It draws only when stderr is a terminal (ProgressBar::for_stderr decides), so that scripts and
// logs see nothing but the command's own output. Redraws at most ten times a second, so calling
// advance() per record costs a clock read, not a write. finish() (or the destructor) erases the
// line, leaving the terminal as it was before the work began.
//
// Thread-safety: one thread at a time.
#ifndef LOGKV_TOOLS_PROGRESS_BAR_H_
#define LOGKV_TOOLS_PROGRESS_BAR_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

namespace logkv::tool {

enum class ProgressUnit { kBytes, kItems };

// The line drawn for `done` of `total` units (total 0: unknown, no bar and no ETA) after
// `elapsed_seconds`, e.g. "check [##########----------]  50%  12.3 MB/s  ETA 0:07". Pure, for
// tests.
std::string format_progress(std::string_view label, uint64_t done, uint64_t total,
                            ProgressUnit unit, double elapsed_seconds);

class ProgressBar {
 public:
  // A bar on `err` when `enabled`, else one that draws nothing.
  ProgressBar(std::ostream& err, bool enabled, std::string label, uint64_t total,
              ProgressUnit unit);
  // A bar on std::cerr, enabled when stderr is a terminal.
  static ProgressBar for_stderr(std::string label, uint64_t total, ProgressUnit unit);
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  ProgressBar(ProgressBar&&) = default;
  ~ProgressBar();

  // Counts `amount` more units done.
  void advance(uint64_t amount);
  // Sets the count of units done (for work that knows its position, such as an offset).
  void set_done(uint64_t done);
  // The total, when it is learned late (0: unknown).
  void set_total(uint64_t total);
  // A progress callback of the library's options (CheckOptions::progress and the like) that
  // sets this bar's done and total; it refers to this bar, which must outlive its calls.
  std::function<void(uint64_t done, uint64_t total)> callback();
  // Erases the line; later calls draw nothing.
  void finish();

 private:
  void draw_if_due();

  std::ostream* err_;
  bool enabled_;
  std::string label_;
  uint64_t total_;
  uint64_t done_ = 0;
  ProgressUnit unit_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  size_t drawn_width_ = 0;
};

}  // namespace logkv::tool

#endif  // LOGKV_TOOLS_PROGRESS_BAR_H_
