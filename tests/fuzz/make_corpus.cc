// make_fuzz_corpus: writes the seed corpus of every fuzz target into a folder:
//
//   make_fuzz_corpus tests/fuzz/corpus
//
// The inputs are made by the real engine (a store on an in-memory file system) and the real
// record encoder, then cut, padded or split the way crashes leave files, so the fuzzers start
// from valid structure instead of having to discover magic numbers and checksums. The output
// is deterministic; run it again after a format change and check the files in.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "engine/store_impl.h"
#include "fs/mem_file_system.h"
#include "tests/fuzz/folder_input.h"
#include "wal/file_names.h"
#include "wal/hint_file.h"
#include "wal/record.h"
#include "wal/record_format.h"

namespace logkv::fuzz {
namespace {

constexpr char kDir[] = "/store";

void write_input(const std::filesystem::path& folder, const std::string& name,
                 const std::string& bytes) {
  std::filesystem::create_directories(folder);
  std::ofstream file(folder / name, std::ios::binary | std::ios::trunc);
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!file) {
    std::fprintf(stderr, "make_fuzz_corpus: cannot write %s\n", (folder / name).c_str());
    std::exit(1);
  }
}

std::string record(RecordType type, uint64_t sequence, std::string_view key, std::string_view value,
                   uint8_t flags = 0, uint32_t synced_offset = 0) {
  std::string bytes;
  append_encoded_record({type, sequence, synced_offset, key, value, flags}, &bytes);
  return bytes;
}

// A store written by the engine: small segments, a few sets, deletes and a batch.
FolderFiles written_store() {
  auto mem = std::make_shared<MemFileSystem>();
  Options options;
  options.segment_bytes_max = 4096;
  if constexpr (requires { options.automatic_compaction; }) options.automatic_compaction = false;
  auto store = open_store(mem, kDir, options).value();
  for (int i = 0; i < 9; ++i) {
    const std::string key = "key" + std::to_string(i % 5);
    if (!store->set(key, std::string(200 + 150 * i, static_cast<char>('a' + i))).is_ok()) {
      std::exit(1);
    }
  }
  WriteBatch batch;
  batch.set("batch-a", "1");
  batch.del("key1");
  batch.set("batch-b", "2");
  if (!store->del("key2").is_ok() || !store->write(batch).is_ok() || !store->close().is_ok()) {
    std::exit(1);
  }
  FolderFiles files;
  const auto names = folder_file_names();
  for (const std::string& name : mem->list_dir(kDir).value()) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      std::fprintf(stderr,
                   "make_fuzz_corpus: the store wrote '%s', which the folder input "
                   "format cannot name\n",
                   name.c_str());
      std::exit(1);
    }
    files[name] = mem->read_file(join_path(kDir, name)).value();
  }
  return files;
}

void decode_record_corpus(const std::filesystem::path& folder) {
  write_input(folder, "set", record(RecordType::kSet, 1, "key", "value"));
  write_input(folder, "set_empty_value", record(RecordType::kSet, 7, "k", ""));
  write_input(folder, "delete", record(RecordType::kDelete, 2, "key", "", 0, 32));
  write_input(folder, "batch_member",
              record(RecordType::kSet, 3, "a", "1", kRecordFlagBatchContinues, 62));
  write_input(folder, "long_value", record(RecordType::kSet, 9, "big", std::string(300, 'v')));
  const std::string whole = record(RecordType::kSet, 4, "cut", "in half");
  write_input(folder, "truncated", whole.substr(0, whole.size() / 2));
}

