// check_store_folder: check_store (logkv/check.h) on any file system, so that tests can check a
// store in memory and step in between the checker's reads.
//
// Thread-safety: as check_store.
#ifndef LOGKV_ENGINE_STORE_CHECK_H_
#define LOGKV_ENGINE_STORE_CHECK_H_

#include <string>

#include "fs/file_system.h"
#include "logkv/check.h"

namespace logkv {

Result<CheckReport> check_store_folder(FileSystem& fs, const std::string& dir,
                                       const CheckOptions& options = {});

}  // namespace logkv

#endif  // LOGKV_ENGINE_STORE_CHECK_H_
