// LMDB with default flags: every write transaction is durable when its commit returns.
#include <lmdb.h>

#include <algorithm>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "bench/adapters/adapters.h"

namespace logkv::bench {
namespace {

// LMDB's default map (10 MiB) cannot hold the 1 MiB-value and million-key workloads. The map is
// address space, not disk: the file only grows to the pages in use.
constexpr size_t kMapBytes = size_t{16} << 30;
constexpr uint64_t kBulkLoadPutsPerTransaction = 10000;

struct EnvCloser {
  void operator()(MDB_env* env) const { mdb_env_close(env); }
};

// A transaction that aborts unless committed.
class Transaction {
 public:
  Transaction() = default;
  ~Transaction() {
    if (txn_ != nullptr) mdb_txn_abort(txn_);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  int begin(MDB_env* env, unsigned int flags) { return mdb_txn_begin(env, nullptr, flags, &txn_); }
  int commit() {
    const int rc = mdb_txn_commit(txn_);
    txn_ = nullptr;  // a failed commit has freed the transaction too
    return rc;
  }
  MDB_txn* get() const { return txn_; }

 private:
  MDB_txn* txn_ = nullptr;
};

MDB_val to_val(std::string_view bytes) {
  return MDB_val{bytes.size(), const_cast<char*>(bytes.data())};
}

class LmdbAdapter final : public EngineAdapter {
 public:
  EngineInfo info() const override {
    EngineInfo info;
    info.name = "lmdb";
    info.settings = "default flags (commit syncs the data file), map size 16 GiB";
    info.version = mdb_version(nullptr, nullptr, nullptr);
    info.capabilities.batched_writes = true;
    return info;
  }

  Status open(const OpenParams& params) override {
    MDB_env* raw_env = nullptr;
    int rc = mdb_env_create(&raw_env);
    env_.reset(raw_env);
    if (rc != 0) return error("create environment", rc);
    if ((rc = mdb_env_set_mapsize(env_.get(), kMapBytes)) != 0) return error("set map size", rc);
    // Untimed loading only: MDB_NOSYNC leaves flushing to the kernel.
    const unsigned int flags = params.durable ? 0 : MDB_NOSYNC;
    if ((rc = mdb_env_open(env_.get(), params.dir.c_str(), flags, 0644)) != 0) {
      return error("open " + params.dir, rc);
    }
    Transaction txn;
    if ((rc = txn.begin(env_.get(), 0)) != 0) return error("begin transaction", rc);
    if ((rc = mdb_dbi_open(txn.get(), nullptr, 0, &dbi_)) != 0) return error("open database", rc);
    if ((rc = txn.commit()) != 0) return error("commit database open", rc);
    return Status::ok();
  }

  Status close() override {
    env_.reset();
    return Status::ok();
  }

  Status set(std::string_view key, std::string_view value) override {
    Transaction txn;
    if (int rc = txn.begin(env_.get(), 0); rc != 0) return error("begin write", rc);
    LOGKV_RETURN_IF_ERROR(put(txn, key, value));
    if (int rc = txn.commit(); rc != 0) return error("commit key " + std::string(key), rc);
    return Status::ok();
  }

  Result<std::optional<std::string>> get(std::string_view key) override {
    Transaction txn;
    if (int rc = txn.begin(env_.get(), MDB_RDONLY); rc != 0) return error("begin read", rc);
    MDB_val key_val = to_val(key);
    MDB_val value_val;
    const int rc = mdb_get(txn.get(), dbi_, &key_val, &value_val);
    if (rc == MDB_NOTFOUND) return std::optional<std::string>();
    if (rc != 0) return error("get key " + std::string(key), rc);
    return std::optional<std::string>(
        std::string(static_cast<const char*>(value_val.mv_data), value_val.mv_size));
  }

