#include "tests/fuzz/folder_input.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace logkv::fuzz {

namespace {

constexpr std::array<std::string_view, 8> kNames = {
    "0000000001.log",  "0000000002.log",  "0000000003.log",     "0000000004.log",
    "0000000001.hint", "0000000002.hint", "0000000003.log.tmp", "LOCK",
};

constexpr size_t kEntryBytesMax = 0xffff;

}  // namespace

std::span<const std::string_view> folder_file_names() { return kNames; }

FolderFiles split_folder_input(std::string_view input) {
  FolderFiles files;
  while (!input.empty()) {
    const std::string_view name = kNames[static_cast<uint8_t>(input[0]) % kNames.size()];
    input.remove_prefix(1);
    size_t length = 0;
    if (!input.empty()) length = static_cast<uint8_t>(input[0]);
    if (input.size() >= 2) length |= static_cast<size_t>(static_cast<uint8_t>(input[1])) << 8;
    input.remove_prefix(std::min<size_t>(2, input.size()));
    length = std::min(length, input.size());
    files[std::string(name)].append(input.substr(0, length));
    input.remove_prefix(length);
  }
  return files;
}

std::string join_folder_input(const FolderFiles& files) {
  std::string input;
  for (const auto& [name, bytes] : files) {
    const auto found = std::find(kNames.begin(), kNames.end(), name);
    const auto selector = static_cast<char>(found - kNames.begin());
    std::string_view rest = bytes;
    do {
      const size_t length = std::min(rest.size(), kEntryBytesMax);
      input.push_back(selector);
      input.push_back(static_cast<char>(length & 0xff));
      input.push_back(static_cast<char>(length >> 8));
      input.append(rest.substr(0, length));
      rest.remove_prefix(length);
    } while (!rest.empty());
  }
  return input;
}

}  // namespace logkv::fuzz
