#include "bench/bench_config.h"

#include <charconv>
#include <cstdlib>
#include <string_view>

namespace logkv::bench {
namespace {

// Fixed so that two runs on one machine compare like with like; change with --seed.
constexpr uint64_t kDefaultSeed = 20240229;
constexpr uint64_t kRoundsMax = 99;
// key_for() gives every key the same 12 bytes up to 100 million keys.
constexpr uint64_t kScalingKeysMin = 1'000;
constexpr uint64_t kScalingKeysMax = 100'000'000;

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

Result<uint64_t> parse_unsigned(std::string_view text, std::string_view origin) {
  uint64_t seed = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seed);
  if (error != std::errc() || end != text.data() + text.size()) {
    return Status::invalid_argument(std::string(origin) + " must be an unsigned integer, got '" +
                                    std::string(text) + "'");
  }
  return seed;
}

std::string default_dir() {
  const char* tmpdir = std::getenv("TMPDIR");
  return tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
}

}  // namespace

std::vector<uint64_t> scaling_sizes_up_to(uint64_t max_keys) {
  std::vector<uint64_t> sizes;
  for (uint64_t keys = kScalingKeysMin; keys <= max_keys && keys <= kScalingKeysMax; keys *= 10) {
    sizes.push_back(keys);
  }
  if (sizes.empty() || sizes.back() != max_keys) sizes.push_back(max_keys);
  return sizes;
}

WorkloadSizes full_sizes() { return WorkloadSizes(); }

WorkloadSizes quick_sizes() {
  WorkloadSizes sizes;
  sizes.rounds = 1;
  sizes.write_seconds = 0.1;
  sizes.read_seconds = 0.05;
  sizes.large_value_keys = 2;
  sizes.open_keys_large = 20'000;
  sizes.open_repeats = 2;
  sizes.overwrite_ops = 20'000;
  sizes.overwrite_samples = 4;
  sizes.memory_keys = 20'000;
  sizes.scaling_keys = scaling_sizes_up_to(10'000);
  sizes.scaling_batch_keys = 500;
  return sizes;
}

std::string usage_text() {
  return "usage: logkv-bench [--quick] [--workloads a,b,...] [--engines a,b,...] [--dir DIR]\n"
         "                   [--json FILE] [--seed N] [--rounds N] [--require-engines a,b,...]\n"
         "                   [--scaling-max-keys N] [--list]\n"
         "  --quick      tiny sizes (seconds in total) and a self-check of every figure;\n"
         "               exits non-zero when a workload did not run or gave a bad number\n"
         "  --workloads  run only these workloads (see --list)\n"
         "  --engines    run only these engines (see --list); logkv is the reference of ratios\n"
         "  --dir        make the scratch stores under DIR (default $TMPDIR or /tmp)\n"
         "  --json       also write every figure and the machine description to FILE\n"
         "  --seed       seed of key order and value bytes (default: $LOGKV_TEST_SEED or fixed)\n"
         "  --rounds     measure timed rows in N rounds and report the median (full: 3, quick: 1)\n"
         "  --scaling-max-keys\n"
         "               largest store of the scaling workload: 1,000, 10,000, ... up to N\n"
         "               (full: 10,000,000, quick: 10,000; at most 100,000,000)\n"
         "  --require-engines\n"
         "               fail before measuring unless each of these engines is built in and\n"
         "               selected (CI passes the peers Meson found)\n"
         "  --list       print the workloads and the engines of this build, run nothing\n";
}

Result<BenchConfig> parse_flags(const std::vector<std::string>& args) {
  BenchConfig config;
  config.dir = default_dir();
  config.seed = kDefaultSeed;
  if (const char* env_seed = std::getenv("LOGKV_TEST_SEED"); env_seed != nullptr) {
    Result<uint64_t> seed = parse_unsigned(env_seed, "LOGKV_TEST_SEED");
    if (!seed.is_ok()) return seed.status();
    config.seed = *seed;
  }
  config.command_line = "logkv-bench";
  for (const std::string& arg : args) config.command_line += " " + arg;

  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view flag = args[i];
    auto value = [&]() -> Result<std::string> {
      if (i + 1 >= args.size()) {
        return Status::invalid_argument(std::string(flag) + " needs a value; see --help");
      }
      return args[++i];
    };
    if (flag == "--quick") {
      config.quick = true;
    } else if (flag == "--list") {
      config.list_only = true;
    } else if (flag == "--help" || flag == "-h") {
      config.help = true;
    } else if (flag == "--workloads" || flag == "--engines" || flag == "--dir" ||
               flag == "--json" || flag == "--seed" || flag == "--rounds" ||
               flag == "--require-engines" || flag == "--scaling-max-keys") {
      Result<std::string> text = value();
      if (!text.is_ok()) return text.status();
      if (flag == "--workloads") config.workloads = split_list(*text);
      if (flag == "--engines") config.engines = split_list(*text);
      if (flag == "--require-engines") config.required_engines = split_list(*text);
      if (flag == "--dir") config.dir = *text;
      if (flag == "--json") config.json_path = *text;
      if (flag == "--seed") {
        Result<uint64_t> seed = parse_unsigned(*text, "--seed");
        if (!seed.is_ok()) return seed.status();
        config.seed = *seed;
      }
      if (flag == "--rounds") {
        Result<uint64_t> rounds = parse_unsigned(*text, "--rounds");
        if (!rounds.is_ok()) return rounds.status();
        if (*rounds < 1 || *rounds > kRoundsMax) {
          return Status::invalid_argument("--rounds must be between 1 and " +
                                          std::to_string(kRoundsMax));
        }
        config.rounds_override = static_cast<int>(*rounds);
      }
      if (flag == "--scaling-max-keys") {
        Result<uint64_t> keys = parse_unsigned(*text, "--scaling-max-keys");
        if (!keys.is_ok()) return keys.status();
        if (*keys < kScalingKeysMin || *keys > kScalingKeysMax) {
          return Status::invalid_argument("--scaling-max-keys must be between " +
                                          std::to_string(kScalingKeysMin) + " and " +
                                          std::to_string(kScalingKeysMax));
        }
        config.scaling_max_keys = *keys;
      }
    } else {
      return Status::invalid_argument("unknown flag '" + std::string(flag) + "'; see --help");
    }
  }
  config.sizes = config.quick ? quick_sizes() : full_sizes();
  if (config.rounds_override != 0) config.sizes.rounds = config.rounds_override;
  if (config.scaling_max_keys != 0) {
    config.sizes.scaling_keys = scaling_sizes_up_to(config.scaling_max_keys);
  }
  return config;
}

}  // namespace logkv::bench
