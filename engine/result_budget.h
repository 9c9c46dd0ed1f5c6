// ResultBudget: the cap on how many bytes one query may return (Options::result_bytes_max).
//
// Spin caps get-many and get-keys results at 128 MiB with an error whose text contains "query
// result exceeds limit"; hosts match on that text, so logkv keeps it. A query charges each key or
// value as it collects it and stops at the first charge that goes over, so an oversized result
// is refused before it is built in full.
//
// Thread-safety: a plain value, used by one query on one thread.
#ifndef LOGKV_ENGINE_RESULT_BUDGET_H_
#define LOGKV_ENGINE_RESULT_BUDGET_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "logkv/status.h"

namespace logkv {

class ResultBudget {
 public:
  // `query` names the call in the error message, e.g. "get_many".
  ResultBudget(uint64_t bytes_max, std::string_view query) : bytes_max_(bytes_max), query_(query) {}

  // Adds `bytes` to the result; kLimitExceeded once the total exceeds the cap.
  Status charge(uint64_t bytes) {
    used_bytes_ += bytes;
    if (used_bytes_ <= bytes_max_) return Status::ok();
    return Status::limit_exceeded(
        std::string(query_) + ": query result exceeds limit of " + std::to_string(bytes_max_) +
        " bytes (Options::result_bytes_max); ask for fewer keys, page with list_keys, or raise "
        "the limit when opening the store");
  }

  uint64_t used_bytes() const { return used_bytes_; }

 private:
  const uint64_t bytes_max_;
  const std::string_view query_;
  uint64_t used_bytes_ = 0;
};

}  // namespace logkv

#endif  // LOGKV_ENGINE_RESULT_BUDGET_H_
