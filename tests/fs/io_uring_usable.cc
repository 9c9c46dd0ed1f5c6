// io_uring_usable [DIR]: exits 0 when io_uring works for files in DIR (default: the current
// folder), else prints why on stderr and exits 1. ./test.sh asks it before running the real-disk
// suites again on io_uring (pass 1b), which the default backend, pwrite, does not use.
#include <iostream>
#include <string>

#include "fs/io_uring_probe.h"

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : ".";
  const logkv::Status probe = logkv::probe_io_uring(dir);
  if (!probe.is_ok()) {
    std::cerr << "io_uring is not usable in '" << dir << "': " << probe.message() << '\n';
    return 1;
  }
  return 0;
}
