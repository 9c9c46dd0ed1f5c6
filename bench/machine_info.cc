#include "bench/machine_info.h"

#include <sched.h>
#include <sys/utsname.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace logkv::bench {
namespace {

constexpr std::string_view kUnknown = "unknown";

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const size_t colon = line.find(':');
    if (colon != std::string::npos && colon + 2 <= line.size()) return line.substr(colon + 2);
  }
  return std::string(kUnknown);
}

unsigned cpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return static_cast<unsigned>(CPU_COUNT(&set));
  return std::thread::hardware_concurrency();
}

uint64_t memory_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string name;
  uint64_t kib = 0;
  std::string unit;
  while (meminfo >> name >> kib >> unit) {
    if (name == "MemTotal:") return kib * 1024;
  }
  return 0;
}

std::string kernel() {
  struct utsname names;
  if (uname(&names) != 0) return std::string(kUnknown);
  return std::string(names.sysname) + " " + names.release + " " + names.machine;
}

// mountinfo escapes spaces and other bytes in paths as octal "\040".
std::string unescape_mount_path(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 3 < text.size()) {
      out.push_back(static_cast<char>(std::strtol(text.substr(i + 1, 3).c_str(), nullptr, 8)));
      i += 3;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

bool is_under(const std::string& path, const std::string& mount_point) {
  if (mount_point == "/") return true;
  return path.rfind(mount_point, 0) == 0 &&
         (path.size() == mount_point.size() || path[mount_point.size()] == '/');
}

// The mount whose mount point is the longest prefix of dir's real path.
void describe_file_system(const std::string& dir, MachineInfo& info) {
  info.fs_type = kUnknown;
  info.fs_device = kUnknown;
  char resolved[PATH_MAX];
  if (realpath(dir.c_str(), resolved) == nullptr) return;
  const std::string path = resolved;
  std::ifstream mountinfo("/proc/self/mountinfo");
  std::string line;
  size_t best_length = 0;
  while (std::getline(mountinfo, line)) {
    // Fields: id parent major:minor root mount-point options [optional...] - type source ...
    std::istringstream fields(line);
    std::vector<std::string> tokens;
    for (std::string token; fields >> token;) tokens.push_back(token);
    if (tokens.size() < 5) continue;
    const std::string mount_point = unescape_mount_path(tokens[4]);
    size_t separator = 6;
    while (separator < tokens.size() && tokens[separator] != "-") ++separator;
    if (separator + 2 >= tokens.size() || !is_under(path, mount_point)) continue;
    if (mount_point.size() >= best_length) {
      best_length = mount_point.size();
      info.fs_type = tokens[separator + 1];
      info.fs_device = tokens[separator + 2];
    }
  }
}

}  // namespace

double load_average() {
  double averages[1];
  return getloadavg(averages, 1) == 1 ? averages[0] : -1;
}

MachineInfo describe_machine(const std::string& dir) {
  MachineInfo info;
  info.cpu_model = cpu_model();
  info.cpus = cpus();
  info.memory_bytes = memory_bytes();
  info.kernel = kernel();
  info.dir = dir;
  describe_file_system(dir, info);
  info.load_average_start = load_average();
  return info;
}

}  // namespace logkv::bench
