// PowerCut: cuts the power at a chosen crash point of a store running on FaultFileSystem over
// MemFileSystem.
//
// A crash point is a file-system operation after which the durable state of the store can
// differ: every sync, directory sync, rename, remove and truncate (and, for stores that do not
// sync every write, every append). Just before the n-th crash point, PowerCut calls
// MemFileSystem::simulate_power_loss, and from then on it fails that operation and every later
// one with EIO: the process that "lost power" never touches the rebooted file system, just as
// a real process does not outlive its machine. The test then opens the store afresh on the
// MemFileSystem and checks what survived.
//
// Thread-safety: the hook is serialised by a mutex. After the crash, each operation arms the
// fault that fails it, so operations must not race with each other after the crash point; the
// store's writes satisfy this (only the leader of a group commit does I/O, under the store's
// writer lock), concurrent readers would not.
#ifndef LOGKV_TESTS_CRASH_POWER_CUT_H_
#define LOGKV_TESTS_CRASH_POWER_CUT_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "fs/mem_file_system.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/mem_power_loss.h"

namespace logkv::crash {

class PowerCut {
 public:
  // Installs the hook on `faults`, which must wrap `mem`. `crash_point` counts from 1; 0 never
  // crashes (the hook then only counts). `power_loss_seed` and `mode` go to
  // simulate_power_loss.
  PowerCut(std::shared_ptr<MemFileSystem> mem, std::shared_ptr<testing::FaultFileSystem> faults,
           uint64_t crash_point, bool appends_are_crash_points, uint64_t power_loss_seed,
           PowerLossMode mode);
  // Removes the hook.
  ~PowerCut();
  PowerCut(const PowerCut&) = delete;
  PowerCut& operator=(const PowerCut&) = delete;

  bool crashed() const;
  // Crash points seen so far, including the one that crashed.
  uint64_t crash_points_seen() const;
  // The operation the power failed before, e.g. "sync '/store/0000000002.log'"; empty if none.
  std::string crashed_before() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
  std::weak_ptr<testing::FaultFileSystem> faults_;
};

}  // namespace logkv::crash

#endif  // LOGKV_TESTS_CRASH_POWER_CUT_H_
