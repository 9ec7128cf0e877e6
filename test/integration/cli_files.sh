#!/usr/bin/env bash
# asyncsvr-cli against a real asyncsvr, as a user meets it: uploads (several files, a 3 MiB random
# one, a glob, a tree), listings, downloads checked with sha256sum (one resumed from a .part
# file), an upload that fails on the server's size limit and resumes on a rerun, mkdir, rmdir, rm,
# cat, stat, clients, ping and tail; refusals that exit non-zero with the result code's name; and
# the same over TLS.
# Usage: cli_files.sh PATH_TO_ASYNCSVR PATH_TO_ASYNCSVR_CLI
set -euo pipefail
server_bin="$(realpath "$1")"
cli_bin="$(realpath "$2")"
certificate_maker="$(realpath "$(dirname "$0")/../../scripts/test-certificate.sh")"
work="$(mktemp -d)"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=cli_common.sh
source "$(dirname "$0")/cli_common.sh"
same_file() {  # same_file A B: equal sha256 sums
  [ "$(sha256sum <"$1")" = "$(sha256sum <"$2")" ] || fail "$2 differs from $1"
}

# start_server [OPTION...]: a server on a free port over $work/data; sets $port.
start_server() {
  "$server_bin" --users-file "$work/users" --listen 127.0.0.1 --port 0 --status-port 0 \
    --data-dir "$work/data" "$@" >"$work/log" 2>&1 &
  server_pid=$!
  # Up to 30 s: a sanitizer build on a loaded machine starts slowly.
  for _ in $(seq 600); do grep -q "started" "$work/log" && break; sleep 0.05; done
  port="$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/log")"
  [ -n "$port" ] || fail "server did not start: $(cat "$work/log")"
}
cli() { "$cli_bin" --port "$port" "$@"; }

printf 'secret\n' | "$server_bin" user add admin --role admin --users-file "$work/users" >/dev/null
printf 'wonderland\n' | "$server_bin" user add alice --role user --users-file "$work/users" >/dev/null
export ASYNCSVR_PASSWORD=secret
unset ASYNCSVR_USER

cd "$work"
mkdir -p src/tree/sub down
head -c 3145728 /dev/urandom >src/big.bin
printf 'hello\n' >src/hello.txt
: >src/empty.txt
printf 'leaf\n' >src/tree/sub/leaf.txt

# Help: how to upload and download, first.
expect_exit 0 "upload report.pdf inbox" -- "$cli_bin" --help
expect_exit 2 "download inbox/report.pdf" -- "$cli_bin"
"$cli_bin" --help | sed -n 3p | grep -q "upload report.pdf inbox" || fail "--help: no upload example"
"$cli_bin" --help | sed -n 4p | grep -q "download inbox/report.pdf" || fail "--help: no download example"

# Uploads: a size limit fails the 3 MiB upload part-way (a failed Data, §10.8) ...
start_server --upload-max-file-size 1M
expect_exit 0 "" -- cli mkdir inbox
expect_exit 1 "QuotaExceeded" -- cli upload src/big.bin inbox
stop_server
# ... and a rerun against a server without the limit resumes from what the server kept.
start_server
expect_exit 0 "uploaded src/big.bin to inbox/big.bin (3145728 bytes, resumed at [1-9]" -- \
  cli upload src/big.bin inbox
same_file src/big.bin data/files/inbox/big.bin
expect_exit 0 "uploaded src/empty.txt to inbox/empty.txt (0 bytes)" -- \
  cli upload src/hello.txt src/empty.txt inbox
expect_exit 0 "uploaded src/tree/sub/leaf.txt to inbox/tree/sub/leaf.txt" -- cli upload -r src/tree -d inbox
expect_exit 0 "uploaded src/hello.txt to hello.txt" -- cli upload 'src/h*.txt'
expect_exit 2 "is a directory" -- cli upload src/tree inbox
expect_exit 2 "does not exist" -- cli upload src/missing.bin inbox
expect_exit 2 "no local file matches" -- cli upload 'src/*.none' inbox

# Listings: directories end in '/', files show their sizes.
expect_exit 0 "^tree/$" -- cli ls inbox
expect_exit 0 "^big.bin  *3145728$" -- cli ls /inbox/
expect_exit 0 "^inbox/$" -- cli ls
expect_exit 1 "DirNotExist" -- cli ls nowhere

# Downloads, compared byte for byte.
expect_exit 0 "downloaded inbox/big.bin to down/big.bin (3145728 bytes)" -- \
  cli download inbox/big.bin down/big.bin
same_file src/big.bin down/big.bin
[ ! -e down/big.bin.part ] || fail "the .part file was left behind"
(cd down && cli download inbox/tree/sub/leaf.txt >/dev/null)
same_file src/tree/sub/leaf.txt down/leaf.txt
expect_exit 0 "(0 bytes)" -- cli download inbox/empty.txt down
[ -f down/empty.txt ] && [ ! -s down/empty.txt ] || fail "empty download is not an empty file"
# A .part file left by an interrupted run is resumed, not restarted.
head -c 1000000 src/big.bin >down/again.bin.part
expect_exit 0 "resumed at 1000000" -- cli download inbox/big.bin down/again.bin
same_file src/big.bin down/again.bin
expect_exit 1 "FileNotExist" -- cli download inbox/missing.bin down/missing.bin

