// Little-endian fixed-width integers in byte buffers.
//
// Every integer in a file logkv writes is little-endian. These helpers copy through memcpy, so
// they are safe at any alignment, and swap bytes only on big-endian hosts (a no-op elsewhere).
//
// Thread-safety: pure functions. Preconditions: the destination or source holds at least
// sizeof(T) bytes at the given position; callers check lengths before reading.
#ifndef LOGKV_BASE_ENDIAN_CODING_H_
#define LOGKV_BASE_ENDIAN_CODING_H_

#include <bit>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <string>

namespace logkv {

template <std::unsigned_integral T>
constexpr T to_or_from_little_endian(T value) {
  if constexpr (std::endian::native == std::endian::little || sizeof(T) == 1) {
    return value;
  } else if constexpr (sizeof(T) == 2) {
    return __builtin_bswap16(value);
  } else if constexpr (sizeof(T) == 4) {
    return __builtin_bswap32(value);
  } else {
    static_assert(sizeof(T) == 8, "only 8-, 16-, 32- and 64-bit integers are encoded");
    return __builtin_bswap64(value);
  }
}

// Writes `value` little-endian at `destination`.
template <std::unsigned_integral T>
inline void store_little_endian(char* destination, T value) {
  const T encoded = to_or_from_little_endian(value);
  std::memcpy(destination, &encoded, sizeof(T));
}

// Reads a little-endian T from `source`.
template <std::unsigned_integral T>
inline T load_little_endian(const char* source) {
  T encoded;
  std::memcpy(&encoded, source, sizeof(T));
  return to_or_from_little_endian(encoded);
}

// Appends `value` little-endian to `out`.
template <std::unsigned_integral T>
inline void append_little_endian(std::string* out, T value) {
  char bytes[sizeof(T)];
  store_little_endian(bytes, value);
  out->append(bytes, sizeof(T));
}

}  // namespace logkv

#endif  // LOGKV_BASE_ENDIAN_CODING_H_
