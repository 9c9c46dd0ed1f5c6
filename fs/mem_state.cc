#include "fs/mem_state.h"

#include <vector>

namespace logkv::mem {

std::string normalize_path(std::string_view path) {
  const bool absolute = !path.empty() && path.front() == '/';
  std::vector<std::string_view> components;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    const std::string_view component = path.substr(0, slash);
    path.remove_prefix(slash == std::string_view::npos ? path.size() : slash + 1);
    if (component.empty() || component == ".") continue;
    if (component == ".." && !components.empty() && components.back() != "..") {
      components.pop_back();
      continue;
    }
    // ".." above "/" stays at "/", as in POSIX; above a relative root it is kept.
    if (component == ".." && absolute) continue;
    components.push_back(component);
  }
  std::string normalized = absolute ? "/" : "";
  for (size_t i = 0; i < components.size(); ++i) {
    if (i > 0) normalized += '/';
    normalized += components[i];
  }
  return normalized;
}

std::optional<PathParts> split_path(const std::string& normalized) {
  if (normalized.empty() || normalized == "/") return std::nullopt;
  const size_t slash = normalized.find_last_of('/');
  if (slash == std::string::npos) return PathParts{"", normalized};
  if (slash == 0) return PathParts{"/", normalized.substr(1)};
  return PathParts{normalized.substr(0, slash), normalized.substr(slash + 1)};
}

Status crashed_error(std::string_view operation, std::string_view path) {
  return Status::io_error("cannot " + std::string(operation) + " '" + std::string(path) +
                          "': file system crashed (a simulated power loss); this handle is "
                          "dead, open the file again");
}

}  // namespace logkv::mem
