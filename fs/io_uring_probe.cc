#include "fs/io_uring_probe.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <string_view>
#include <vector>

#include "fs/file_system.h"
#include "fs/posix_error.h"
#include "fs/unique_fd.h"
#include "fs/uring_ring.h"
#include "fs/uring_writable_file.h"

namespace logkv {
namespace {

// What the probe writes: one block, like a small group of records.
constexpr size_t kProbeBytes = 4096;

Status unusable(std::string why) { return Status::not_supported(std::move(why)); }

}  // namespace

Status probe_io_uring(const std::string& dir) {
  Result<std::unique_ptr<UringRing>> ring = UringRing::create(kUringEntries);
  if (!ring.is_ok()) return unusable(ring.status().message());

  std::string name = join_path(dir, ".logkv-io-uring-probe-XXXXXX");
  const int raw_fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (raw_fd < 0) {
    return unusable("cannot create a probe file in '" + dir + "': " + errno_text(errno));
  }
  const UniqueFd fd(raw_fd);
  // Gone from the folder at once; the descriptor keeps the file until the probe ends.
  static_cast<void>(::unlink(name.c_str()));

  const std::vector<char> block(kProbeBytes, 'p');
  std::array<UringOperation, 2> chain{
      UringOperation::write(fd.get(), std::string_view(block.data(), block.size()), 0),
      UringOperation::data_sync(fd.get())};
  const Status ran = (*ring)->run_linked(chain);
  if (!ran.is_ok()) return unusable(ran.message());
  if (chain[0].result < 0) {
    return unusable("an io_uring write to a file in '" + dir +
                    "' failed: " + errno_text(-chain[0].result));
  }
  if (static_cast<size_t>(chain[0].result) != kProbeBytes) {
    return unusable("an io_uring write to a file in '" + dir + "' wrote " +
                    std::to_string(chain[0].result) + " of " + std::to_string(kProbeBytes) +
                    " bytes");
  }
  if (chain[1].result < 0) {
    return unusable("an io_uring fdatasync of a file in '" + dir +
                    "' failed: " + errno_text(-chain[1].result));
  }
  return Status::ok();
}

}  // namespace logkv
