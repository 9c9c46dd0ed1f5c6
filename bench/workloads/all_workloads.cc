#include "bench/workloads/workload.h"

namespace logkv::bench {

std::vector<std::unique_ptr<Workload>> all_workloads() {
  std::vector<std::unique_ptr<Workload>> workloads;
  workloads.push_back(make_durable_sets_workload());
  workloads.push_back(make_concurrent_sets_workload());
  workloads.push_back(make_point_gets_workload());
  workloads.push_back(make_get_many_workload());
  workloads.push_back(make_read_modify_write_workload());
  workloads.push_back(make_large_values_workload());
  workloads.push_back(make_list_keys_workload());
  workloads.push_back(make_open_time_workload());
  workloads.push_back(make_overwrite_space_workload());
  workloads.push_back(make_index_memory_workload());
  workloads.push_back(make_scaling_workload());
  return workloads;
}

}  // namespace logkv::bench
