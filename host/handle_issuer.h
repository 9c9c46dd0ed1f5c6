// HandleIssuer: the values of store handles (StoreHandle, logkv/host.h) of one host.
//
// A handle is a number an untrusted component hands back to the host, so a value must never
// come to mean something it did not mean when issued. The issuer numbers every open of the host,
// across all its component instances, with a 32-bit serial and issues a keyed bijection of that
// serial (never 0). Hence:
// - a value is issued at most once in 2^32 opens of the host: a closed handle stays invalid,
//   and a handle of one instance is never valid in another instance of the same host;
// - consecutive handles are not consecutive numbers, so handle+1 of a forged guess is no more
//   likely to be valid than any other number;
// - the key differs per host, so a handle of another host is valid here only by a 1 in 2^32
//   chance per open handle (and then names one of this instance's own stores: never data that
//   was not granted to it).
// After 2^32 opens the serials wrap; ComponentStores skips a value it still has open.
//
// Thread-safety: next() may be called from many threads at once (one atomic counter).
#ifndef LOGKV_HOST_HANDLE_ISSUER_H_
#define LOGKV_HOST_HANDLE_ISSUER_H_

#include <atomic>
#include <cstdint>

#include "logkv/host.h"

namespace logkv {

class HandleIssuer {
 public:
  explicit HandleIssuer(uint32_t key) : key_(key) {}

  // A handle value not issued by this issuer in the last 2^32 - 1 calls. Never 0.
  StoreHandle next() {
    for (;;) {
      const StoreHandle handle = scramble(serial_.fetch_add(1, std::memory_order_relaxed) + key_);
      if (handle != 0) return handle;
    }
  }

  // A bijection of the 32-bit numbers (MurmurHash3's finalizer: xor-shifts and odd multipliers,
  // each invertible), so distinct serials give distinct handles. Maps 0 to 0.
  static constexpr uint32_t scramble(uint32_t x) {
    x ^= x >> 16;
    x *= 0x85ebca6bu;
    x ^= x >> 13;
    x *= 0xc2b2ae35u;
    x ^= x >> 16;
    return x;
  }

 private:
  std::atomic<uint32_t> serial_{0};
  const uint32_t key_;
};

}  // namespace logkv

#endif  // LOGKV_HOST_HANDLE_ISSUER_H_
