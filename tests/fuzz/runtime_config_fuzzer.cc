// Fuzz target: RuntimeConfig::parse (logkv/host.h) on arbitrary text. It must never crash or let
// an exception out, must answer the same way twice, and what it accepts must be something the
// host can serve: valid labels, a known type, a path that is empty, absolute, or under the base
// folder, and options the engine accepts. A refusal is kInvalidArgument or kNotSupported with a
// message that starts with the source name.
#include <string>
#include <string_view>

#include "engine/limits.h"
#include "logkv/host.h"
#include "tests/fuzz/fuzz_target.h"

namespace {

constexpr std::string_view kBaseDir = "/base";
constexpr std::string_view kSource = "fuzz.toml";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const logkv::Result<logkv::RuntimeConfig> config =
      logkv::RuntimeConfig::parse(text, kBaseDir, kSource);
  const logkv::Result<logkv::RuntimeConfig> again =
      logkv::RuntimeConfig::parse(text, kBaseDir, kSource);
  LOGKV_FUZZ_CHECK(config.is_ok() == again.is_ok(), "parsing is deterministic");
  if (!config.is_ok()) {
    const logkv::Status& status = config.status();
    LOGKV_FUZZ_CHECK(status.code() == logkv::StatusCode::kInvalidArgument ||
                         status.code() == logkv::StatusCode::kNotSupported,
                     "a refused config is invalid or not supported");
    LOGKV_FUZZ_CHECK(status.message().rfind(std::string(kSource) + ":", 0) == 0,
                     "an error starts with the source name");
    LOGKV_FUZZ_CHECK(status.message() == again.status().message(), "the same error twice");
    return 0;
  }
  LOGKV_FUZZ_CHECK(config->stores().size() == again->stores().size(), "the same stores twice");
  for (const logkv::StoreConfig& store : config->stores()) {
    LOGKV_FUZZ_CHECK(logkv::check_label(store.label).is_ok(), "every label follows the rule");
    LOGKV_FUZZ_CHECK(config->find(store.label) == &store, "labels are unique");
    if (store.type == logkv::kStoreTypeRedis) {
      // Accepted only by a build with hiredis; a Redis label names a server, never a folder.
      LOGKV_FUZZ_CHECK(!store.url.empty() && store.path.empty(),
                       "a redis store has a url and no path");
      continue;
    }
    LOGKV_FUZZ_CHECK(store.type == logkv::kStoreTypeSpin || store.type == logkv::kStoreTypeLogkv,
                     "only this engine's types and redis are accepted");
    LOGKV_FUZZ_CHECK(store.path.empty() || store.path.front() == '/',
                     "a path is empty (in memory) or absolute (base folder is absolute)");
    LOGKV_FUZZ_CHECK(store.path.find('\0') == std::string::npos, "no NUL in a path");
    LOGKV_FUZZ_CHECK(logkv::check_options(store.options).is_ok(), "the engine takes the options");
    LOGKV_FUZZ_CHECK(!store.options.in_memory, "the host, not the config, sets in_memory");
  }
  return 0;
}
