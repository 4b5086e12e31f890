# Concurrent use of one index: while a long `wiredup add` commits small
# batches, readers (stats, clusters, query) run over and over and must
# succeed with whole, consistent output; a second writer with a short
# --busy-timeout 200 must either fail cleanly (status 3, "busy") or succeed,
# never anything else: it gets in when the first is between batches or
# checkpointing the WAL, so a busy failure is not certain there. It must
# fail busy, after about its 200 ms, while the sqlite3 shell surely holds
# the write lock (the first writer waiting meanwhile). The index then
# passes SQLite's integrity check and clusters like one writer adding the
# same two inputs one after the other. Needs the sqlite3 command-line
# shell (skipped without it).
. "$WD_TESTS_DIR/cli/lib.sh"
require_sqlite3
. "$WD_TESTS_DIR/cli/stories.sh"

# A: the long run. B: the second writer's input, disjoint from A (other
# stories, ids and outlets), so the order the two are added in cannot
# change any cluster. The ASan build is several times slower: less input.
# Enough that readers get several rounds in while the first writer runs.
stories=1200
[ -n "${WD_SANITIZED:-}" ] && stories=800
A="$WORK/a.jsonl"
B="$WORK/b.jsonl"
gen_stories "$stories" 5 s 42 >"$A"
gen_stories 40 3 t 7 >"$B"
n_a=$(wc -l <"$A")
n_b=$(wc -l <"$B")
if [ "$n_a" != $((stories * 5)) ] || [ "$n_b" != 120 ]; then
	echo "FAIL: the input generator wrote $n_a and $n_b articles" >&2
	exit 1
fi

# Reference: one writer, A then B, nobody else.
REF="$WORK/ref.db"
t0=$(now_ms)
"$WIREDUP" add --db "$REF" "$A" >/dev/null
expect_status 0 $? "reference add A"
ref_ms=$(($(now_ms) - t0))
"$WIREDUP" add --db "$REF" "$B" >/dev/null
expect_status 0 $? "reference add B"
"$WIREDUP" clusters --db "$REF" | sort >"$WORK/ref.clusters"
"$WIREDUP" stats --db "$REF" >"$WORK/ref.stats"

# Query input: a retitled copy of a story of A, one of B, and new text.
{
	sed -n 12p "$A" | sed 's/^{"id": "[^"]*"/{"id": "q1"/'
	sed -n 5p "$B" | sed 's/^{"id": "[^"]*"/{"id": "q2"/'
	echo '{"id": "q3", "text": "Completely unrelated words about a village fete and its prize marrows, judged on Sunday by the vicar and two retired bakers."}'
} >"$WORK/q.jsonl"

# The first writer commits every 7 articles: batches end inside stories, so
# readers see clusters whose representative changes in a later batch.
DB="$WORK/index.db"
"$WIREDUP" add -v --batch-size 7 --db "$DB" "$A" >"$WORK/w1.out" 2>"$WORK/w1.log" &
w1=$!

# Readers start once the first batch is committed (before that the file
# may not be an index yet: "no such index" is right then).
deadline=$(($(now_ms) + 20000))
until grep -q committed "$WORK/w1.log" 2>/dev/null; do
	if ! kill -0 "$w1" 2>/dev/null || [ "$(now_ms)" -gt "$deadline" ]; then
		fail "the first writer committed nothing:"
		cat "$WORK/w1.log" >&2
		break
	fi
	sleep 0.02
done

# check_clusters FILE: one well-formed record per line, size = number of
# members, no article in two clusters. Prints the number of articles.
check_clusters() {
	awk '
	!/^\{"cluster": "[^"]*", "size": [0-9]+, "members": \[("[^"]*"(, )?)+\], "sources": \[.*\], "first_published": .*, "last_published": .*\}$/ {
		print "malformed: " $0 > "/dev/stderr"; bad = 1; next
	}
	{
		m = $0; sub(/.*"members": \[/, "", m); sub(/\].*/, "", m)
		k = split(m, ids, ", ")
		s = $0; sub(/.*"size": /, "", s); sub(/,.*/, "", s)
		if (k != s + 0) { print "size " s " but " k " members: " $0 > "/dev/stderr"; bad = 1 }
		for (i = 1; i <= k; i++) {
			if (ids[i] in seen) { print "in two clusters: " ids[i] > "/dev/stderr"; bad = 1 }
			seen[ids[i]] = 1
		}
		total += k
	}
	END { print total + 0; exit bad }' "$1"
}

