// Judges a store recovered after a crash against what the crash test knows was written.
//
// A recovered store is right when it equals one of the allowed states: the acknowledged state,
// the acknowledged state plus the operation in flight at the crash (applied whole), or, for
// modes that do not sync every write, the state after some prefix of the operations. Anything
// else is explained in the terms of the crash-consistency promises: an acknowledged write lost,
// a deleted key back, a value that was never written, an older version served, or an operation
// applied in part.
//
// Thread-safety: WrittenValues is used by one thread (or under the caller's lock).
#ifndef LOGKV_TESTS_CRASH_RECOVERY_CHECK_H_
#define LOGKV_TESTS_CRASH_RECOVERY_CHECK_H_

#include <map>
#include <set>
#include <span>
#include <string>

#include "tests/crash/workload.h"

namespace logkv::crash {

// Every value each key was ever given by a write that ran (acknowledged or not), and every key
// that was ever deleted: the evidence for telling "never written" from "an older version".
class WrittenValues {
 public:
  // Notes the values `op` writes when it runs on a store holding `before` (which only
  // increments and compare-and-swaps depend on).
  void note(const Op& op, const Model& before);
  bool was_written(const std::string& key, const std::string& value) const;
  bool was_deleted(const std::string& key) const { return deleted_.contains(key); }

 private:
  std::map<std::string, std::set<std::string>> values_;
  std::set<std::string> deleted_;
};

// Empty when `recovered` equals one of `allowed` (which must not be empty); otherwise a
// one-paragraph diagnosis against allowed.back(), the newest allowed state, naming the first
// key that is wrong and how.
std::string check_recovered(const Model& recovered, std::span<const Model> allowed,
                            const WrittenValues& written);

// The allowed states of a store that syncs every write: the acknowledged state, and the same
// with `in_flight` applied when an operation was running at the crash.
std::vector<Model> acknowledged_or_in_flight(const Model& acknowledged, const Op* in_flight);

}  // namespace logkv::crash

#endif  // LOGKV_TESTS_CRASH_RECOVERY_CHECK_H_
