#include "tests/crash/power_cut.h"

#include <utility>

namespace logkv::crash {

using testing::FaultFileSystem;
using testing::OperationKind;

struct PowerCut::State {
  std::mutex mutex;
  std::shared_ptr<MemFileSystem> mem;
  std::weak_ptr<FaultFileSystem> faults;
  uint64_t crash_point;
  bool appends_are_crash_points;
  uint64_t power_loss_seed;
  PowerLossMode mode;
  uint64_t seen = 0;           // guarded by mutex
  bool crashed = false;        // guarded by mutex
  std::string crashed_before;  // guarded by mutex
};

namespace {

bool is_crash_point(OperationKind kind, bool appends_are_crash_points) {
  switch (kind) {
    case OperationKind::kSync:
    case OperationKind::kSyncDir:
    case OperationKind::kRename:
    case OperationKind::kRemove:
    case OperationKind::kTruncate:
      return true;
    case OperationKind::kAppend:
      return appends_are_crash_points;
    default:
      return false;
  }
}

void fail_this_operation(FaultFileSystem& faults) {
  // The hook runs before the operation picks its fault, so a fault armed for "the next
  // operation" fails this very one.
  faults.fail_operation(1, StatusCode::kIOError, "EIO (the power is off)");
}

}  // namespace

PowerCut::PowerCut(std::shared_ptr<MemFileSystem> mem, std::shared_ptr<FaultFileSystem> faults,
                   uint64_t crash_point, bool appends_are_crash_points, uint64_t power_loss_seed,
                   PowerLossMode mode)
    : state_(std::make_shared<State>()), faults_(faults) {
  state_->mem = std::move(mem);
  state_->faults = faults;
  state_->crash_point = crash_point;
  state_->appends_are_crash_points = appends_are_crash_points;
  state_->power_loss_seed = power_loss_seed;
  state_->mode = mode;
  // The hook holds the state, never the FaultFileSystem that holds the hook.
  faults->set_hook([state = state_](OperationKind kind, const std::string& path) {
    std::lock_guard lock(state->mutex);
    std::shared_ptr<FaultFileSystem> faults = state->faults.lock();
    if (faults == nullptr) return;
    if (state->crashed) {
      fail_this_operation(*faults);
      return;
    }
    if (!is_crash_point(kind, state->appends_are_crash_points)) return;
    if (++state->seen != state->crash_point) return;
    state->crashed = true;
    state->crashed_before = std::string(testing::operation_kind_name(kind)) + " '" + path + "'";
    simulate_power_loss(*state->mem, state->power_loss_seed, state->mode);
    fail_this_operation(*faults);
  });
}

PowerCut::~PowerCut() {
  if (std::shared_ptr<FaultFileSystem> faults = faults_.lock()) faults->set_hook({});
}

bool PowerCut::crashed() const {
  std::lock_guard lock(state_->mutex);
  return state_->crashed;
}

uint64_t PowerCut::crash_points_seen() const {
  std::lock_guard lock(state_->mutex);
  return state_->seen;
}

std::string PowerCut::crashed_before() const {
  std::lock_guard lock(state_->mutex);
  return state_->crashed_before;
}

}  // namespace logkv::crash
