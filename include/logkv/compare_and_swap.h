// Compare-and-swap tokens: what Store::cas_begin hands out and Store::cas_swap checks.
//
// A token remembers a key's value and version at one moment. The version is the sequence
// number of the key's newest record, so every set or delete of the key changes it, even one that
// writes the same bytes again (A -> B -> A is detected, unlike a comparison of values). An absent
// key has version 0 and instead remembers how far the store's log was when it was seen absent,
// so that a set and delete of it since are detected too.
//
// Thread-safety: tokens and outcomes are plain values; copy them freely between threads.
#ifndef LOGKV_COMPARE_AND_SWAP_H_
#define LOGKV_COMPARE_AND_SWAP_H_

#include <cstdint>
#include <optional>
#include <string>

namespace logkv {

struct CasToken {
  std::string key;
  // The key's value when the token was taken; empty when the key was absent.
  std::optional<std::string> value;
  // The sequence number of the key's newest record when the token was taken; 0 when absent.
  uint64_t version = 0;
  // When absent: the store's newest sequence number at that moment (a swap is refused if the
  // key may have been deleted after it). 0 when present.
  uint64_t absent_as_of = 0;
};

struct CasOutcome {
  // Whether the new value was written.
  bool swapped = false;
  // After a swap: a token for the value just written, ready for the next swap. After a refused
  // swap: the key's value and version as the winning write left them, to retry with.
  CasToken current;
};

}  // namespace logkv

#endif  // LOGKV_COMPARE_AND_SWAP_H_