# RemoteStream: cat and stat.
[ "$(cli cat inbox/hello.txt)" = "hello" ] || fail "cat printed something else"
cli cat inbox/big.bin >down/cat.bin
same_file src/big.bin down/cat.bin
expect_exit 0 "inbox/big.bin: regular file, 3145728 bytes" -- cli stat inbox/big.bin
expect_exit 1 "FileNotExist" -- cli stat inbox/missing.bin
expect_exit 1 "FileNotExist" -- cli cat inbox/missing.bin
expect_exit 1 "NotAFile" -- cli stat inbox/tree

# mkdir, rmdir, rm.
expect_exit 0 "" -- cli mkdir inbox/new
expect_exit 0 "^new/$" -- cli ls inbox
expect_exit 0 "" -- cli rmdir inbox/new
expect_exit 1 "DeleteDirError" -- cli rmdir inbox/tree/sub
expect_exit 0 "" -- cli rm inbox/hello.txt inbox/empty.txt inbox/tree/sub/leaf.txt
expect_exit 1 "FileNotExist" -- cli rm inbox/hello.txt
cli ls inbox | grep -q "hello.txt" && fail "rm left inbox/hello.txt"
expect_exit 0 "" -- cli rmdir inbox/tree/sub
expect_exit 1 "PathNotAllowed" -- cli mkdir ../outside

# Control: clients (administrators only) and ping (no password needed).
expect_exit 0 "admin  *Control" -- cli clients
ASYNCSVR_PASSWORD=wonderland expect_exit 1 "PermissionDenied" -- cli --user alice clients
expect_exit 0 "2 replies" -- env -u ASYNCSVR_PASSWORD "$cli_bin" --port "$port" ping -c 2 </dev/null

# LogOutput: tail prints the recent lines (administrators only); tail -f keeps following.
expect_exit 0 "INFO listening on 127.0.0.1" -- cli tail
ASYNCSVR_PASSWORD=wonderland expect_exit 1 "PermissionDenied" -- cli --user alice tail
cli tail -f >"$work/tail" 2>&1 &
tail_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/tail" && break; sleep 0.05; done
grep -q "listening on" "$work/tail" || fail "tail -f printed no backlog: $(cat "$work/tail")"
sleep 0.3
kill -0 "$tail_pid" 2>/dev/null || fail "tail -f did not keep following: $(cat "$work/tail")"
kill "$tail_pid"
wait "$tail_pid" 2>/dev/null || true
expect_exit 2 "belongs to tail" -- cli -f ls

# Refusals and failures: the code's name, and distinct exit codes.
ASYNCSVR_PASSWORD=wrong expect_exit 1 "UserOrPasswordError" -- cli ls
expect_exit 2 "no password" -- env -u ASYNCSVR_PASSWORD "$cli_bin" --port "$port" ls </dev/null
expect_exit 2 "unknown command" -- cli frobnicate
expect_exit 2 "belongs to ping" -- cli -c 3 ls
stop_server
expect_exit 3 "refused" -- cli ping

# TLS (§6.5): a throw-away CA and a certificate for 127.0.0.1. Plaintext Login is refused, the
# same commands work with --tls, and a client without the CA refuses the server.
"$certificate_maker" .
expect_exit 1 "tls_private_key_file: cannot use" -- "$server_bin" --users-file "$work/users" \
  --port 0 --status-port 0 --tls-port 1 --tls-certificate-file server.pem \
  --tls-private-key-file ca.pem
for _ in 1 2 3 4 5; do  # a random port; another one if it happens to be taken
  tls_port=$((20000 + RANDOM % 20000))
  start_server --tls-port "$tls_port" --tls-certificate-file server.pem \
    --tls-private-key-file server.key --login-on-plaintext deny
  grep -q "listening for TLS on 127.0.0.1:$tls_port" "$work/log" && break
  stop_server
done
grep -q "listening for TLS on 127.0.0.1:$tls_port" "$work/log" || fail "no TLS port: $(cat "$work/log")"
expect_exit 1 "PermissionDenied" -- cli ls
tls() { "$cli_bin" --port "$tls_port" --tls --ca ca.pem "$@"; }
tls mkdir tls >/dev/null
expect_exit 0 "uploaded src/big.bin to tls/big.bin" -- tls upload src/big.bin tls
expect_exit 0 "big.bin" -- tls ls tls
tls download tls/big.bin down/tls.bin >/dev/null
same_file src/big.bin down/tls.bin
expect_exit 0 "Active reply from" -- tls ping
expect_exit 3 "certificate verify failed" -- "$cli_bin" --port "$tls_port" --tls ping
echo "cli files: ok"
