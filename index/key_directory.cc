#include "index/key_directory.h"

#include <cmath>

namespace logkv {

namespace {

// Keys per shard to reserve when `keys` keys are spread over `shards` shards by a good hash:
// the mean plus four standard deviations (binomial), so that a shard rarely has to grow past
// its reservation, and the tables end up barely larger than for exactly the mean.
size_t shard_share(size_t keys, size_t shards) {
  const double mean = static_cast<double>(keys) / static_cast<double>(shards);
  const double deviation = std::sqrt(mean * (1.0 - 1.0 / static_cast<double>(shards)));
  return static_cast<size_t>(mean + 4.0 * deviation) + 1;
}

}  // namespace

KeyDirectory::KeyDirectory(size_t expected_keys) {
  if (expected_keys > 0) {
    for (Shard& shard : shards_) {
      shard.index.reserve(shard_share(expected_keys, kShards));
      shard.reserved = true;
    }
  }
}

std::optional<IndexEntry> KeyDirectory::find(std::string_view key) const {
  const uint64_t key_hash = hash_key(key);
  const Shard& shard = shards_[shard_of(key_hash)];
  std::shared_lock lock(shard.mutex);
  return shard.index.find(key, key_hash);
}

std::optional<IndexEntry> KeyDirectory::find_unlocked_by_writer(std::string_view key) const {
  const uint64_t key_hash = hash_key(key);
  return shards_[shard_of(key_hash)].index.find(key, key_hash);
}

std::optional<IndexEntry> KeyDirectory::put(std::string_view key, const IndexEntry& entry) {
  const uint64_t key_hash = hash_key(key);
  Shard& shard = shards_[shard_of(key_hash)];
  std::unique_lock lock(shard.mutex);
  std::optional<IndexEntry> previous = shard.index.put(key, key_hash, entry);
  if (!previous) size_.fetch_add(1, std::memory_order_relaxed);
  return previous;
}

std::optional<IndexEntry> KeyDirectory::erase(std::string_view key) {
  const uint64_t key_hash = hash_key(key);
  Shard& shard = shards_[shard_of(key_hash)];
  std::unique_lock lock(shard.mutex);
  std::optional<IndexEntry> previous = shard.index.erase(key, key_hash);
  if (previous) size_.fetch_sub(1, std::memory_order_relaxed);
  return previous;
}

bool KeyDirectory::replace_if(std::string_view key, const IndexEntry& expected,
                              const IndexEntry& replacement) {
  const uint64_t key_hash = hash_key(key);
  Shard& shard = shards_[shard_of(key_hash)];
  std::unique_lock lock(shard.mutex);
  return shard.index.replace_if(key, key_hash, expected, replacement);
}

void KeyDirectory::reserve_for_recovery(size_t keys) {
  if (keys == 0) return;
  const size_t share = shard_share(keys, kShards);
  for (Shard& shard : shards_) {
    shard.index.reserve(share);
    shard.reserved = true;
  }
}

void KeyDirectory::finish_recovery() {
  size_t keys = 0;
  for (Shard& shard : shards_) {
    // The reservation was an upper bound (overwritten and deleted keys count in it). Without
    // one, the tables are as put() grew them or as an image saved them: left alone, since a
    // shrink rehashes every key (8 ms at a million keys).
    if (shard.reserved) shard.index.shrink_to_growth_load();
    shard.reserved = false;
    shard.index.release_slack();
    keys += shard.index.size();
  }
  size_.store(keys, std::memory_order_relaxed);
}

size_t KeyDirectory::memory_bytes() const {
  size_t bytes = sizeof(*this);
  for (const Shard& shard : shards_) {
    std::shared_lock lock(shard.mutex);
    bytes += shard.index.memory_bytes();
  }
  return bytes;
}

std::vector<std::string> KeyDirectory::keys() const {
  std::vector<std::string> keys;
  keys.reserve(size());
  for (const Shard& shard : shards_) {
    std::shared_lock lock(shard.mutex);
    shard.index.for_each(
        [&keys](std::string_view key, const IndexEntry&) { keys.emplace_back(key); });
  }
  return keys;
}

size_t KeyDirectory::image_bytes() const {
  size_t bytes = 0;
  for (const Shard& shard : shards_) {
    std::shared_lock lock(shard.mutex);
    bytes += shard.index.image_bytes();
  }
  return bytes;
}

void KeyDirectory::append_image(std::string& out) const {
  for (const Shard& shard : shards_) {
    std::shared_lock lock(shard.mutex);
    shard.index.append_image(out);
  }
}

bool KeyDirectory::load_shard_image_for_recovery(size_t shard, std::string_view& image,
                                                 std::string& problem) {
  std::optional<HashIndex> index = HashIndex::from_image(image, problem);
  if (!index.has_value()) return false;
  shards_[shard].index = std::move(*index);
  shards_[shard].reserved = false;
  return true;
}

void KeyDirectory::clear_for_recovery() {
  for (const std::string& key : keys()) erase_for_recovery(key, hash_key(key));
  finish_recovery();
}

}  // namespace logkv