# A failed read: counted apart, for the summary.
rfail() {
	read_fails=$((read_fails + 1))
	fail "$@"
}

# second_writer WHAT: `add` of B with --busy-timeout 200. Status 3 with one
# "busy" message, or 0 with a summary, both clean; anything else fails.
# Sets w2_rc and w2_ms (how long it took).
second_writer() {
	local t0
	t0=$(now_ms)
	"$WIREDUP" add --busy-timeout 200 --db "$DB" "$B" >"$WORK/w2.out" 2>"$WORK/w2.err"
	w2_rc=$?
	w2_ms=$(($(now_ms) - t0))
	case $w2_rc in
	3)
		if ! grep -q busy "$WORK/w2.err" || [ "$(wc -l <"$WORK/w2.err")" != 1 ]; then
			fail "$1: status 3 without a single 'busy' message:"
			cat "$WORK/w2.err" >&2
		fi
		;;
	0)
		if ! grep -Eq '^\{"added": [0-9]+, "unchanged": [0-9]+, "rejected": 0\}$' "$WORK/w2.out" ||
			[ -s "$WORK/w2.err" ]; then
			fail "$1: succeeded, but not cleanly:"
			cat "$WORK/w2.out" "$WORK/w2.err" >&2
		fi
		;;
	*)
		fail "$1: status $w2_rc (expected 3, busy, or 0):"
		cat "$WORK/w2.err" >&2
		;;
	esac
}

# hold_lock SECONDS: the sqlite3 shell takes the write lock (waiting for
# the first writer's batch to end) and keeps it SECONDS; returns once it
# holds it, the shell running on in the background as $holder.
hold_lock() {
	rm -f "$WORK/locked"
	{
		echo '.timeout 10000'
		echo 'BEGIN IMMEDIATE;'
		echo ".shell touch '$WORK/locked'"
		sleep "$1"
		echo 'COMMIT;'
	} | sqlite3 -bail "$DB" >"$WORK/holder.out" 2>"$WORK/holder.err" &
	holder=$!
	local deadline=$(($(now_ms) + 15000))
	until [ -e "$WORK/locked" ]; do
		if [ "$(now_ms)" -gt "$deadline" ] || ! kill -0 "$holder" 2>/dev/null; then
			fail "the sqlite3 shell did not get the write lock:"
			cat "$WORK/holder.err" >&2
			return 1
		fi
		sleep 0.01
	done
}

# While another writer surely holds the lock (the sqlite3 shell), the
# second writer fails busy, after its 200 ms, well before the default
# 5000 ms and before the lock is let go (2 s).
held_busy=0
check_held_lock() {
	hold_lock 2 || return
	second_writer "second writer against a held lock"
	if [ "$w2_rc" = 3 ]; then
		held_busy=1
		[ "$w2_ms" -ge 200 ] && [ "$w2_ms" -lt 1800 ] ||
			fail "second writer against a held lock gave up after $w2_ms ms (--busy-timeout 200)"
	else
		fail "second writer against a held lock: status $w2_rc, expected 3"
	fi
	wait "$holder" || { fail "the sqlite3 shell holding the lock failed:"; cat "$WORK/holder.err" >&2; }
}

