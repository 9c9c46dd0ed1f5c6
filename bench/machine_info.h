// A description of the machine a run measured, stored with its figures: numbers from a
// shared 2-core VM and from a dedicated server must not be compared without knowing it.
//
// Thread-safety: the functions read /proc and may be called from any thread.
#ifndef LOGKV_BENCH_MACHINE_INFO_H_
#define LOGKV_BENCH_MACHINE_INFO_H_

#include <cstdint>
#include <string>

namespace logkv::bench {

struct MachineInfo {
  std::string cpu_model;  // "unknown" when /proc/cpuinfo does not say
  unsigned cpus = 0;      // logical CPUs this process may run on
  uint64_t memory_bytes = 0;
  std::string kernel;     // uname: system, release, machine
  std::string dir;        // the --dir the stores were made under
  std::string fs_type;    // file system of dir, from /proc/self/mountinfo, e.g. "ext4"
  std::string fs_device;  // its mount source, e.g. "/dev/vda"
  // 1-minute load average when the run started and ended: on a shared machine, a load above
  // the CPU count means other work competed with the benchmark.
  double load_average_start = 0;
  double load_average_end = 0;
};

// The 1-minute load average, or -1 when the system does not report it.
double load_average();

// Reads what Linux exposes; a field it cannot find is "unknown" (or 0), never an error.
MachineInfo describe_machine(const std::string& dir);

}  // namespace logkv::bench

#endif  // LOGKV_BENCH_MACHINE_INFO_H_
