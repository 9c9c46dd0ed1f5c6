// Segment preallocation, with both write backends: the file grows in whole chunks of zeros
// ahead of the appends, readers see only the content, close() cuts the zeros, and a crash
// leaves a zero tail that the log scanner takes for a torn tail.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fs/posix_file_system.h"
#include "fs/posix_mapped_file.h"
#include "fs/posix_writable_file.h"
#include "tests/fs/backend_util.h"
#include "tests/fs/file_system_contract.h"
#include "tests/support/test_dir.h"
#include "tests/wal/wal_test_util.h"
#include "wal/file_names.h"
#include "wal/segment_scanner.h"
#include "wal/segment_writer.h"

namespace logkv::testing {
namespace {

using ::testing::HasSubstr;

using PwritePreallocatingProvider = PosixBackendProvider<IoBackend::kPwrite, kTestChunkBytes>;
INSTANTIATE_TYPED_TEST_SUITE_P(PwritePreallocating, FileSystemContractTest,
                               PwritePreallocatingProvider);

constexpr uint64_t kChunk = kTestChunkBytes;

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

uint64_t length_on_disk(const std::string& path) { return std::filesystem::file_size(path); }

class PreallocationTest : public ::testing::TestWithParam<IoBackend> {
 protected:
  void SetUp() override {
    BackendUnderTest made = make_backend(GetParam(), kChunk, dir_.path());
    if (made.fs == nullptr) GTEST_SKIP() << made.skip_reason;
    fs_ = std::move(made.fs);
  }

  std::unique_ptr<WritableFile> open(const std::string& name, OpenMode mode) {
    Result<std::unique_ptr<WritableFile>> file = fs_->open_writable(dir_.file(name), mode);
    EXPECT_TRUE(file.is_ok()) << file.status().to_string();
    return file.is_ok() ? std::move(*file) : nullptr;
  }

  static uint64_t allocated(const WritableFile& file) {
    return dynamic_cast<const PosixWritableFile&>(file).allocated_bytes();
  }

