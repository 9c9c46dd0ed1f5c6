// The input format of the open_folder fuzz target: a fuzz input split into the files of a store
// folder. A simple length-prefixed format lets libFuzzer's mutations change one file's bytes,
// add a file or rename one without breaking the others.
//
//   input = { entry } ;
//   entry = name_selector:u8 , length:u16 little-endian , bytes[length] ;
//
// name_selector picks a name from folder_file_names() (modulo its size); a length running past
// the end of the input is cut to what remains, and a missing length means 0. A name given again
// appends to that file, so a long segment can be built from several entries.
//
// Thread-safety: pure functions.
#ifndef LOGKV_TESTS_FUZZ_FOLDER_INPUT_H_
#define LOGKV_TESTS_FUZZ_FOLDER_INPUT_H_

#include <map>
#include <span>
#include <string>
#include <string_view>

namespace logkv::fuzz {

// The names an input can give its files: segments 1 to 4, hint files, a compaction temporary
// file and the lock file.
std::span<const std::string_view> folder_file_names();

// File name -> bytes.
using FolderFiles = std::map<std::string, std::string>;

FolderFiles split_folder_input(std::string_view input);

// The input that split_folder_input turns back into `files` (names must be in
// folder_file_names()); long files become several entries.
std::string join_folder_input(const FolderFiles& files);

}  // namespace logkv::fuzz

#endif  // LOGKV_TESTS_FUZZ_FOLDER_INPUT_H_
