#include "tools/copy_command.h"

#include <xxhash.h>

#include <cinttypes>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "logkv/host.h"
#include "logkv/key_page.h"
#include "logkv/key_text.h"
#include "logkv/store.h"
#include "tools/progress_bar.h"

namespace logkv::tool {
namespace {

// Keys per batch: a list_keys page, one get_many and one set_many. 64 values of the default
// 1 MiB limit stay well under the default 128 MiB query cap.
constexpr size_t kBatchKeys = 64;

// A fingerprint of sorted (key, value) pairs: each framed by its lengths, so that no two
// different sequences hash the same bytes.
class PairDigest {
 public:
  PairDigest() : state_(XXH3_createState()) { XXH3_64bits_reset(state_.get()); }
  void add(std::string_view key, std::string_view value) {
    const uint64_t lengths[2] = {key.size(), value.size()};
    XXH3_64bits_update(state_.get(), lengths, sizeof lengths);
    XXH3_64bits_update(state_.get(), key.data(), key.size());
    XXH3_64bits_update(state_.get(), value.data(), value.size());
    ++pairs_;
    bytes_ += key.size() + value.size();
  }
  uint64_t checksum() const { return XXH3_64bits_digest(state_.get()); }
  uint64_t pairs() const { return pairs_; }
  uint64_t bytes() const { return bytes_; }

