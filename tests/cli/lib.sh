# lib.sh - helpers for the CLI tests (sourced). Each test is a bash script
# run by ctest with WIREDUP, WD_EVALUATE, WD_DATA_DIR, WD_TESTS_DIR and
# WD_SHARED_DATA set; exit 0 pass, 77 skip, anything else fail.
set -u
EXPECTED="$WD_TESTS_DIR/cli/expected"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# expect_file NAME ACTUAL: ACTUAL must equal expected/NAME byte for byte.
expect_file() {
	if ! diff -u "$EXPECTED/$1" "$2" >&2; then
		fail "$1 differs from the expected output"
	fi
}

# expect_status WANT GOT WHAT
expect_status() {
	[ "$1" = "$2" ] || fail "$3: exit status $2, expected $1"
}

# expect_grep PATTERN FILE WHAT
expect_grep() {
	grep -q -- "$1" "$2" || { fail "$3: no '$1' in output:"; cat "$2" >&2; }
}

# Skips the test (exit 77) unless the sqlite3 shell is installed.
require_sqlite3() {
	if ! command -v sqlite3 >/dev/null; then
		echo "SKIP: the sqlite3 command-line shell is not installed"
		exit 77
	fi
}

finish() {
	if [ "$failures" -gt 0 ]; then
		echo "$failures check(s) failed" >&2
		exit 1
	fi
	echo "all checks passed"
	exit 0
}
