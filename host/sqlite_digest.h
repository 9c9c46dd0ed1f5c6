// StoreDigest arithmetic: what one label holds, summed so that SQLite's rows and a logkv store's
// keys can be compared whatever order each lists them in.
//
// checksum is the sum (mod 2^64) of one XXH3_64bits hash per (key, value) pair; a sum, not an
// exclusive or, so that two equal pairs cannot cancel out. The pair's hash is the value's hash
// seeded with the key's hash, so that the boundary between key and value counts: ("ab", "c")
// and ("a", "bc") differ. bytes counts key and value bytes.
//
// Thread-safety: plain functions; digest_store reads the store like Store::get.
#ifndef LOGKV_HOST_SQLITE_DIGEST_H_
#define LOGKV_HOST_SQLITE_DIGEST_H_

#include <string>
#include <string_view>

#include "logkv/sqlite_migration.h"
#include "logkv/status.h"
#include "logkv/store.h"

namespace logkv {

// Adds one (key, value) pair.
void add_to_digest(StoreDigest& digest, std::string_view key, std::string_view value);

// The digest of every key of `store` (read page by page with list_keys, then get), labelled
// `label`. A key deleted between its listing and its get is left out.
Result<StoreDigest> digest_store(Store& store, std::string_view label);

// "label 'a': 3 rows, 42 bytes, checksum 0x0123456789abcdef"
std::string describe_digest(const StoreDigest& digest);

// ok when rows, bytes and checksum are equal; otherwise kCorruption naming both digests and
// `what` was compared ("the store folder 'x' against 'db.sqlite'").
Status compare_digests(const StoreDigest& expected, const StoreDigest& actual,
                       std::string_view what);

}  // namespace logkv

#endif  // LOGKV_HOST_SQLITE_DIGEST_H_