  Status del(std::string_view key) override {
    Transaction txn;
    if (int rc = txn.begin(env_.get(), 0); rc != 0) return error("begin write", rc);
    MDB_val key_val = to_val(key);
    const int rc = mdb_del(txn.get(), dbi_, &key_val, nullptr);
    if (rc == MDB_NOTFOUND) return Status::ok();
    if (rc != 0) return error("delete key " + std::string(key), rc);
    if (int commit_rc = txn.commit(); commit_rc != 0) return error("commit delete", commit_rc);
    return Status::ok();
  }

  Result<bool> exists(std::string_view key) override {
    // mdb_get only points into the map, so this reads no value bytes.
    Transaction txn;
    if (int rc = txn.begin(env_.get(), MDB_RDONLY); rc != 0) return error("begin read", rc);
    MDB_val key_val = to_val(key);
    MDB_val value_val;
    const int rc = mdb_get(txn.get(), dbi_, &key_val, &value_val);
    if (rc == MDB_NOTFOUND) return false;
    if (rc != 0) return error("look up key " + std::string(key), rc);
    return true;
  }

  Result<std::vector<std::string>> keys() override {
    Transaction txn;
    if (int rc = txn.begin(env_.get(), MDB_RDONLY); rc != 0) return error("begin read", rc);
    MDB_cursor* raw_cursor = nullptr;
    if (int rc = mdb_cursor_open(txn.get(), dbi_, &raw_cursor); rc != 0) {
      return error("open cursor", rc);
    }
    std::unique_ptr<MDB_cursor, decltype(&mdb_cursor_close)> cursor(raw_cursor, mdb_cursor_close);
    std::vector<std::string> keys;
    MDB_val key_val;
    MDB_val value_val;
    int rc = mdb_cursor_get(cursor.get(), &key_val, &value_val, MDB_FIRST);
    for (; rc == 0; rc = mdb_cursor_get(cursor.get(), &key_val, &value_val, MDB_NEXT)) {
      keys.emplace_back(static_cast<const char*>(key_val.mv_data), key_val.mv_size);
    }
    if (rc != MDB_NOTFOUND) return error("iterate keys", rc);
    return keys;
  }

  Status set_batch(std::span<const std::pair<std::string_view, std::string_view>> pairs) override {
    Transaction txn;
    if (int rc = txn.begin(env_.get(), 0); rc != 0) return error("begin batch", rc);
    for (const auto& [key, value] : pairs) LOGKV_RETURN_IF_ERROR(put(txn, key, value));
    if (int rc = txn.commit(); rc != 0) return error("commit batch", rc);
    return Status::ok();
  }

  Status bulk_load(uint64_t count, const KeyValueSource& source) override {
    std::string_view key;
    std::string_view value;
    for (uint64_t first = 0; first < count; first += kBulkLoadPutsPerTransaction) {
      Transaction txn;
      if (int rc = txn.begin(env_.get(), 0); rc != 0) return error("begin bulk write", rc);
      const uint64_t end = std::min(count, first + kBulkLoadPutsPerTransaction);
      for (uint64_t i = first; i < end; ++i) {
        source(i, key, value);
        LOGKV_RETURN_IF_ERROR(put(txn, key, value));
      }
      if (int rc = txn.commit(); rc != 0) return error("commit bulk write", rc);
    }
    return Status::ok();
  }

 private:
  Status put(const Transaction& txn, std::string_view key, std::string_view value) {
    MDB_val key_val = to_val(key);
    MDB_val value_val = to_val(value);
    if (int rc = mdb_put(txn.get(), dbi_, &key_val, &value_val, 0); rc != 0) {
      return error("put key " + std::string(key), rc);
    }
    return Status::ok();
  }

  static Status error(const std::string& what, int rc) {
    return Status::io_error("lmdb: " + what + " failed: " + mdb_strerror(rc));
  }

  std::unique_ptr<MDB_env, EnvCloser> env_;
  MDB_dbi dbi_ = 0;
};

}  // namespace

std::unique_ptr<EngineAdapter> make_lmdb_adapter() { return std::make_unique<LmdbAdapter>(); }

}  // namespace logkv::bench