# Rounds while the first writer runs: the three readers, the lock check
# once a quarter of A is in, then the second writer for ~200 ms.
read_fails=0 rounds=0 reads=0 tries=0 busy=0 b_ok=0 last_articles=0 held_done=0
while kill -0 "$w1" 2>/dev/null; do
	rounds=$((rounds + 1))

	"$WIREDUP" stats --db "$DB" >"$WORK/stats" 2>"$WORK/stats.err"
	rc=$?
	reads=$((reads + 1))
	if [ $rc != 0 ] || [ -s "$WORK/stats.err" ]; then
		rfail "stats during the write, status $rc:"
		head -n 20 "$WORK/stats.err" >&2
	elif ! grep -Eq '^\{"articles": [0-9]+, "clusters": [0-9]+, .*"params": \{.*\}\}$' "$WORK/stats" ||
		[ "$(wc -l <"$WORK/stats")" != 1 ]; then
		rfail "stats during the write: not one stats record:"
		cat "$WORK/stats" >&2
	else
		a=$(sed 's/^{"articles": \([0-9]*\),.*/\1/' "$WORK/stats")
		[ "$a" -ge "$last_articles" ] ||
			rfail "stats went back from $last_articles to $a articles"
		last_articles=$a
	fi

	# clusters reads in many steps: several times a round.
	for k in 1 2 3 4; do
		"$WIREDUP" clusters --db "$DB" >"$WORK/clusters" 2>"$WORK/clusters.err"
		rc=$?
		reads=$((reads + 1))
		if [ $rc != 0 ] || [ -s "$WORK/clusters.err" ]; then
			rfail "clusters during the write, status $rc:"
			head -n 20 "$WORK/clusters.err" >&2
		elif ! c=$(check_clusters "$WORK/clusters"); then
			rfail "clusters during the write: inconsistent output"
		else
			# A later snapshot than the last read: no fewer articles.
			[ "$c" -ge "$last_articles" ] ||
				rfail "clusters list $c articles, stats before them had $last_articles"
			last_articles=$c
		fi
	done

	"$WIREDUP" query --db "$DB" "$WORK/q.jsonl" >"$WORK/query" 2>"$WORK/query.err"
	rc=$?
	reads=$((reads + 1))
	if [ $rc != 0 ] || [ -s "$WORK/query.err" ]; then
		rfail "query during the write, status $rc:"
		head -n 20 "$WORK/query.err" >&2
	elif [ "$(grep -Ec '^\{"id": "q[123]", "cluster": .*"matches": \[.*\]\}$' "$WORK/query")" != 3 ] ||
		[ "$(wc -l <"$WORK/query")" != 3 ]; then
		rfail "query during the write: not 3 query records:"
		cat "$WORK/query" >&2
	fi

	if [ "$held_done" = 0 ] && [ "$last_articles" -ge $((n_a / 4)) ]; then
		held_done=1
		check_held_lock
		continue
	fi

	# The second writer against the first (which holds the lock but for
	# moments between batches and while it checkpoints the WAL).
	t_end=$(($(now_ms) + 200))
	while [ "$(now_ms)" -lt "$t_end" ] && kill -0 "$w1" 2>/dev/null; do
		tries=$((tries + 1))
		second_writer "second writer"
		case $w2_rc in
		3) busy=$((busy + 1)) ;;
		0) b_ok=$((b_ok + 1)) ;;
		esac
	done
done
wait "$w1"
expect_status 0 $? "the first writer"
echo "{\"added\": $n_a, \"unchanged\": 0, \"rejected\": 0}" | diff - "$WORK/w1.out" >&2 ||
	fail "first writer summary"
grep -v '^wiredup: committed [0-9]* articles, ' "$WORK/w1.log" | grep -q . &&
	{ fail "unexpected messages from the first writer:"; cat "$WORK/w1.log" >&2; }
[ "$rounds" -ge 3 ] || fail "only $rounds rounds of reads while the first writer ran: too little input"
# The first writer was too quick for the lock check: do it now.
[ "$held_done" = 1 ] || check_held_lock
[ "$held_busy" = 1 ] || fail "the second writer never failed busy against a held lock"

# Whatever of B the second writer did not get in, now, alone.
"$WIREDUP" add --busy-timeout 200 --db "$DB" "$B" >"$WORK/w2.out" 2>"$WORK/w2.err"
expect_status 0 $? "second writer alone"
ic=$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)
[ "$ic" = ok ] || fail "integrity_check: $ic"
"$WIREDUP" clusters --db "$DB" | sort >"$WORK/final.clusters"
diff "$WORK/ref.clusters" "$WORK/final.clusters" >"$WORK/clusters.diff" ||
	{ fail "clusters differ from one writer adding A then B:"; head -20 "$WORK/clusters.diff" >&2; }
"$WIREDUP" stats --db "$DB" >"$WORK/final.stats"
diff -u "$WORK/ref.stats" "$WORK/final.stats" >&2 || fail "stats differ from one writer adding A then B"

echo "concurrent summary: $rounds rounds, $reads reads ($read_fails failed); second writer against the first: $tries tries, $busy busy, $b_ok succeeded; against a held lock: busy $held_busy; $n_a + $n_b articles, reference run ${ref_ms} ms"
finish
