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
  kSet,     // set one key (a new key or an overwrite)
  kDelete,  // delete one key (which may be missing: then nothing is written)
  kBatch,   // an atomic WriteBatch of 2..6 sets and deletes
  kGet,     // read one key and compare with the model
  kExists,  // exists() of one key, compared with the model
  kKeys,    // keys(), compared with the model
  kReopen,  // close the store and open it again (the driver does it; see apply_to_store)
};

// "set", "delete", ...
std::string_view op_kind_name(OpKind kind);

struct Op {
  OpKind kind = OpKind::kGet;
  uint64_t index = 0;  // position in the workload, from 0
  std::string key;     // kSet, kDelete, kGet, kExists
  std::string value;   // kSet
  WriteBatch batch;    // kBatch
};

// Whether `op` can change what the store holds (so a crash can leave it half done).
bool is_write(const Op& op);

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
};

// The key prefix of the workload of thread `thread` when several share a store: "t3/".
std::string thread_key_prefix(uint32_t thread);

// A shape with writes only (sets, deletes and batches), for runs that measure only writes.
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
  std::string draw_value(uint64_t index, uint32_t part);

  uint64_t seed_;
  WorkloadShape shape_;
  std::mt19937_64 random_;
  uint64_t next_index_ = 0;
};

// Applies a write to `model` (reads and kReopen leave it unchanged).
void apply_to_model(const Op& op, Model* model);

// Runs `op` on `store`. kReopen is the caller's job (it owns the store) and returns ok here.
// For reads, `model` is what the store must show: a different answer fails with kCorruption
// describing the difference. Writes return the store's status.
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
