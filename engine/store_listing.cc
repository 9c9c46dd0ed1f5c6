// StoreImpl's key listings: keys() and list_keys() (paging, see key_listing.h).
#include <string>
#include <utility>
#include <vector>

#include "engine/key_listing.h"
#include "engine/result_budget.h"
#include "engine/store_impl.h"

namespace logkv {

Result<std::vector<std::string>> StoreImpl::keys() {
  LOGKV_RETURN_IF_ERROR(check_open());
  ResultBudget budget(options_.result_bytes_max, "keys");
  std::vector<std::string> keys;
  keys.reserve(keys_.size());
  Status over_budget;
  keys_.for_each_key([&](std::string_view key) {
    if (!over_budget.is_ok()) return;
    over_budget = budget.charge(key.size());
    if (over_budget.is_ok()) keys.emplace_back(key);
  });
  LOGKV_RETURN_IF_ERROR(over_budget);
  return keys;
}

Result<KeyPage> StoreImpl::list_keys(std::optional<std::string_view> cursor, size_t limit,
                                     std::string_view prefix) {
  LOGKV_RETURN_IF_ERROR(check_open());
  Result<KeyPageSelector> started = start_key_page(cursor, limit, prefix);
  if (!started.is_ok()) return started.status();
  KeyPageSelector& selector = *started;
  keys_.for_each_key([&selector](std::string_view key) { selector.offer(key); });
  KeyPage page = selector.take_page();
  ResultBudget budget(options_.result_bytes_max, "list_keys");
  for (const std::string& key : page.keys) LOGKV_RETURN_IF_ERROR(budget.charge(key.size()));
  return page;
}

}  // namespace logkv
