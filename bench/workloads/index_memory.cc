// Workload 9: memory per key of an in-memory index at a million keys. A child process loads
// the keys (resident growth while loading, write buffers included), a second child reopens the
// store (resident growth of an index rebuilt from disk). Both are divided by the key count and
// shown next to the engine's own index_bytes / keys.
#include "bench/workloads/index_memory.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "bench/workloads/workload.h"
#include "bench/workloads/workload_support.h"

extern char** environ;

namespace logkv::bench {
namespace {

constexpr std::string_view kGroup = "memory";
constexpr size_t kChildOutputBytesMax = 4096;

// Runs this executable with `args` and returns what it printed on stdout.
Result<std::string> run_child(const std::string& self_path, const std::vector<std::string>& args) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return Status::io_error(std::string("pipe for child process failed: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(self_path.c_str()));
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawn_error =
      posix_spawn(&pid, self_path.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (spawn_error != 0) {
    ::close(pipe_fds[0]);
    return Status::io_error("cannot start " + self_path + ": " + std::strerror(spawn_error));
  }
  std::string output;
  char buffer[512];
  ssize_t n;
  while ((n = ::read(pipe_fds[0], buffer, sizeof(buffer))) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    if (output.size() < kChildOutputBytesMax) output.append(buffer, static_cast<size_t>(n));
  }
  ::close(pipe_fds[0]);
  int wait_status = 0;
  while (::waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
    return Status::io_error("index-memory child process failed (its error is on stderr above)");
  }
  return output;
}

// "a=1 b=2\n" -> {a: 1, b: 2}
std::map<std::string, double> parse_figures(std::string_view line) {
  std::map<std::string, double> figures;
  while (!line.empty()) {
    const size_t space = line.find_first_of(" \n");
    const std::string_view item = line.substr(0, space);
    const size_t equals = item.find('=');
    uint64_t value = 0;
    if (equals != std::string_view::npos &&
        std::from_chars(item.data() + equals + 1, item.data() + item.size(), value).ec ==
            std::errc()) {
      figures[std::string(item.substr(0, equals))] = static_cast<double>(value);
    }
    if (space == std::string_view::npos) break;
    line.remove_prefix(space + 1);
  }
  return figures;
}

}  // namespace

Result<std::map<std::string, double>> measure_memory_in_child(const std::string& self_path,
                                                              std::string_view mode,
                                                              const std::string& engine,
                                                              const std::string& dir, uint64_t keys,
                                                              uint64_t seed) {
  const std::vector<std::string> args = {std::string(kIndexMemoryChildFlag),
                                         std::string(mode),
                                         engine,
                                         dir,
                                         std::to_string(keys),
                                         std::to_string(seed)};
  Result<std::string> output = run_child(self_path, args);
  if (!output.is_ok()) return output.status();
  return parse_figures(*output);
}

namespace {

std::string load_variant_label(const WorkloadSizes& sizes) {
  return count_label(sizes.memory_keys) + ", after load";
}
std::string reopen_variant_label(const WorkloadSizes& sizes) {
  return count_label(sizes.memory_keys) + ", after reopen";
}

class IndexMemoryWorkload final : public Workload {
 public:
  std::string_view name() const override { return "index-memory"; }
  std::string_view group() const override { return kGroup; }
  std::string_view description() const override {
    return "resident memory per key of the in-memory index at 1,000,000 keys";
  }
  bool applies_to(const Capabilities& capabilities) const override {
    return capabilities.in_memory_index;
  }
  std::vector<std::string> measured_variants(const WorkloadSizes& sizes,
                                             const EngineInfo& engine) const override {
    if (!applies_to(engine.capabilities)) return {};
    return {load_variant_label(sizes), reopen_variant_label(sizes)};
  }
  bool measured_in_rounds() const override { return false; }

  std::vector<Row> run(const EngineFactory& engine, WorkloadContext& context) override {
    const uint64_t count = context.config.sizes.memory_keys;
    const std::string load_variant = load_variant_label(context.config.sizes);
    const std::string open_variant = reopen_variant_label(context.config.sizes);
    const Capabilities capabilities = engine.make()->info().capabilities;
    if (!applies_to(capabilities)) {
      const std::string reason =
          capabilities.point_reads
              ? "index lives in on-disk pages and caches; resident growth would measure the cache"
              : "engine keeps no index";
      return {not_applicable_row(name(), kGroup, load_variant, engine.name, reason),
              not_applicable_row(name(), kGroup, open_variant, engine.name, reason)};
    }
    Row load_row = make_row(name(), kGroup, load_variant, engine.name);
    Row open_row = make_row(name(), kGroup, open_variant, engine.name);
    Result<ScratchDir> dir = context.scratch.fresh("index-memory-" + engine.name);
    if (!dir.is_ok()) {
      fail_row(load_row, dir.status());
      fail_row(open_row, dir.status());
      return {std::move(load_row), std::move(open_row)};
    }
    for (Row* row : {&load_row, &open_row}) {
      Result<std::map<std::string, double>> figures =
          measure_memory_in_child(context.self_path, row == &load_row ? "load" : "open",
                                  engine.name, dir->path(), count, context.config.seed);
      if (!figures.is_ok()) {
        fail_row(*row, figures.status());
        continue;
      }
      fill_memory_row(*row, *figures);
    }
    if (load_row.status == RowStatus::kOk) {
      add_note(load_row, "includes write-path buffers; loaded without syncs");
    }
    for (Row* row : {&load_row, &open_row}) {
      if (row->status != RowStatus::kOk) continue;
      add_note(*row, "resident growth counts file pages the engine maps; anon growth is heap only");
    }
    return {std::move(load_row), std::move(open_row)};
  }

 private:
  static void fill_memory_row(Row& row, const std::map<std::string, double>& figures) {
    for (const char* name : {"keys", "rss_before", "rss_after", "anon_before", "anon_after"}) {
      if (figures.count(name) == 0) {
        fail_row(row, Status::corruption(std::string("child output lacks '") + name + "'"));
        return;
      }
    }
    const double keys = figures.at("keys");
    const double rss_growth = figures.at("rss_after") - figures.at("rss_before");
    const double anon_growth = figures.at("anon_after") - figures.at("anon_before");
    row.ops = static_cast<uint64_t>(keys);
    row.primary_name = "resident growth per key";
    row.primary_unit = "B/key";
    row.primary = rss_growth / keys;
    row.higher_is_better = false;
    row.figures.push_back({"rss_growth_bytes", rss_growth, "B"});
    row.figures.push_back({"anon_growth_per_key", anon_growth / keys, "B/key"});
    row.figures.push_back({"key_bytes", static_cast<double>(kKeyBytes), "B"});
    if (auto it = figures.find("index_bytes"); it != figures.end()) {
      row.figures.push_back({"index_bytes", it->second, "B"});
      row.figures.push_back({"index_bytes_per_key", it->second / keys, "B/key"});
    }
  }
};

}  // namespace

std::unique_ptr<Workload> make_index_memory_workload() {
  return std::make_unique<IndexMemoryWorkload>();
}

}  // namespace logkv::bench
