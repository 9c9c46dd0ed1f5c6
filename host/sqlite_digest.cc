#include "host/sqlite_digest.h"

#include <xxhash.h>

#include <cstdio>
#include <optional>

#include "logkv/key_text.h"

namespace logkv {
namespace {

// Pages of this many keys bound the listing's memory, whatever the store holds.
constexpr size_t kDigestPageKeys = 4096;

}  // namespace

void add_to_digest(StoreDigest& digest, std::string_view key, std::string_view value) {
  const XXH64_hash_t key_hash = XXH3_64bits(key.data(), key.size());
  digest.checksum += XXH3_64bits_withSeed(value.data(), value.size(), key_hash);
  digest.rows += 1;
  digest.bytes += key.size() + value.size();
}

Result<StoreDigest> digest_store(Store& store, std::string_view label) {
  StoreDigest digest;
  digest.label = std::string(label);
  std::optional<std::string> cursor;
  do {
    Result<KeyPage> page = store.list_keys(cursor, kDigestPageKeys);
    if (!page.is_ok()) return page.status();
    for (const std::string& key : page->keys) {
      Result<std::optional<std::string>> value = store.get(key);
      if (!value.is_ok()) return value.status();
      if (value->has_value()) add_to_digest(digest, key, **value);
    }
    cursor = std::move(page->cursor);
  } while (cursor.has_value());
  return digest;
}

std::string describe_digest(const StoreDigest& digest) {
  char checksum[24];
  std::snprintf(checksum, sizeof checksum, "0x%016llx",
                static_cast<unsigned long long>(digest.checksum));
  return "label " + printable_key(digest.label) + ": " + std::to_string(digest.rows) + " rows, " +
         std::to_string(digest.bytes) + " bytes, checksum " + checksum;
}

Status compare_digests(const StoreDigest& expected, const StoreDigest& actual,
                       std::string_view what) {
  if (expected.rows == actual.rows && expected.bytes == actual.bytes &&
      expected.checksum == actual.checksum) {
    return Status::ok();
  }
  return Status::corruption("verification failed comparing " + std::string(what) + ": expected " +
                            describe_digest(expected) + ", found " + describe_digest(actual) +
                            "; the copy is not used. Check the disk and try again");
}

}  // namespace logkv
