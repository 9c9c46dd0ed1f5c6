// Fuzz target: open a store folder of arbitrary files (tests/fuzz/folder_input.h) on an
// in-memory file system. Open may refuse the folder, but must never crash or hang; and a store
// that opens must serve what it lists, take a write, close, and open again with the same data.
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "engine/store_impl.h"
#include "fs/mem_file_system.h"
#include "tests/fuzz/folder_input.h"
#include "tests/fuzz/fuzz_target.h"

namespace {

constexpr char kDir[] = "/store";
constexpr std::string_view kProbeKey = "fuzz-probe";
constexpr std::string_view kProbeValue = "written by the fuzz target";

logkv::Options fuzz_options() {
  logkv::Options options;
  // Whatever keys the files hold, the store may list and serve them.
  options.limits.key_bytes_max = 65535;
  options.limits.keys_max = 1 << 20;
  options.segment_bytes_max = 4096;
  // Written so that it also builds against a tree without automatic compaction: background
  // work would make runs differ for the same input.
  if constexpr (requires { options.automatic_compaction; }) options.automatic_compaction = false;
  return options;
}

// Every key keys() lists that get() can read (keys a limit refuses are skipped).
std::map<std::string, std::string> readable_contents(logkv::Store& store) {
  logkv::Result<std::vector<std::string>> keys = store.keys();
  LOGKV_FUZZ_CHECK(keys.is_ok(), keys.status().to_string().c_str());
  std::map<std::string, std::string> contents;
  for (const std::string& key : *keys) {
    logkv::Result<std::optional<std::string>> value = store.get(key);
    if (!value.is_ok()) continue;
    LOGKV_FUZZ_CHECK(value->has_value(), "keys() lists a key that get() does not find");
    logkv::Result<bool> exists = store.exists(key);
    LOGKV_FUZZ_CHECK(exists.is_ok() && *exists, "exists() denies a key that get() reads");
    contents[key] = **value;
  }
  return contents;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const logkv::fuzz::FolderFiles files =
      logkv::fuzz::split_folder_input({reinterpret_cast<const char*>(data), size});
  auto mem = std::make_shared<logkv::MemFileSystem>();
  LOGKV_FUZZ_CHECK(mem->create_dirs(kDir).is_ok(), "create the folder");
  for (const auto& [name, bytes] : files) {
    LOGKV_FUZZ_CHECK(mem->write_file(logkv::join_path(kDir, name), bytes).is_ok(), "write a file");
  }
  logkv::Result<std::unique_ptr<logkv::Store>> opened =
      logkv::open_store(mem, kDir, fuzz_options());
  if (!opened.is_ok()) {
    LOGKV_FUZZ_CHECK(!opened.status().message().empty(), "a refusal says why");
    return 0;
  }
  std::map<std::string, std::string> contents = readable_contents(**opened);
  const logkv::Status written = (*opened)->set(kProbeKey, kProbeValue);
  LOGKV_FUZZ_CHECK(written.is_ok(), written.to_string().c_str());
  contents[std::string(kProbeKey)] = kProbeValue;
  const logkv::Status closed = (*opened)->close();
  LOGKV_FUZZ_CHECK(closed.is_ok(), closed.to_string().c_str());
  opened = logkv::open_store(mem, kDir, fuzz_options());
  LOGKV_FUZZ_CHECK(
      opened.is_ok(),
      ("a store that opened once must open again: " + opened.status().to_string()).c_str());
  LOGKV_FUZZ_CHECK(readable_contents(**opened) == contents,
                   "the reopened store holds the same data plus the probe");
  return 0;
}
