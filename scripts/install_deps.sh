#!/usr/bin/env bash
# Installs the Debian packages logkv needs to build, test and benchmark. Idempotent: when every
# package is already installed it does nothing (and needs no network).
set -euo pipefail

packages=(
  g++ meson ninja-build pkg-config python3
  libxxhash-dev liburing-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # Peers of the benchmark harness (optional for the library, required for ./test.sh's
  # benchmark smoke test to cover them) and the chart script.
  libsqlite3-dev librocksdb-dev libleveldb-dev liblmdb-dev python3-matplotlib
)
if [[ "${1:-}" == "--with-clang" ]]; then
  packages+=(clang libclang-rt-14-dev)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  sudo=sudo
else
  sudo=
fi
echo "install_deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update
$sudo apt-get install -y --no-install-recommends "${missing[@]}"