  TestDir dir_;
  std::shared_ptr<PosixFileSystem> fs_;
};

INSTANTIATE_TEST_SUITE_P(Backends, PreallocationTest,
                         ::testing::Values(IoBackend::kPwrite, IoBackend::kIoUring),
                         [](const ::testing::TestParamInfo<IoBackend>& info) {
                           return info.param == IoBackend::kPwrite ? "Pwrite" : "IoUring";
                         });

TEST_P(PreallocationTest, FileGrowsInWholeChunksWhileSizeCountsTheContent) {
  std::unique_ptr<WritableFile> file = open("a", OpenMode::kCreateNew);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(length_on_disk(dir_.file("a")), 0u);
  const std::string record(100, 'r');
  ASSERT_TRUE(file->append_and_sync(record).is_ok());
  EXPECT_EQ(file->size(), 100u);
  EXPECT_EQ(length_on_disk(dir_.file("a")), kChunk);
  EXPECT_EQ(allocated(*file), kChunk);

  uint64_t appended = 100;
  while (appended + record.size() <= kChunk) {
    ASSERT_TRUE(file->append(record).is_ok());
    appended += record.size();
  }
  ASSERT_TRUE(file->sync().is_ok());
  EXPECT_EQ(length_on_disk(dir_.file("a")), kChunk) << "no growth while the chunk has room";
  ASSERT_TRUE(file->append(record).is_ok());
  ASSERT_TRUE(file->sync().is_ok());
  appended += record.size();
  EXPECT_EQ(file->size(), appended);
  EXPECT_EQ(length_on_disk(dir_.file("a")), 2 * kChunk);
}

// Zeros ahead of a large append would double what it writes: it extends the file itself, and
// the next small append preallocates again from the new end.
TEST_P(PreallocationTest, LargeAppendExtendsTheFileWithoutZerosAhead) {
  std::unique_ptr<WritableFile> file = open("a", OpenMode::kCreateNew);
  ASSERT_NE(file, nullptr);
  const std::string small(100, 's');
  ASSERT_TRUE(file->append_and_sync(small).is_ok());
  ASSERT_EQ(length_on_disk(dir_.file("a")), kChunk);

  const std::string big(2 * kChunk + 10, 'b');
  ASSERT_TRUE(file->append_and_sync(big).is_ok());
  const uint64_t content = small.size() + big.size();
  EXPECT_EQ(file->size(), content);
  EXPECT_EQ(length_on_disk(dir_.file("a")), content) << "no zeros written past a large append";
  EXPECT_EQ(allocated(*file), content);

  const std::string quarter(kChunk / 4, 'q');
  ASSERT_TRUE(file->append_and_sync(quarter).is_ok());
  EXPECT_EQ(length_on_disk(dir_.file("a")), content + quarter.size())
      << "a quarter chunk counts as large";

  ASSERT_TRUE(file->append_and_sync(small).is_ok());
  const uint64_t end = content + quarter.size() + small.size();
  EXPECT_EQ(file->size(), end);
  EXPECT_EQ(length_on_disk(dir_.file("a")), (end + kChunk - 1) / kChunk * kChunk)
      << "a small append preallocates up to the next chunk boundary again";
  EXPECT_EQ(file_text(dir_.file("a")).substr(0, end), small + big + quarter + small);
}

TEST_P(PreallocationTest, ReadersAndFileSizeSeeOnlyTheContentWhileTheWriterIsOpen) {
  std::unique_ptr<WritableFile> file = open("a", OpenMode::kCreateNew);
  ASSERT_NE(file, nullptr);
  ASSERT_TRUE(file->append_and_sync("first record;").is_ok());
  Result<std::unique_ptr<RandomAccessFile>> reader = fs_->open_random_access(dir_.file("a"));
  ASSERT_TRUE(reader.is_ok());
  Result<std::unique_ptr<RandomAccessFile>> mapped = PosixMappedFile::open(dir_.file("a"), 1 << 20);
  ASSERT_TRUE(mapped.is_ok());
  ASSERT_TRUE(file->append_and_sync("second record").is_ok());
  const std::string content = "first record;second record";

  Result<uint64_t> size = fs_->file_size(dir_.file("a"));
  ASSERT_TRUE(size.is_ok());
  EXPECT_EQ(*size, content.size());
  EXPECT_EQ(length_on_disk(dir_.file("a")), kChunk);
  for (const auto* source : {&*reader, &*mapped}) {
    Result<uint64_t> reader_size = (*source)->size();
    ASSERT_TRUE(reader_size.is_ok());
    EXPECT_EQ(*reader_size, content.size());
    std::string scratch(100, '\0');
    Result<std::string_view> bytes = (*source)->read(0, scratch.size(), scratch.data());
    ASSERT_TRUE(bytes.is_ok());
    EXPECT_EQ(*bytes, content) << "a read is short at the end of the content, not of the zeros";
  }
}

TEST_P(PreallocationTest, CloseCutsTheZeroTail) {
  std::unique_ptr<WritableFile> file = open("a", OpenMode::kCreateNew);
  ASSERT_NE(file, nullptr);
  ASSERT_TRUE(file->append_and_sync("content").is_ok());
  ASSERT_EQ(length_on_disk(dir_.file("a")), kChunk);
  ASSERT_TRUE(file->close().is_ok());
  EXPECT_EQ(length_on_disk(dir_.file("a")), 7u);
  EXPECT_EQ(file_text(dir_.file("a")), "content");
  Result<uint64_t> size = fs_->file_size(dir_.file("a"));
  ASSERT_TRUE(size.is_ok());
  EXPECT_EQ(*size, 7u);
}

TEST_P(PreallocationTest, DroppingTheFileWithoutCloseLeavesZerosThatReadersThenSee) {
  std::unique_ptr<WritableFile> file = open("a", OpenMode::kCreateNew);
  ASSERT_NE(file, nullptr);
  ASSERT_TRUE(file->append_and_sync("content").is_ok());
  file.reset();
  EXPECT_EQ(length_on_disk(dir_.file("a")), kChunk);
  Result<uint64_t> size = fs_->file_size(dir_.file("a"));
  ASSERT_TRUE(size.is_ok());
  EXPECT_EQ(*size, kChunk);
  const std::string text = file_text(dir_.file("a"));
  EXPECT_EQ(text.substr(0, 7), "content");
  EXPECT_EQ(text.substr(7), std::string(kChunk - 7, '\0'));
}

// The crash test the preallocation design rests on: records written and synced through a
// preallocating file, then the file is dropped without close (a crash).
TEST_P(PreallocationTest, CrashLeavesATornTailThatRecoveryCutsAndAppendResumesAtTheCut) {
  constexpr uint64_t kSegmentId = 7;
  const std::string name = segment_file_name(kSegmentId);
  constexpr int kRecords = 1000;  // about 130 KB: crosses chunk boundaries
  uint64_t logical_end = 0;
  {
    std::unique_ptr<WritableFile> file = open(name, OpenMode::kCreateNew);
    ASSERT_NE(file, nullptr);
    SegmentWriter writer(std::move(file), kSegmentId, 0);
    ASSERT_TRUE(writer.write_header().is_ok());
    for (int i = 1; i <= kRecords; ++i) {
      const std::string key = "key" + std::to_string(i);
      ASSERT_TRUE(writer.stage(RecordType::kSet, 0, i, key, std::string(100, 'v')).is_ok());
      if (i % 16 == 0 || i == kRecords) {
        ASSERT_TRUE(writer.commit(/*sync=*/true).is_ok());
      }
    }
    logical_end = writer.size();
  }  // dropped without close
  const std::string contents = file_text(dir_.file(name));
  ASSERT_GT(contents.size(), logical_end);
  EXPECT_EQ(contents.size() % kChunk, 0u);

  std::vector<uint64_t> sequences;
  const SegmentScan scan = scan_segment(
      contents, name, kSegmentId, /*is_newest=*/true,
      [&](const ScannedRecord& record) { sequences.push_back(record.record.sequence); });
  ASSERT_TRUE(scan.status.is_ok()) << scan.status.to_string();
  EXPECT_TRUE(scan.torn_tail);
  EXPECT_EQ(scan.valid_end, logical_end);
  EXPECT_EQ(scan.records, static_cast<uint64_t>(kRecords));
  ASSERT_EQ(sequences.size(), static_cast<size_t>(kRecords));
  EXPECT_EQ(sequences.back(), static_cast<uint64_t>(kRecords));

  // Zeros after the records of a segment that is not the newest are corruption: that is why
  // close() must cut them.
  const SegmentScan older =
      scan_segment(contents, name, kSegmentId, /*is_newest=*/false, [](const ScannedRecord&) {});
  EXPECT_EQ(older.status.code(), StatusCode::kCorruption);

  // Recovery cuts the tail; the reopened file continues exactly there.
  ASSERT_TRUE(fs_->truncate(dir_.file(name), scan.valid_end).is_ok());
  std::unique_ptr<WritableFile> reopened = open(name, OpenMode::kAppendExisting);
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->size(), logical_end);
  SegmentWriter writer(std::move(reopened), kSegmentId, logical_end);
  ASSERT_TRUE(append_one(writer, RecordType::kSet, kRecords + 1, "after", "recovery").is_ok());
  ASSERT_TRUE(writer.sync().is_ok());
  ASSERT_TRUE(writer.close().is_ok());
  const std::string closed = file_text(dir_.file(name));
  EXPECT_EQ(closed.size(), writer.size());
  const SegmentScan final_scan =
      scan_segment(closed, name, kSegmentId, /*is_newest=*/false, [](const ScannedRecord&) {});
  ASSERT_TRUE(final_scan.status.is_ok()) << final_scan.status.to_string();
  EXPECT_FALSE(final_scan.torn_tail);
  EXPECT_EQ(final_scan.records, static_cast<uint64_t>(kRecords + 1));
}

TEST(PreallocationSuffixTest, OnlyFilesWithTheSuffixArePreallocated) {
  TestDir dir;
  PosixFileSystemOptions options;
  options.backend = IoBackend::kPwrite;
  options.preallocate_chunk_bytes = kChunk;
  options.preallocate_name_suffix = ".log";
  Result<std::shared_ptr<PosixFileSystem>> fs = PosixFileSystem::create(options);
  ASSERT_TRUE(fs.is_ok()) << fs.status().to_string();
  EXPECT_EQ((*fs)->preallocate_chunk_bytes_for(dir.file("0000000001.log")), kChunk);
  EXPECT_EQ((*fs)->preallocate_chunk_bytes_for(dir.file("0000000001.hint")), 0u);
  EXPECT_EQ((*fs)->preallocate_chunk_bytes_for(dir.file("0000000001.log.tmp")), 0u);
  for (const std::string name : {"0000000001.log", "0000000001.hint"}) {
    Result<std::unique_ptr<WritableFile>> file =
        (*fs)->open_writable(dir.file(name), OpenMode::kCreateNew);
    ASSERT_TRUE(file.is_ok()) << file.status().to_string();
    ASSERT_TRUE((*file)->append_and_sync("record").is_ok());
  }
  EXPECT_EQ(length_on_disk(dir.file("0000000001.log")), kChunk);
  EXPECT_EQ(length_on_disk(dir.file("0000000001.hint")), 6u);
}

// /dev/full fails the zeros of the first extension.
TEST_P(PreallocationTest, FailedPreallocationNamesTheFileAndPoisonsIt) {
  Result<std::unique_ptr<WritableFile>> file =
      fs_->open_writable("/dev/full", OpenMode::kAppendExisting);
  ASSERT_TRUE(file.is_ok()) << file.status().to_string();
  const Status status = (*file)->append_and_sync("record");
  EXPECT_EQ(status.code(), StatusCode::kIOError);
  EXPECT_THAT(status.message(),
              HasSubstr("cannot preallocate '/dev/full' to " + std::to_string(kChunk) +
                        " bytes, nor to the 4096 this append needs: No space left on device"));
  EXPECT_THAT((*file)->append("x").message(), HasSubstr("after an earlier failure"));
  EXPECT_EQ((*file)->size(), 0u);
}

}  // namespace
}  // namespace logkv::testing
