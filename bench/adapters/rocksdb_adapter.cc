// RocksDB with default options and synchronous writes.
#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/version.h>
#include <rocksdb/write_batch.h>

#include <memory>
#include <string>

#include "bench/adapters/adapters.h"

namespace logkv::bench {
namespace {

class RocksdbAdapter final : public EngineAdapter {
 public:
  EngineInfo info() const override {
    EngineInfo info;
    info.name = "rocksdb";
    info.settings = "default Options, WriteOptions.sync=true (WAL fsynced before Put returns)";
    info.version = std::to_string(ROCKSDB_MAJOR) + "." + std::to_string(ROCKSDB_MINOR) + "." +
                   std::to_string(ROCKSDB_PATCH);
    info.capabilities.batched_writes = true;
    return info;
  }

  Status open(const OpenParams& params) override {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw_db = nullptr;
    rocksdb::Status status = rocksdb::DB::Open(options, params.dir, &raw_db);
    db_.reset(raw_db);
    if (!status.ok()) return error("open " + params.dir, status);
    write_options_.sync = params.durable;
    return Status::ok();
  }

  Status close() override {
    if (db_ == nullptr) return Status::ok();
    rocksdb::Status status = db_->Close();
    db_.reset();
    if (!status.ok()) return error("close", status);
    return Status::ok();
  }

  Status set(std::string_view key, std::string_view value) override {
    rocksdb::Status status = db_->Put(write_options_, to_slice(key), to_slice(value));
    if (!status.ok()) return error("put key " + std::string(key), status);
    return Status::ok();
  }

  Status set_batch(std::span<const std::pair<std::string_view, std::string_view>> pairs) override {
    rocksdb::WriteBatch batch;
    for (const auto& [key, value] : pairs) batch.Put(to_slice(key), to_slice(value));
    rocksdb::Status status = db_->Write(write_options_, &batch);
    if (!status.ok()) return error("write a batch of " + std::to_string(pairs.size()), status);
    return Status::ok();
  }

  Result<std::optional<std::string>> get(std::string_view key) override {
    std::string value;
    rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), to_slice(key), &value);
    if (status.IsNotFound()) return std::optional<std::string>();
    if (!status.ok()) return error("get key " + std::string(key), status);
    return std::optional<std::string>(std::move(value));
  }

  Status del(std::string_view key) override {
    rocksdb::Status status = db_->Delete(write_options_, to_slice(key));
    if (!status.ok()) return error("delete key " + std::string(key), status);
    return Status::ok();
  }

  Result<bool> exists(std::string_view key) override {
    // Get() is RocksDB's only exact answer; KeyMayExist() can report false positives.
    Result<std::optional<std::string>> value = get(key);
    if (!value.is_ok()) return value.status();
    return value->has_value();
  }

  Result<std::vector<std::string>> keys() override {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    std::vector<std::string> keys;
    for (it->SeekToFirst(); it->Valid(); it->Next()) keys.push_back(it->key().ToString());
    if (!it->status().ok()) return error("iterate keys", it->status());
    return keys;
  }

 private:
  static rocksdb::Slice to_slice(std::string_view bytes) {
    return rocksdb::Slice(bytes.data(), bytes.size());
  }

  static Status error(const std::string& what, const rocksdb::Status& status) {
    return Status::io_error("rocksdb: " + what + " failed: " + status.ToString());
  }

  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::WriteOptions write_options_;
};

}  // namespace

std::unique_ptr<EngineAdapter> make_rocksdb_adapter() { return std::make_unique<RocksdbAdapter>(); }

}  // namespace logkv::bench
