# Crash safety: `wiredup add` killed with SIGKILL at random moments, 20
# times over, then run to completion. After every kill the index must pass
# SQLite's integrity check, hold every article the log reported committed,
# hold exactly a prefix of the input (whole batches, in order, no article
# half stored) and still open for readers. The finished index must equal
# one built in a single uninterrupted run: same clusters, same stats, same
# rows. Needs the sqlite3 command-line shell (skipped without it).
. "$WD_TESTS_DIR/cli/lib.sh"
require_sqlite3

. "$WD_TESTS_DIR/cli/stories.sh"

# The ASan build is several times slower: half the input.
stories=600
[ -n "${WD_SANITIZED:-}" ] && stories=300
IN="$WORK/input.jsonl"
gen_stories "$stories" 5 s 42 >"$IN"
total=$(wc -l <"$IN")
if [ "$total" != $((stories * 5)) ]; then
	echo "FAIL: the input generator wrote $total articles" >&2
	exit 1
fi
sed 's/^{"id": "\([^"]*\)".*/\1/' "$IN" >"$WORK/ids"
[ "$(sort -u "$WORK/ids" | wc -l)" = "$total" ] || fail "generated ids are not unique"

# The reference: one uninterrupted run on a fresh index, in one
# transaction, timed to scale the kill delays to this machine (and build).
# The killed runs commit every 48 articles: batches end inside a story
# (5 copies), so a representative change can come a batch (and a kill)
# after its cluster.
REF="$WORK/ref.db"
t0=$(now_ms)
"$WIREDUP" add --db "$REF" "$IN" >"$WORK/ref.out" 2>"$WORK/ref.err"
expect_status 0 $? "uninterrupted add"
ref_ms=$(( $(now_ms) - t0 ))
echo "{\"added\": $total, \"unchanged\": 0, \"rejected\": 0}" | diff - "$WORK/ref.out" >&2 ||
	fail "uninterrupted add summary"
"$WIREDUP" clusters --db "$REF" >"$WORK/ref.clusters"
[ "$(wc -l <"$WORK/ref.clusters")" = "$stories" ] ||
	fail "the reference has $(wc -l <"$WORK/ref.clusters") clusters, expected $stories"
# The input exercises what a resumed run must rebuild: representatives
# replaced by earlier copies, and outlet footers learned as chrome.
expect_grep '"cluster": "s1-c3"' "$WORK/ref.clusters" "representative change in the reference"
[ "$(sqlite3 "$REF" 'SELECT count(*) > 0 FROM source_lines WHERE chrome = 1')" = 1 ] ||
	fail "the reference learned no chrome"

# Everything an index holds, by content, for comparing two of them.
dump() {
	sqlite3 "$1" "
	SELECT 'a', seq, id, title, source, published, published_ts, url, text,
	       credit_agency, credit_place, content_hash, hex(lines), n_shingles,
	       hex(signature), (SELECT id FROM articles r WHERE r.seq = x.cluster)
	  FROM articles x ORDER BY seq;
	SELECT 'm', a, b, jaccard, containment, shared FROM matches ORDER BY a, b;
	SELECT 's', source, line, first_seq, chrome FROM source_lines ORDER BY 1, 2, 3;
	SELECT 'b', band, key, seq FROM bands ORDER BY band, key, seq;
	SELECT 'k', key, value FROM meta ORDER BY key;"
}

