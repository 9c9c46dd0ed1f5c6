#include "tests/crash/recovery_check.h"

#include <algorithm>
#include <vector>

namespace logkv::crash {

void WrittenValues::note(const Op& op, const Model& before) {
  switch (op.kind) {
    case OpKind::kIncrement:
    case OpKind::kCompareAndSwap:
      values_[op.key].insert(counter_value_after(op, before));
      return;
    case OpKind::kSet:
      values_[op.key].insert(op.value);
      return;
    case OpKind::kDelete:
      deleted_.insert(op.key);
      return;
    case OpKind::kBatch:
      for (const WriteBatch::Operation& part : op.batch.operations()) {
        if (part.kind == WriteBatch::Operation::Kind::kSet) {
          values_[part.key].insert(part.value);
        } else {
          deleted_.insert(part.key);
        }
      }
      return;
    default:
      return;
  }
}

bool WrittenValues::was_written(const std::string& key, const std::string& value) const {
  const auto values = values_.find(key);
  return values != values_.end() && values->second.contains(value);
}

std::vector<Model> acknowledged_or_in_flight(const Model& acknowledged, const Op* in_flight) {
  std::vector<Model> allowed{acknowledged};
  if (in_flight != nullptr && is_write(*in_flight)) {
    Model applied = acknowledged;
    apply_to_model(*in_flight, &applied);
    allowed.push_back(std::move(applied));
  }
  return allowed;
}

namespace {

std::string shown(const std::string& value) {
  std::string text = std::to_string(value.size()) + " bytes \"";
  text += value.substr(0, 24);
  return text + (value.size() > 24 ? "...\"" : "\"");
}

std::string expected_text(const Model& state, const std::string& key) {
  const auto expected = state.find(key);
  return expected == state.end() ? std::string("nothing") : shown(expected->second);
}

// What one key looks like in the recovered store compared with every allowed state: empty when
// some allowed state agrees on it.
std::string judge_key(const std::string& key, const Model& recovered,
                      std::span<const Model> allowed, const WrittenValues& written) {
  const auto found = recovered.find(key);
  bool some_state_agrees = false;
  bool absent_somewhere = false;
  for (const Model& state : allowed) {
    const auto expected = state.find(key);
    if (expected == state.end()) absent_somewhere = true;
    const bool agrees = found == recovered.end()
                            ? expected == state.end()
                            : expected != state.end() && expected->second == found->second;
    some_state_agrees = some_state_agrees || agrees;
  }
  if (some_state_agrees) return {};
  if (found == recovered.end()) {
    return "acknowledged write lost: key '" + key + "' is missing, it must hold " +
           expected_text(allowed.back(), key);
  }
  if (!written.was_written(key, found->second)) {
    return "value never written: key '" + key + "' holds " + shown(found->second);
  }
  if (absent_somewhere && written.was_deleted(key)) {
    return "deleted key came back: key '" + key + "' holds " + shown(found->second) +
           " although it was deleted";
  }
  return "older version served: key '" + key + "' holds " + shown(found->second) + " instead of " +
         expected_text(allowed.back(), key);
}

}  // namespace

std::string check_recovered(const Model& recovered, std::span<const Model> allowed,
                            const WrittenValues& written) {
  if (std::find(allowed.begin(), allowed.end(), recovered) != allowed.end()) return {};
  std::vector<std::string> keys;
  for (const auto& [key, value] : recovered) keys.push_back(key);
  for (const Model& state : allowed) {
    for (const auto& [key, value] : state) keys.push_back(key);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  const std::string counts = " (recovered " + std::to_string(recovered.size()) +
                             " keys; the newest allowed state has " +
                             std::to_string(allowed.back().size()) + ")";
  for (const std::string& key : keys) {
    std::string problem = judge_key(key, recovered, allowed, written);
    if (!problem.empty()) return problem + counts;
  }
  // Every key on its own matches some allowed state, but no state matches them all: an
  // operation (a batch) was applied in part, or writes survived out of order.
  return "operation applied in part: every key matches some allowed state but no single "
         "state matches them all (a half-applied batch, or writes recovered out of order)" +
         counts;
}

}  // namespace logkv::crash
