// Key listing in pages: the cursor format and the selection of one page from the hash index.
//
// The index is a hash table, so it has no order to resume from. A page is therefore chosen by
// one pass over every key, keeping the smallest keys after the cursor in a bounded max-heap:
// O(n log limit) time for n keys, memory for limit + 1 keys. Because the cursor is the last key
// returned (not a position in a table that may be rehashed meanwhile), a key present for the
// whole listing is returned exactly once however the store changes between pages.
//
// Cursor text: "v1." + lower-case hex of the last key + "." + 16 hex digits of a seeded XXH3 of
// that key. The check digits catch a cursor that was cut short, mistyped or edited; they are not
// a secret (a forged cursor only names a position to list from, which any caller may ask for).
//
// Thread-safety: the functions are pure; a KeyPageSelector is used by one thread.
#ifndef LOGKV_ENGINE_KEY_LISTING_H_
#define LOGKV_ENGINE_KEY_LISTING_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "logkv/key_page.h"
#include "logkv/status.h"

namespace logkv {

// The cursor that resumes a listing after `last_key`.
std::string encode_list_cursor(std::string_view last_key);

// The key a cursor resumes after, or kInvalidArgument saying the cursor is not one logkv
// issued (and why: wrong version, not hex, check digits do not match).
Result<std::string> decode_list_cursor(std::string_view cursor);

class KeyPageSelector {
 public:
  // Selects keys that start with `prefix` and sort strictly after `after` (every such key when
  // `after` is empty). Precondition: limit >= 1.
  KeyPageSelector(std::optional<std::string> after, std::string prefix, size_t limit);

  // Considers one key; copies it only while it is among the smallest limit + 1 seen so far.
  void offer(std::string_view key);

  // The `limit` smallest keys offered, sorted, and a cursor after the last of them when more
  // keys were offered.
  KeyPage take_page();

 private:
  const std::optional<std::string> after_;
  const std::string prefix_;
  const size_t limit_;
  // Max-heap (std::push_heap order) of the limit + 1 smallest candidates: one more than a page,
  // so that a full page knows whether anything follows it.
  std::vector<std::string> candidates_;
};

// The selector of one list_keys() call, for every Store that pages this way: kInvalidArgument
// when `limit` is not 1 to kListKeysLimitMax or `cursor` is not one logkv issued.
Result<KeyPageSelector> start_key_page(std::optional<std::string_view> cursor, size_t limit,
                                       std::string_view prefix);

}  // namespace logkv

#endif  // LOGKV_ENGINE_KEY_LISTING_H_
