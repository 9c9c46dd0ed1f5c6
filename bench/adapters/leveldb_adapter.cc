// LevelDB with default options and synchronous writes.
#include <leveldb/db.h>
#include <leveldb/iterator.h>
#include <leveldb/options.h>
#include <leveldb/write_batch.h>

#include <memory>
#include <string>

#include "bench/adapters/adapters.h"

namespace logkv::bench {
namespace {

class LeveldbAdapter final : public EngineAdapter {
 public:
  EngineInfo info() const override {
    EngineInfo info;
    info.name = "leveldb";
    info.settings = "default Options, WriteOptions.sync=true (log fsynced before Put returns)";
    info.version =
        std::to_string(leveldb::kMajorVersion) + "." + std::to_string(leveldb::kMinorVersion);
    info.capabilities.batched_writes = true;
    return info;
  }

  Status open(const OpenParams& params) override {
    leveldb::Options options;
    options.create_if_missing = true;
    leveldb::DB* raw_db = nullptr;
    leveldb::Status status = leveldb::DB::Open(options, params.dir, &raw_db);
    db_.reset(raw_db);
    if (!status.ok()) return error("open " + params.dir, status);
    write_options_.sync = params.durable;
    return Status::ok();
  }

  Status close() override {
    // LevelDB has no Close(): deleting the handle waits for background work and closes files.
    db_.reset();
    return Status::ok();
  }

  Status set(std::string_view key, std::string_view value) override {
    leveldb::Status status = db_->Put(write_options_, to_slice(key), to_slice(value));
    if (!status.ok()) return error("put key " + std::string(key), status);
    return Status::ok();
  }

  Status set_batch(std::span<const std::pair<std::string_view, std::string_view>> pairs) override {
    leveldb::WriteBatch batch;
    for (const auto& [key, value] : pairs) batch.Put(to_slice(key), to_slice(value));
    leveldb::Status status = db_->Write(write_options_, &batch);
    if (!status.ok()) return error("write a batch of " + std::to_string(pairs.size()), status);
    return Status::ok();
  }

  Result<std::optional<std::string>> get(std::string_view key) override {
    std::string value;
    leveldb::Status status = db_->Get(leveldb::ReadOptions(), to_slice(key), &value);
    if (status.IsNotFound()) return std::optional<std::string>();
    if (!status.ok()) return error("get key " + std::string(key), status);
    return std::optional<std::string>(std::move(value));
  }

  Status del(std::string_view key) override {
    leveldb::Status status = db_->Delete(write_options_, to_slice(key));
    if (!status.ok()) return error("delete key " + std::string(key), status);
    return Status::ok();
  }

  Result<bool> exists(std::string_view key) override {
    // LevelDB answers existence only by reading the value.
    Result<std::optional<std::string>> value = get(key);
    if (!value.is_ok()) return value.status();
    return value->has_value();
  }

  Result<std::vector<std::string>> keys() override {
    std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(leveldb::ReadOptions()));
    std::vector<std::string> keys;
    for (it->SeekToFirst(); it->Valid(); it->Next()) keys.push_back(it->key().ToString());
    if (!it->status().ok()) return error("iterate keys", it->status());
    return keys;
  }

 private:
  static leveldb::Slice to_slice(std::string_view bytes) {
    return leveldb::Slice(bytes.data(), bytes.size());
  }

  static Status error(const std::string& what, const leveldb::Status& status) {
    return Status::io_error("leveldb: " + what + " failed: " + status.ToString());
  }

  std::unique_ptr<leveldb::DB> db_;
  leveldb::WriteOptions write_options_;
};

}  // namespace

std::unique_ptr<EngineAdapter> make_leveldb_adapter() { return std::make_unique<LeveldbAdapter>(); }

}  // namespace logkv::bench
