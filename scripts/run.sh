#!/usr/bin/env bash
# Installs the dependencies, builds a Release asyncsvr and starts it in the foreground on its
# defaults (port 9999, status on http://127.0.0.1:9990/status). On first use it creates a demo
# users file with an administrator and prints the credentials. Extra arguments go to the server,
# e.g. scripts/run.sh --log-level debug. Stop it with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh Release asyncsvr

state_dir="${ASYNCSVR_STATE_DIR:-run}"
users="$state_dir/users"
mkdir -p "$state_dir"
if [ ! -s "$users" ]; then
  password="$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 12)"
  printf '%s\n' "$password" | build/app/asyncsvr/asyncsvr user add admin --role admin --users-file "$users" >/dev/null
  printf '%s\n' "$password" > "$state_dir/admin.password"
  chmod 600 "$state_dir/admin.password"
fi
echo "asyncsvr demo account: user 'admin', password '$(cat "$state_dir/admin.password")' (kept in $state_dir/admin.password)"
echo "add users with: build/app/asyncsvr/asyncsvr user add NAME --role user --users-file $users"

exec build/app/asyncsvr/asyncsvr --users-file "$users" --data-dir "$state_dir/data" "$@"