void scan_segment_corpus(const std::filesystem::path& folder, const FolderFiles& store) {
  // The first byte: bit 0 = newest, the rest = segment id - 1.
  const std::string first = store.at(segment_file_name(1));
  uint64_t newest_id = 0;
  for (const auto& [name, bytes] : store) {
    newest_id = std::max(newest_id, parse_segment_file_name(name).value_or(0));
  }
  const std::string newest_name = segment_file_name(newest_id);
  const std::string newest = store.at(newest_name);
  const auto selector = [](uint64_t id, bool is_newest) {
    return std::string(1, static_cast<char>(((id - 1) << 1) | (is_newest ? 1 : 0)));
  };
  write_input(folder, "sealed_segment", selector(1, false) + first);
  write_input(folder, "newest_segment", selector(newest_id, true) + newest);
  write_input(folder, "torn_tail", selector(newest_id, true) + newest.substr(0, newest.size() - 5));
  write_input(folder, "zero_tail", selector(newest_id, true) + newest + std::string(600, '\0'));
  write_input(folder, "header_only", selector(1, true) + first.substr(0, 32));
  write_input(folder, "half_header", selector(1, true) + first.substr(0, 13));
  std::string damaged = first;
  damaged[100] ^= 0x40;
  write_input(folder, "damaged_sealed_segment", selector(1, false) + damaged);
}

// Hint files of a segment laid out record by record from the real encoder. The first byte of an
// input is the segment id - 1.
void decode_hint_corpus(const std::filesystem::path& folder) {
  struct Written {
    RecordType type;
    std::string key;
    std::string value;
  };
  const Written records[] = {{RecordType::kSet, "alpha", "1"},
                             {RecordType::kSet, "beta", std::string(90, 'b')},
                             {RecordType::kDelete, "gamma", ""},
                             {RecordType::kSet, "delta", "4444"}};
  std::vector<HintEntry> entries;
  uint64_t offset = kSegmentHeaderBytes;
  uint64_t sequence = 10;
  for (const Written& written : records) {
    const auto bytes =
        static_cast<uint32_t>(record(written.type, sequence, written.key, written.value).size());
    entries.push_back({written.key, sequence, static_cast<uint32_t>(offset), bytes, written.type});
    offset += bytes;
    sequence += 3;
  }
  const std::string id_byte(1, '\x06');  // segment 7
  write_input(folder, "four_entries", id_byte + encode_hint_file(7, offset, entries));
  write_input(folder, "no_entries", id_byte + encode_hint_file(7, kSegmentHeaderBytes, {}));
  write_input(folder, "one_delete",
              id_byte + encode_hint_file(7, offset, std::span(entries).subspan(2, 1)));
  std::string damaged = encode_hint_file(7, offset, entries);
  damaged[kHintHeaderBytes + 3] ^= 0x10;
  write_input(folder, "bad_checksum", id_byte + damaged);
  write_input(folder, "other_segment",
              std::string(1, '\x02') + encode_hint_file(7, offset, entries));
  // High bit: the fuzzer recomputes the checksum, so this damaged entry is judged on its own.
  std::string bad_entry = encode_hint_file(7, offset, entries);
  bad_entry[kHintHeaderBytes + kHintEntryTypeOffset] = 9;
  write_input(folder, "bad_entry_type_checksum_fixed", std::string(1, '\x86') + bad_entry);
}

void open_folder_corpus(const std::filesystem::path& folder, const FolderFiles& store) {
  write_input(folder, "empty_folder", "");
  write_input(folder, "written_store", join_folder_input(store));
  FolderFiles torn = store;
  for (auto it = torn.rbegin(); it != torn.rend(); ++it) {
    if (!parse_segment_file_name(it->first)) continue;
    it->second.resize(it->second.size() - 7);
    break;
  }
  write_input(folder, "torn_newest_segment", join_folder_input(torn));
  FolderFiles with_temp = store;
  with_temp["0000000003.log.tmp"] = store.at(segment_file_name(1)).substr(0, 40);
  write_input(folder, "leftover_temp_file", join_folder_input(with_temp));
  FolderFiles first_only;
  first_only[segment_file_name(1)] = store.at(segment_file_name(1));
  write_input(folder, "one_segment", join_folder_input(first_only));
}

}  // namespace
}  // namespace logkv::fuzz

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_fuzz_corpus <corpus folder>\n");
    return 2;
  }
  const std::filesystem::path out(argv[1]);
  const logkv::fuzz::FolderFiles store = logkv::fuzz::written_store();
  logkv::fuzz::decode_record_corpus(out / "decode_record");
  logkv::fuzz::scan_segment_corpus(out / "scan_segment", store);
  logkv::fuzz::open_folder_corpus(out / "open_folder", store);
  logkv::fuzz::decode_hint_corpus(out / "decode_hint");
  return 0;
}
