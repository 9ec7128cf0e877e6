# Shared by the shell tests of the binaries (sourced): failing with a message, and running a
# command that must exit with a given code and print a given pattern.

fail() { echo "FAIL: $*" >&2; exit 1; }

expect_exit() {  # expect_exit CODE PATTERN -- command...
  local code="$1" pattern="$2"
  shift 3
  set +e
  output="$("$@" 2>&1)"
  actual=$?
  set -e
  [ "$actual" -eq "$code" ] || fail "'$*' exited $actual, expected $code: $output"
  grep -q -- "$pattern" <<<"$output" || fail "'$*' did not print '$pattern': $output"
}