 private:
  struct Free {
    void operator()(XXH3_state_t* state) const { XXH3_freeState(state); }
  };
  std::unique_ptr<XXH3_state_t, Free> state_;
  uint64_t pairs_ = 0;
  uint64_t bytes_ = 0;
};

std::string hex(uint64_t checksum) {
  char text[19];
  std::snprintf(text, sizeof text, "0x%016" PRIx64, checksum);
  return text;
}

// Calls `each` with every page of keys under `prefix`, in byte order.
template <typename Each>
Status for_each_page(Store& store, std::string_view prefix, Each each) {
  std::optional<std::string> cursor;
  for (;;) {
    Result<KeyPage> page = store.list_keys(cursor, kBatchKeys, prefix);
    if (!page.is_ok()) return page.status();
    LOGKV_RETURN_IF_ERROR(each(page->keys));
    if (!page->cursor) return Status::ok();
    cursor = std::move(page->cursor);
  }
}

// The values of `keys`, in order (none for a key deleted meanwhile). One get_many, or one get
// per key when the batch's values exceed the store's query cap.
Result<std::vector<std::optional<std::string>>> values_of(Store& store,
                                                          const std::vector<std::string>& keys) {
  const std::vector<std::string_view> views(keys.begin(), keys.end());
  Result<std::vector<std::optional<std::string>>> values = store.get_many(views);
  if (values.is_ok() || values.status().code() != StatusCode::kLimitExceeded) return values;
  std::vector<std::optional<std::string>> one_by_one;
  for (const std::string& key : keys) {
    Result<std::optional<std::string>> value = store.get(key);
    if (!value.is_ok()) return value.status();
    one_by_one.push_back(std::move(value).value());
  }
  return one_by_one;
}

Result<uint64_t> count_keys(Store& store, std::string_view prefix) {
  uint64_t count = 0;
  LOGKV_RETURN_IF_ERROR(for_each_page(store, prefix, [&count](const std::vector<std::string>& k) {
    count += k.size();
    return Status::ok();
  }));
  return count;
}

// Copies every key under the prefix, batch by batch.
Status copy_keys(Store& from, Store& to, std::string_view prefix, ProgressBar& progress) {
  return for_each_page(from, prefix, [&](const std::vector<std::string>& keys) -> Status {
    Result<std::vector<std::optional<std::string>>> values = values_of(from, keys);
    if (!values.is_ok()) return values.status().with_context("reading the source");
    std::vector<std::pair<std::string_view, std::string_view>> pairs;
    for (size_t i = 0; i < keys.size(); ++i) {
      if ((*values)[i]) pairs.emplace_back(keys[i], *(*values)[i]);
    }
    LOGKV_RETURN_IF_ERROR(to.set_many(pairs).with_context("writing the target"));
    progress.advance(keys.size());
    return Status::ok();
  });
}

// Digests of the source's keys as the source and as the target hold them.
struct Verification {
  PairDigest source;
  PairDigest target;
  std::string first_difference;  // a key whose values differ, or that the target lacks
};

Status verify(Store& from, Store& to, std::string_view prefix, ProgressBar& progress,
              Verification& result) {
  return for_each_page(from, prefix, [&](const std::vector<std::string>& keys) -> Status {
    Result<std::vector<std::optional<std::string>>> ours = values_of(from, keys);
    if (!ours.is_ok()) return ours.status().with_context("verifying the source");
    Result<std::vector<std::optional<std::string>>> theirs = values_of(to, keys);
    if (!theirs.is_ok()) return theirs.status().with_context("verifying the target");
    for (size_t i = 0; i < keys.size(); ++i) {
      const std::optional<std::string>& a = (*ours)[i];
      const std::optional<std::string>& b = (*theirs)[i];
      if (a) result.source.add(keys[i], *a);
      if (b) result.target.add(keys[i], *b);
      if (a != b && result.first_difference.empty()) result.first_difference = keys[i];
    }
    progress.advance(keys.size());
    return Status::ok();
  });
}

}  // namespace

ExitCode run_copy(const StoreSelection& selection, const CopyRequest& request, CommandIo& io) {
  const std::string command = "copy '" + request.from_label + "' to '" + request.to_label + "'";
  if (request.from_label == request.to_label) {
    return report(io, command,
                  Status::invalid_argument("FROM_LABEL and TO_LABEL are the same store; name two "
                                           "labels of the runtime config"));
  }
  Result<std::unique_ptr<Host>> host = open_host(selection);
  if (!host.is_ok()) return report(io, command, host.status());
  Result<std::unique_ptr<ComponentStores>> component =
      (*host)->instantiate({request.from_label, request.to_label});
  if (!component.is_ok()) return report(io, command, component.status());
  std::shared_ptr<Store> stores[2];
  const std::string* labels[2] = {&request.from_label, &request.to_label};
  for (int i = 0; i < 2; ++i) {
    Result<StoreHandle> handle = (*component)->open(*labels[i]);
    if (!handle.is_ok()) return report(io, command, handle.status());
    Result<std::shared_ptr<Store>> store = (*component)->store(*handle);
    if (!store.is_ok()) return report(io, command, store.status());
    stores[i] = *store;
  }
  Store& from = *stores[0];
  Store& to = *stores[1];

  if (!request.merge) {
    Result<KeyPage> first = to.list_keys(std::nullopt, 1);
    if (!first.is_ok()) return report(io, command, first.status());
    if (!first->keys.empty()) {
      return report(io, command,
                    Status::invalid_argument("the target store '" + request.to_label +
                                             "' is not empty; copy into an empty store, or pass "
                                             "--merge to overwrite the keys both hold"));
    }
  }
  Result<uint64_t> total = count_keys(from, request.prefix);
  if (!total.is_ok()) return report(io, command, total.status());

  {
    ProgressBar progress = ProgressBar::for_stderr("copy", *total, ProgressUnit::kItems);
    if (Status copied = copy_keys(from, to, request.prefix, progress); !copied.is_ok()) {
      return report(io, command, copied);
    }
  }
  Verification verification;
  {
    ProgressBar progress = ProgressBar::for_stderr("verify", *total, ProgressUnit::kItems);
    if (Status checked = verify(from, to, request.prefix, progress, verification);
        !checked.is_ok()) {
      return report(io, command, checked);
    }
  }
  uint64_t target_keys = verification.target.pairs();
  if (!request.merge) {
    Result<uint64_t> counted = count_keys(to, request.prefix);
    if (!counted.is_ok()) return report(io, command, counted.status());
    target_keys = *counted;
  }
  if (!verification.first_difference.empty() ||
      verification.source.checksum() != verification.target.checksum() ||
      target_keys != verification.source.pairs()) {
    return report(
        io, command,
        Status::corruption(
            "verification failed: the source holds " + std::to_string(verification.source.pairs()) +
            " keys (checksum " + hex(verification.source.checksum()) + "), the target " +
            std::to_string(target_keys) + " (checksum " + hex(verification.target.checksum()) +
            ")" +
            (verification.first_difference.empty()
                 ? std::string()
                 : "; first difference at key '" + verification.first_difference + "'") +
            "; was either store written during the copy? Copy again with --merge once writers "
            "stop"));
  }
  if (Status closed = to.close(); !closed.is_ok()) {
    return report(io, command, closed.with_context("closing the target"));
  }
  io.out << "copied " << verification.source.pairs()
         << (verification.source.pairs() == 1 ? " key (" : " keys (") << verification.source.bytes()
         << " bytes) from '" << request.from_label << "' to '" << request.to_label << "', checksum "
         << hex(verification.source.checksum()) << ", verified\n";
  return finish_output(io, ExitCode::kSuccess);
}

}  // namespace logkv::tool
