#include "logkv/store.h"

#include "engine/store_impl.h"
#include "fs/mem_file_system.h"

namespace logkv {

Result<std::unique_ptr<Store>> Store::open(std::string_view path, const Options& options) {
  // An in-memory store gets a file system of its own, so nothing outlives it.
  std::shared_ptr<FileSystem> fs =
      options.in_memory ? std::make_shared<MemFileSystem>() : posix_file_system();
  return open_store(std::move(fs), path, options);
}

}  // namespace logkv
