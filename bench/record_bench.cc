// Micro-benchmarks of the log record format: encoding, decoding (which verifies the checksum)
// and the checksum alone, for a 100-byte value (the common Spin-sized write) and a 1 MiB value
// (the largest a default store accepts). Each reports bytes per second over the whole record.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "wal/record.h"

namespace logkv {
namespace {

constexpr int64_t kSmallValueBytes = 100;
constexpr int64_t kLargeValueBytes = int64_t{1} << 20;

const std::string& key() {
  static const std::string key = "user:0000000042:profile";
  return key;
}

std::string value_of(int64_t bytes) {
  std::string value(static_cast<size_t>(bytes), '\0');
  for (size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>(i * 131 + 7);
  return value;
}

std::string encoded_record(const std::string& value) {
  std::string bytes;
  append_encoded_record(Record{RecordType::kSet, 42, 4096, key(), value}, &bytes);
  return bytes;
}

void set_bytes_processed(benchmark::State& state, size_t record_bytes) {
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(record_bytes));
}

void BM_EncodeRecord(benchmark::State& state) {
  const std::string value = value_of(state.range(0));
  const Record record{RecordType::kSet, 42, 4096, key(), value};
  // Reused like SegmentWriter's buffer, so the loop measures encoding, not allocation.
  std::string buffer;
  for (auto _ : state) {
    buffer.clear();
    append_encoded_record(record, &buffer);
    benchmark::DoNotOptimize(buffer.data());
    benchmark::ClobberMemory();
  }
  set_bytes_processed(state, buffer.size());
}

void BM_DecodeRecord(benchmark::State& state) {
  const std::string bytes = encoded_record(value_of(state.range(0)));
  for (auto _ : state) {
    DecodedRecord decoded = decode_record(bytes);
    if (decoded.status != DecodeStatus::kOk) {
      state.SkipWithError("the benchmark's own record failed to decode");
      break;
    }
    benchmark::DoNotOptimize(decoded);
  }
  set_bytes_processed(state, bytes.size());
}

void BM_RecordChecksum(benchmark::State& state) {
  const std::string bytes = encoded_record(value_of(state.range(0)));
  for (auto _ : state) {
    uint64_t checksum = compute_record_checksum(bytes);
    benchmark::DoNotOptimize(checksum);
  }
  set_bytes_processed(state, bytes.size());
}

BENCHMARK(BM_EncodeRecord)->Arg(kSmallValueBytes)->Arg(kLargeValueBytes);
BENCHMARK(BM_DecodeRecord)->Arg(kSmallValueBytes)->Arg(kLargeValueBytes);
BENCHMARK(BM_RecordChecksum)->Arg(kSmallValueBytes)->Arg(kLargeValueBytes);

}  // namespace
}  // namespace logkv

BENCHMARK_MAIN();
