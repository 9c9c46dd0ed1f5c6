#!/usr/bin/env bash
# Installs the Debian packages logkv needs. Idempotent: when every package is already installed
# it does nothing (and needs no network); otherwise it runs apt-get update, then installs.
#
#   scripts/install_deps.sh             build, tests, benchmarks with every peer engine
#   scripts/install_deps.sh --build     only what building the library, tool and tests needs
#   scripts/install_deps.sh --with-clang   everything, plus clang for libFuzzer builds
set -euo pipefail

packages=(
  g++ gcc meson ninja-build pkg-config python3
  libxxhash-dev liburing-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev libsqlite3-dev libtomlplusplus-dev
  nlohmann-json3-dev libcpp-httplib-dev libhiredis-dev libsodium-dev
)
case "${1:-}" in
  --build) ;;
  ""|--with-clang)
    # Peers of the benchmark harness and the chart script.
    packages+=(librocksdb-dev libleveldb-dev liblmdb-dev python3-matplotlib)
    # Real servers and clients the tests start on loopback: Redis stores, `logkv serve`.
    packages+=(redis-server curl)
    [[ "${1:-}" == "--with-clang" ]] && packages+=(clang libclang-rt-14-dev)
    ;;
  *) echo "install_deps: unknown argument '$1' (expected --build or --with-clang)" >&2; exit 2 ;;
esac

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
