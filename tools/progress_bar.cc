#include "tools/progress_bar.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace logkv::tool {

namespace {

constexpr int kBarCells = 20;
constexpr auto kRedrawInterval = std::chrono::milliseconds(100);

// "12.3 MB/s" or "4.1k/s" (items): decimal prefixes, as disk and network rates are quoted.
std::string format_rate(double per_second, ProgressUnit unit) {
  const char* prefixes[] = {"", "k", "M", "G", "T"};
  int prefix = 0;
  while (per_second >= 1000 && prefix < 4) {
    per_second /= 1000;
    ++prefix;
  }
  char text[32];
  if (unit == ProgressUnit::kBytes) {
    std::snprintf(text, sizeof text, "%.1f %sB/s", per_second, prefixes[prefix]);
  } else {
    std::snprintf(text, sizeof text, "%.1f%s/s", per_second, prefixes[prefix]);
  }
  return text;
}

std::string format_duration(double seconds) {
  const auto whole = static_cast<uint64_t>(std::llround(std::max(seconds, 0.0)));
  char text[32];
  if (whole >= 3600) {
    std::snprintf(text, sizeof text, "%llu:%02llu:%02llu",
                  static_cast<unsigned long long>(whole / 3600),
                  static_cast<unsigned long long>(whole / 60 % 60),
                  static_cast<unsigned long long>(whole % 60));
  } else {
    std::snprintf(text, sizeof text, "%llu:%02llu", static_cast<unsigned long long>(whole / 60),
                  static_cast<unsigned long long>(whole % 60));
  }
  return text;
}

}  // namespace

std::string format_progress(std::string_view label, uint64_t done, uint64_t total,
                            ProgressUnit unit, double elapsed_seconds) {
  std::string line(label);
  const double rate = elapsed_seconds > 0 ? static_cast<double>(done) / elapsed_seconds : 0;
  if (total > 0) {
    const uint64_t shown = std::min(done, total);
    const auto cells = static_cast<int>(shown * kBarCells / total);
    line += " [" + std::string(cells, '#') + std::string(kBarCells - cells, '-') + "] ";
    char percent[8];
    std::snprintf(percent, sizeof percent, "%3d%%", static_cast<int>(shown * 100 / total));
    line += percent;
  } else {
    line += " " + std::to_string(done) + (unit == ProgressUnit::kBytes ? " bytes" : "");
  }
  if (elapsed_seconds > 0) line += "  " + format_rate(rate, unit);
  if (total > 0 && rate > 0 && done < total) {
    line += "  ETA " + format_duration(static_cast<double>(total - done) / rate);
  }
  return line;
}

ProgressBar::ProgressBar(std::ostream& err, bool enabled, std::string label, uint64_t total,
                         ProgressUnit unit)
    : err_(&err),
      enabled_(enabled),
      label_(std::move(label)),
      total_(total),
      unit_(unit),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressBar ProgressBar::for_stderr(std::string label, uint64_t total, ProgressUnit unit) {
  return ProgressBar(std::cerr, isatty(STDERR_FILENO) == 1, std::move(label), total, unit);
}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::advance(uint64_t amount) {
  done_ += amount;
  draw_if_due();
}

void ProgressBar::set_done(uint64_t done) {
  done_ = done;
  draw_if_due();
}

void ProgressBar::set_total(uint64_t total) { total_ = total; }

std::function<void(uint64_t done, uint64_t total)> ProgressBar::callback() {
  return [this](uint64_t done, uint64_t total) {
    set_total(total);
    set_done(done);
  };
}

void ProgressBar::finish() {
  if (!enabled_) return;
  enabled_ = false;
  if (drawn_width_ > 0) *err_ << '\r' << std::string(drawn_width_, ' ') << '\r' << std::flush;
}

void ProgressBar::draw_if_due() {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  std::string line = format_progress(label_, done_, total_, unit_, elapsed);
  // Pad over the rest of a longer previous line.
  const size_t width = line.size();
  if (width < drawn_width_) line += std::string(drawn_width_ - width, ' ');
  drawn_width_ = std::max(drawn_width_, width);
  *err_ << '\r' << line << std::flush;
}

}  // namespace logkv::tool
