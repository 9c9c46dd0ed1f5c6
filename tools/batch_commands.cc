#include "tools/batch_commands.h"

#include <array>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "logkv/key_text.h"
#include "logkv/store.h"
#include "tools/json_text.h"

namespace logkv::tool {
namespace {

// Standard input is read whole before the store is opened (so the lock is not held while a slow
// pipe fills), and never beyond this: a batch larger than 1 GiB of JSON is refused unread.
constexpr size_t kJsonInputBytesMax = size_t{1} << 30;

Result<std::string> read_json_input(std::istream& in) {
  std::string json;
  std::array<char, 64 * 1024> chunk;
  while (true) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto got = static_cast<size_t>(in.gcount());
    json.append(chunk.data(), got);
    if (json.size() > kJsonInputBytesMax) {
      return Status::limit_exceeded("the JSON on standard input is longer than " +
                                    std::to_string(kJsonInputBytesMax) +
                                    " bytes; split the batch into smaller ones");
    }
    if (got < chunk.size()) break;
  }
  if (in.bad()) {
    return Status::io_error("reading standard input failed after " + std::to_string(json.size()) +
                            " bytes; nothing was changed");
  }
  return json;
}

Result<std::vector<std::string>> read_key_array(std::istream& in) {
  Result<std::string> json = read_json_input(in);
  if (!json.is_ok()) return json.status();
  return parse_json_string_array(*json);
}

}  // namespace

ExitCode run_set_many(const StoreSelection& selection, CommandIo& io) {
  constexpr std::string_view kCommand = "set-many";
  Result<std::string> json = read_json_input(io.in);
  if (!json.is_ok()) return report(io, kCommand, json.status());
  Result<std::vector<std::pair<std::string, std::string>>> pairs = parse_json_string_object(*json);
  if (!pairs.is_ok()) return report(io, kCommand, pairs.status());
  const std::vector<std::pair<std::string_view, std::string_view>> views(pairs->begin(),
                                                                         pairs->end());
  Result<OpenStore> store = OpenStore::open(selection, IfMissing::kCreate);
  if (!store.is_ok()) return report(io, kCommand, store.status());
  Status status = (*store)->set_many(views);
  if (!status.is_ok()) return store->close(io, selection, report(io, kCommand, status));
  return store->close(io, selection, ExitCode::kSuccess);
}

ExitCode run_get_many(const StoreSelection& selection, CommandIo& io) {
  constexpr std::string_view kCommand = "get-many";
  Result<std::vector<std::string>> keys = read_key_array(io.in);
  if (!keys.is_ok()) return report(io, kCommand, keys.status());
  const std::vector<std::string_view> views(keys->begin(), keys->end());
  Result<OpenStore> store = OpenStore::open(selection, IfMissing::kFail, Access::kReadOnly);
  if (!store.is_ok()) return report(io, kCommand, store.status());
  Result<std::vector<std::optional<std::string>>> values = (*store)->get_many(views);
  if (!values.is_ok()) return store->close(io, selection, report(io, kCommand, values.status()));
  std::string line = "{";
  for (size_t i = 0; i < views.size(); ++i) {
    const std::optional<std::string>& value = (*values)[i];
    if (value.has_value() && first_invalid_utf8_offset(*value).has_value()) {
      const Status not_text = Status::not_supported(
          "the value of key " + printable_key(views[i]) +
          " is not UTF-8 text, which JSON cannot carry; read it with `logkv get`");
      return store->close(io, selection, report(io, kCommand, not_text));
    }
    if (i > 0) line += ',';
    append_json_string(line, views[i]);
    line += ':';
    if (value.has_value()) {
      append_json_string(line, *value);
    } else {
      line += "null";
    }
  }
  line += "}\n";
  io.out.write(line.data(), static_cast<std::streamsize>(line.size()));
  return store->close(io, selection, finish_output(io, ExitCode::kSuccess));
}

ExitCode run_delete_many(const StoreSelection& selection, CommandIo& io) {
  constexpr std::string_view kCommand = "delete-many";
  Result<std::vector<std::string>> keys = read_key_array(io.in);
  if (!keys.is_ok()) return report(io, kCommand, keys.status());
  const std::vector<std::string_view> views(keys->begin(), keys->end());
  Result<OpenStore> store = OpenStore::open(selection, IfMissing::kFail);
  if (!store.is_ok()) return report(io, kCommand, store.status());
  Status status = (*store)->delete_many(views);
  if (!status.is_ok()) return store->close(io, selection, report(io, kCommand, status));
  return store->close(io, selection, ExitCode::kSuccess);
}

}  // namespace logkv::tool
