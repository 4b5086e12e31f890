# The batch job (dedup without --db) keeps what its stages hand on in
# temporary files in $TMPDIR: a TMPDIR it cannot use is a clear error
# (exit 3, the directory named, nothing written), and a usable one is left
# empty afterwards (the files are unlinked as soon as they are made).
. "$WD_TESTS_DIR/cli/lib.sh"

SAMPLE="$WD_DATA_DIR/sample.jsonl"

TMPDIR="$WORK/missing" "$WIREDUP" dedup "$SAMPLE" >"$WORK/none.out" 2>"$WORK/none.err"
expect_status 3 $? "dedup with a TMPDIR that does not exist"
expect_grep "cannot make a temporary file in $WORK/missing" "$WORK/none.err" "the directory named"
[ ! -s "$WORK/none.out" ] || fail "no output expected: $(head -c 200 "$WORK/none.out")"

mkdir "$WORK/spill"
TMPDIR="$WORK/spill" "$WIREDUP" dedup "$SAMPLE" >"$WORK/spill.out" 2>"$WORK/spill.err"
expect_status 0 $? "dedup with a TMPDIR of its own"
"$WIREDUP" dedup "$SAMPLE" >"$WORK/default.out" 2>/dev/null
cmp -s "$WORK/spill.out" "$WORK/default.out" || fail "output depends on TMPDIR"
[ -z "$(ls -A "$WORK/spill")" ] || fail "temporary files left behind: $(ls -A "$WORK/spill")"
finish
