#!/usr/bin/env bash
# Builds logkv from this checkout and replays the curl session of Spin's key-value tutorial
# against it: three requests to the page-view example, each a separate process, then the
# `logkv` tool looking at what they stored. Safe to run again: it reinstalls nothing that is
# present, reuses build/, and starts the demo store from scratch each time.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$repo_root"

build_dir=build
demo_store=.spin/logkv/default
logkv="$build_dir/tools/logkv"
page_views="$build_dir/examples/page_views"

step() { printf '\n==> %s\n' "$*"; }

# Shows a command as the tutorial does ("$ command") and runs it.
show() {
  printf '$ %s\n' "$*"
  "$@"
}

step "Checking the Debian packages the build needs (installed only when missing)"
./scripts/install_deps.sh --build
echo "build dependencies are installed"

step "Configuring $build_dir/ with Meson (only the first time)"
if [[ -f "$build_dir/meson-private/coredata.dat" ]]; then
  echo "$build_dir/ is already configured"
else
  meson setup "$build_dir"
fi

step "Compiling the logkv tool and the page-view example"
meson compile -C "$build_dir" tools/logkv examples/page_views

step "Starting from an empty demo store in $demo_store"
rm -rf "$demo_store"
# The example and the tool fall back to .spin/logkv/default when LOGKV_STORE is unset.
unset LOGKV_STORE

step "Three requests, each a new process, like the tutorial's curl session"
for request in /hello /goodbye /hi-again; do
  show "$page_views" "$request"
done

step "logkv keys: every key the requests stored"
show "$logkv" keys

step "logkv get app-data: the stored JSON (views so far and the last request)"
show "$logkv" get app-data
echo

step "logkv exists app-data: prints true and exits 0 because the key is stored"
show "$logkv" exists app-data

step "Named stores: a Spin runtime config with two labels (docs/HOST.md)"
demo_config=.spin/runtime-config.toml
rm -rf .spin/stores
cat > "$demo_config" <<'TOML'
[key_value_store.sessions]
type = "spin"
path = "stores/sessions"

[key_value_store.cache]
type = "spin"
path = "stores/cache"
max_value_bytes = 4096
TOML
cat "$demo_config"
show "$logkv" --config "$demo_config" --label sessions set user-42 '{"cart":3}'
show "$logkv" --config "$demo_config" --label cache set greeting hello
show "$logkv" --config "$demo_config" --label sessions keys
show ls .spin/stores

step "logkv check: verifies every checksum and hint file of the default store; prints ok"
show "$logkv" check

step "Done. Try: $logkv --help, and see docs/TOOL.md and docs/HOST.md"
