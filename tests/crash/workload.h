// A seeded workload for crash tests: the same seed always gives the same operations, so a crash
// test, a child process killed by its parent, and the parent that checks the child's store can
// all regenerate the very operations that ran.
//
// The sequence of operations depends only on the seed and the shape, never on what the store
// holds, so the parent of a killed process needs nothing but the seed and the count of
// acknowledged operations to know what the store must contain.
//
// Adding an operation kind (increment, compare-and-swap, compaction, ...) takes four steps, all
// in workload.cc: an enumerator in OpKind, a weight in WorkloadShape and a branch in
// Workload::next() that draws it, a case in apply_to_model(), and a case in apply_to_store().
// Every crash test then runs it.
//
// Thread-safety: a Workload is used by one thread; the free functions are pure or act only on
// their arguments.
#ifndef LOGKV_TESTS_CRASH_WORKLOAD_H_
#define LOGKV_TESTS_CRASH_WORKLOAD_H_

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>

#include "logkv/store.h"
#include "logkv/write_batch.h"

namespace logkv::crash {

// What a store should hold: key -> value.
using Model = std::map<std::string, std::string>;

enum class OpKind : uint8_t {
  kSet,             // set one key (a new key or an overwrite)
  kDelete,          // delete one key (which may be missing: then nothing is written)
  kBatch,           // an atomic WriteBatch of 2..6 sets and deletes
  kGet,             // read one key and compare with the model
  kExists,          // exists() of one key, compared with the model
  kKeys,            // keys(), compared with the model
  kReopen,          // close the store and open it again (the driver does it; see apply_to_store)
  kIncrement,       // increment() of a counter key by a delta
  kCompareAndSwap,  // cas_begin() + cas_swap() of a counter key to a value made from the old
  kCompact,         // Store::compact(): rewrites segments, never changes what the store holds
};

// "set", "delete", ...
std::string_view op_kind_name(OpKind kind);

struct Op {
  OpKind kind = OpKind::kGet;
  uint64_t index = 0;  // position in the workload, from 0
  std::string key;     // kSet, kDelete, kGet, kExists, kIncrement, kCompareAndSwap
  std::string value;   // kSet
  WriteBatch batch;    // kBatch
  int64_t delta = 0;   // kIncrement
};

// Whether `op` can change what the store holds (so a crash can leave it half done).
bool is_write(const Op& op);

// The value `op` (a kIncrement or kCompareAndSwap) leaves under its key when it runs on a store
// that holds `before`. Counter keys only ever hold 8-byte values (little-endian int64), written
// by these two operations, so increments never fail and never overflow.
std::string counter_value_after(const Op& op, const Model& before);

// "set t0/k07 = 1234 bytes", for failure messages.
std::string describe(const Op& op);

// The mix of operations and the space they draw keys and values from. Weights are relative.
struct WorkloadShape {
  std::string key_prefix;  // every key starts with this (one prefix per thread)
  uint32_t key_count = 40;
  // Values are 0..value_bytes_max bytes: mostly small, some up to the maximum.
  uint32_t value_bytes_max = 4096;
  uint32_t set_weight = 48;
  uint32_t delete_weight = 14;
  uint32_t batch_weight = 12;
  uint32_t read_weight = 22;  // split between get, exists and keys
  uint32_t reopen_weight = 2;
  // Counters: `counter_count` keys "<prefix>cN", apart from the keys above.
  uint32_t counter_count = 6;
  uint32_t increment_weight = 8;
  uint32_t compare_and_swap_weight = 5;
  uint32_t compact_weight = 1;
};

// The key prefix of the workload of thread `thread` when several share a store: "t3/".
std::string thread_key_prefix(uint32_t thread);

// A shape with writes only (sets, deletes, batches, increments and compare-and-swaps; no
// reads, reopens or compactions), for runs that measure only writes.
WorkloadShape write_only_shape(std::string key_prefix = {});

class Workload {
 public:
  Workload(uint64_t seed, WorkloadShape shape);

  // The next operation. Values are unique across the seed's operations (each one names its
  // seed and index) except those too short to hold that tag.
  Op next();

  uint64_t seed() const { return seed_; }
  const WorkloadShape& shape() const { return shape_; }

 private:
  std::string draw_key();
  std::string draw_counter_key();
  std::string draw_value(uint64_t index, uint32_t part);

  uint64_t seed_;
  WorkloadShape shape_;
  std::mt19937_64 random_;
  uint64_t next_index_ = 0;
};

// Applies a write to `model` (reads, kReopen and kCompact leave it unchanged).
void apply_to_model(const Op& op, Model* model);

// Runs `op` on `store`. kReopen is the caller's job (it owns the store) and returns ok here.
// `model` is what the store must show before `op`: a read, an increment's result or a
// compare-and-swap's token that differs fails with kCorruption describing the difference (as
// does a swap that is refused: each workload is the only writer of its keys). Otherwise the
// store's status.
Status apply_to_store(const Op& op, const Model& model, Store& store);

// Every key and value of `store` (via keys() and get()). Fails when a listed key cannot be read.
Result<Model> read_all(Store& store);

// The part of `model` whose keys start with `prefix`.
Model with_prefix(const Model& model, std::string_view prefix);

// Turns off the store's background work (automatic compaction), so that every file-system
// operation happens inside a Store call, in the same order on every run: crash points and
// failing operations are then numbered the same way each time and a case replays exactly.
// Compaction still runs when a workload asks for it.
void run_in_foreground(Options* options);

// A 64-bit mix of two numbers (splitmix64), for deriving per-case and per-thread seeds.
uint64_t mix_seed(uint64_t a, uint64_t b);

}  // namespace logkv::crash

#endif  // LOGKV_TESTS_CRASH_WORKLOAD_H_