# Kill delays: 50 ms up to a tenth of the reference run (at most 800 ms),
# so that most kills land mid-run; the sequence is fixed by the seed.
span=$(( ref_ms / 10 ))
[ "$span" -lt 100 ] && span=100
[ "$span" -gt 750 ] && span=750
RANDOM=42
DB="$WORK/index.db"
kills=20 mid=0 done_=0 integrity=0 lost=0 torn=0
for i in $(seq 1 $kills); do
	delay=$(( 50 + RANDOM % span ))
	"$WIREDUP" add -v --batch-size 48 --db "$DB" "$IN" >"$WORK/out.$i" 2>"$WORK/log.$i" &
	pid=$!
	sleep "$(printf '0.%03d' "$delay")"
	kill -9 "$pid" 2>/dev/null
	{ wait "$pid"; } 2>/dev/null
	rc=$?
	case $rc in
	137) mid=$((mid + 1)) ;;
	0) done_=$((done_ + 1)) ;;
	*) fail "kill $i: add exited with status $rc before the kill:"; cat "$WORK/log.$i" >&2 ;;
	esac
	# Only progress lines in the log (no sanitizer report, no error).
	if grep -v '^wiredup: committed [0-9]* articles, ' "$WORK/log.$i" | grep -q .; then
		fail "kill $i: unexpected messages from add:"
		cat "$WORK/log.$i" >&2
	fi
	if [ ! -e "$DB" ]; then
		# Killed before it created the file: nothing can be committed.
		grep -q committed "$WORK/log.$i" && fail "kill $i: commits reported, no index"
		echo "kill $i after ${delay} ms: status $rc, no index yet"
		continue
	fi

	ic=$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)
	if [ "$ic" != ok ]; then
		integrity=$((integrity + 1))
		fail "kill $i: integrity_check: $ic"
	fi
	if [ "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_schema WHERE name = 'articles'")" != 1 ]; then
		# Killed before the schema was committed: nothing can be either.
		grep -q committed "$WORK/log.$i" && fail "kill $i: commits reported, no schema"
		echo "kill $i after ${delay} ms: status $rc, no schema yet"
		continue
	fi

	# What the log says is durable: every line up to LINE.
	through=$(awk -v total="$total" '
		/committed [0-9]+ articles, all input$/ { n = total }
		/committed [0-9]+ articles, through / { sub(/.*:/, ""); n = $0 }
		END { print n + 0 }' "$WORK/log.$i")
	sqlite3 "$DB" 'SELECT id FROM articles ORDER BY seq' >"$WORK/stored" 2>"$WORK/sqlerr" ||
		{ fail "kill $i: cannot list articles:"; cat "$WORK/sqlerr" >&2; }
	head -n "$through" "$WORK/ids" | sort >"$WORK/committed"
	sort "$WORK/stored" >"$WORK/stored.sorted"
	missing=$(comm -23 "$WORK/committed" "$WORK/stored.sorted" | wc -l)
	if [ "$missing" -gt 0 ]; then
		lost=$((lost + missing))
		fail "kill $i: $missing article(s) reported committed (through line $through) are missing"
	fi
	# Batches commit in input order: the index holds lines 1..n, whole.
	n=$(wc -l <"$WORK/stored")
	head -n "$n" "$WORK/ids" | cmp -s - "$WORK/stored" ||
		{ torn=$((torn + 1)); fail "kill $i: the $n stored articles are not the first $n of the input"; }
	bad=$(sqlite3 "$DB" "
		SELECT (SELECT count(*) FROM articles x WHERE NOT EXISTS
		          (SELECT 1 FROM bands b WHERE b.seq = x.seq))
		     + (SELECT count(*) FROM articles x WHERE NOT EXISTS
		          (SELECT 1 FROM articles r WHERE r.seq = x.cluster))
		     + (SELECT count(*) FROM bands b WHERE NOT EXISTS
		          (SELECT 1 FROM articles x WHERE x.seq = b.seq))
		     + (SELECT count(*) FROM matches m WHERE NOT EXISTS
		          (SELECT 1 FROM articles x WHERE x.seq = m.b))" 2>&1)
	[ "$bad" = 0 ] || { torn=$((torn + 1)); fail "kill $i: half-stored rows: $bad"; }
	# wiredup itself opens the crashed index as a reader.
	"$WIREDUP" stats --db "$DB" >"$WORK/stats.$i" 2>&1 ||
		{ fail "kill $i: stats on the crashed index:"; cat "$WORK/stats.$i" >&2; }
	echo "kill $i after ${delay} ms: status $rc, log through line $through, $n stored"
done

# Run to completion: the same index as the uninterrupted run.
"$WIREDUP" add -v --batch-size 48 --db "$DB" "$IN" >"$WORK/final.out" 2>"$WORK/final.log"
expect_status 0 $? "final add"
expect_grep "committed $total articles, all input" "$WORK/final.log" "final add log"
expect_grep "\"rejected\": 0}" "$WORK/final.out" "final add summary"
[ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ] ||
	{ integrity=$((integrity + 1)); fail "final integrity_check"; }
"$WIREDUP" clusters --db "$DB" >"$WORK/final.clusters"
diff "$WORK/ref.clusters" "$WORK/final.clusters" >"$WORK/clusters.diff" ||
	{ fail "clusters after the kills differ from an uninterrupted run:"; head -20 "$WORK/clusters.diff" >&2; }
"$WIREDUP" stats --db "$REF" >"$WORK/ref.stats"
"$WIREDUP" stats --db "$DB" >"$WORK/final.stats"
diff -u "$WORK/ref.stats" "$WORK/final.stats" >&2 || fail "stats differ from an uninterrupted run"
dump "$REF" >"$WORK/ref.dump"
dump "$DB" >"$WORK/final.dump"
if ! cmp -s "$WORK/ref.dump" "$WORK/final.dump"; then
	fail "index rows differ from an uninterrupted run:"
	diff "$WORK/ref.dump" "$WORK/final.dump" | cut -c1-200 | head -20 >&2
fi

echo "kill summary: $kills kills ($mid mid-run, $done_ after completion), $integrity integrity failures, $lost lost committed articles, $torn torn/out-of-order states; $total articles, reference run ${ref_ms} ms, delays 50-$((50 + span - 1)) ms"
finish
