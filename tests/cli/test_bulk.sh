# add --bulk: the batch job written into a new index in one go must leave
# the very index that adding the articles one by one leaves (every table
# but the change log, row for row), take later adds as usual, and refuse
# an index that holds articles already, changing nothing.
. "$WD_TESTS_DIR/cli/lib.sh"
. "$WD_TESTS_DIR/cli/stories.sh"
require_sqlite3

# compare_indexes A B WHAT: every stored row of A equals B's.
compare_indexes() {
	for q in "SELECT seq, id, title, source, published, published_ts, url, text,
	                 credit_agency, credit_place, content_hash, hex(lines), n_shingles,
	                 hex(signature), cluster, hex(shingles) FROM articles ORDER BY seq" \
	         "SELECT * FROM bands ORDER BY band, key, seq" \
	         "SELECT * FROM matches ORDER BY a, b" \
	         "SELECT * FROM source_lines ORDER BY source, line" \
	         "SELECT * FROM meta ORDER BY key"; do
		sqlite3 "$1" "$q" >"$WORK/rows_a" && sqlite3 "$2" "$q" >"$WORK/rows_b" ||
			fail "$3: cannot read the indexes"
		cmp -s "$WORK/rows_a" "$WORK/rows_b" ||
			fail "$3: they differ in: $(echo "$q" | head -c 60)"
	done
	[ "$(sqlite3 "$2" 'PRAGMA integrity_check')" = ok ] || fail "$3: integrity_check"
	[ "$(sqlite3 "$2" 'PRAGMA journal_mode')" = wal ] || fail "$3: not left in WAL mode"
}

# The sample, synthetic stories whose outlets' footers are learned as
# chrome (and whose representatives change as copies arrive), and records
# that are rejected, repeated or reused.
IN="$WORK/in.jsonl"
{
	cat "$WD_DATA_DIR/sample.jsonl"
	gen_stories 30 4 s 7
	echo '{"id": "r1", "text": "broken json'
	echo '{"id": "r2", "text": "  ...  !!! "}'
	sed -n 1p "$WD_DATA_DIR/sample.jsonl"
	echo '{"id": "afp-rail-original", "text": "Another story under a reused id, which is rejected."}'
	echo '{"id": "nosource", "source": "", "text": "An article without an outlet has no chrome to learn, and is stored all the same."}'
} >"$IN"
"$WIREDUP" add --db "$WORK/one.db" "$IN" >"$WORK/one.out" 2>"$WORK/one.err"
expect_status 1 $? "add with rejected records"
"$WIREDUP" add --bulk --db "$WORK/bulk.db" "$IN" >"$WORK/bulk.out" 2>"$WORK/bulk.err"
expect_status 1 $? "add --bulk with rejected records"
diff "$WORK/one.out" "$WORK/bulk.out" >&2 || fail "add --bulk summary differs from add's"
diff "$WORK/one.err" "$WORK/bulk.err" >&2 || fail "add --bulk rejections differ from add's"
compare_indexes "$WORK/one.db" "$WORK/bulk.db" "add --bulk against add"
[ "$(sqlite3 "$WORK/bulk.db" 'SELECT count(*) FROM source_lines WHERE chrome = 1')" -gt 0 ] ||
	fail "no chrome learned: the test does not test learning"

# One thread or two: the same index.
"$WIREDUP" add --bulk -j 1 --db "$WORK/bulk1.db" "$IN" >/dev/null 2>&1
compare_indexes "$WORK/bulk.db" "$WORK/bulk1.db" "add --bulk -j 1"

# Queries and lookups read it as they read any index.
sed -n 1p "$WD_DATA_DIR/sample.jsonl" | sed 's/"id": "afp-rail-original"/"id": "q1"/' >"$WORK/q.jsonl"
"$WIREDUP" query --db "$WORK/one.db" "$WORK/q.jsonl" >"$WORK/q.one"
"$WIREDUP" query --db "$WORK/bulk.db" "$WORK/q.jsonl" >"$WORK/q.bulk"
diff "$WORK/q.one" "$WORK/q.bulk" >&2 || fail "query answers differently on the bulk index"

# Later adds go on as usual: more copies and stories, one by one.
gen_stories 10 3 t 11 >"$WORK/more.jsonl"
"$WIREDUP" add --db "$WORK/one.db" "$WORK/more.jsonl" >/dev/null
"$WIREDUP" add --db "$WORK/bulk.db" "$WORK/more.jsonl" >/dev/null
compare_indexes "$WORK/one.db" "$WORK/bulk.db" "add after add --bulk"

# An index with articles is refused before anything is read, unchanged.
cp "$WORK/bulk.db" "$WORK/before.db"
"$WIREDUP" add --bulk --db "$WORK/bulk.db" "$WORK/more.jsonl" >/dev/null 2>"$WORK/err"
expect_status 3 $? "add --bulk into an index with articles"
expect_grep "writes only a new index" "$WORK/err" "add --bulk refusal message"
cmp -s "$WORK/bulk.db" "$WORK/before.db" || fail "a refused add --bulk changed the index"

# An empty index keeps its parameters: other ones are an error.
"$WIREDUP" add --db "$WORK/empty.db" /dev/null >/dev/null
"$WIREDUP" add --bulk --shingle-words 3 --db "$WORK/empty.db" "$IN" >/dev/null 2>"$WORK/err"
expect_status 3 $? "add --bulk with other parameters"
expect_grep "built with shingle words 5, not 3" "$WORK/err" "parameter mismatch message"

# An empty index of schema version 3 (windows in the text's bands) takes
# the new layout, and then the same rows as a new index.
"$WIREDUP" add --db "$WORK/v3.db" /dev/null >/dev/null
sqlite3 "$WORK/v3.db" "DELETE FROM meta WHERE key IN ('window_bands', 'window_rows');
	PRAGMA user_version = 3"
"$WIREDUP" add --bulk --db "$WORK/v3.db" "$IN" >/dev/null 2>&1
expect_status 1 $? "add --bulk into an empty version 3 index"
compare_indexes "$WORK/bulk1.db" "$WORK/v3.db" "add --bulk into an empty version 3 index"
# Killed at any moment (SIGKILL), it leaves nothing or everything: the
# index passes SQLite's integrity check and holds no article or them all,
# and a run to completion then gives the index of an uninterrupted one.
stories=300
[ -n "${WD_SANITIZED:-}" ] && stories=100
gen_stories "$stories" 5 k 5 >"$WORK/kill.jsonl"
t0=$(now_ms)
"$WIREDUP" add --bulk --db "$WORK/kref.db" "$WORK/kill.jsonl" >/dev/null
ref_ms=$(( $(now_ms) - t0 + 1 ))
RANDOM=7
for i in 1 2 3 4 5 6 7 8; do
	rm -f "$WORK/k.db" "$WORK/k.db-journal" "$WORK/k.db-wal" "$WORK/k.db-shm"
	delay=$(( 10 + RANDOM % ref_ms ))
	"$WIREDUP" add --bulk --db "$WORK/k.db" "$WORK/kill.jsonl" >/dev/null 2>"$WORK/kerr" &
	pid=$!
	sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
	kill -9 "$pid" 2>/dev/null
	{ wait "$pid"; } 2>/dev/null
	[ -e "$WORK/k.db" ] || continue
	if [ "$(sqlite3 "$WORK/k.db" "SELECT count(*) FROM sqlite_schema WHERE name = 'articles'")" = 1 ]; then
		[ "$(sqlite3 "$WORK/k.db" 'PRAGMA integrity_check')" = ok ] ||
			fail "kill $i after $delay ms: integrity_check"
		n=$(sqlite3 "$WORK/k.db" 'SELECT count(*) FROM articles')
		[ "$n" = 0 ] || [ "$n" = $((stories * 5)) ] ||
			fail "kill $i after $delay ms: $n articles stored, not none or all"
		echo "kill $i after $delay ms (of $ref_ms): $n articles stored"
		[ "$n" = 0 ] && "$WIREDUP" add --bulk --db "$WORK/k.db" "$WORK/kill.jsonl" >/dev/null
	else
		rm -f "$WORK/k.db" # killed before the schema was committed
		"$WIREDUP" add --bulk --db "$WORK/k.db" "$WORK/kill.jsonl" >/dev/null
	fi
	# (a kill between the commit and the switch back to WAL leaves it in
	# rollback-journal mode; the next open by wiredup switches it)
	"$WIREDUP" stats --db "$WORK/k.db" >/dev/null || fail "kill $i: stats cannot read the index"
	compare_indexes "$WORK/kref.db" "$WORK/k.db" "kill $i after $delay ms, then run again"
done
finish
