# wiredup-mpi (docs/scaling.md): under mpirun with 1, 2 and 3 ranks it
# writes exactly what wiredup dedup writes, records and rejections, for
# the sample, a file of hostile records whose repeated ids fall on other
# ranks, several files at once, CSV, per-rank files, tiny exchange rounds
# and (when the real data is there) a generated corpus of 2000 articles.
# Skipped when wiredup-mpi is not built or mpirun is absent.
. "$WD_TESTS_DIR/cli/lib.sh"
if [ -z "${WIREDUP_MPI:-}" ]; then
	echo "SKIP: wiredup-mpi is not built (CMake found no MPI)"
	exit 77
fi
if ! command -v mpirun >/dev/null; then
	echo "SKIP: mpirun is not installed (Debian: openmpi-bin)"
	exit 77
fi
# as root (CI), and on one machine: shared memory between the ranks
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl=self,vader
# Sanitizer build: Open MPI keeps memory past MPI_Finalize by design; its
# leaks are suppressed (tests/mpi/lsan.supp), wiredup's are not. Matching
# them needs whole stacks (Open MPI is built without frame pointers) of
# components still loaded.
export LSAN_OPTIONS="suppressions=$WD_LSAN_SUPPRESSIONS:print_suppressions=0"
export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}fast_unwind_on_malloc=0"
export OMPI_MCA_mca_base_component_disable_dlclose=1

mpi() {
	local np=$1
	shift
	timeout 600 mpirun -q --oversubscribe -np "$np" "$WIREDUP_MPI" dedup "$@"
}

# same NAME [options] FILE...: wiredup dedup and wiredup-mpi on 1, 2, 3
# ranks agree on stdout (byte for byte: input order), stderr and status.
# $MPI_ONLY: options for wiredup-mpi alone.
same() {
	local name=$1
	shift
	"$WIREDUP" dedup "$@" >"$WORK/$name.ref" 2>"$WORK/$name.referr"
	local want=$?
	for np in 1 2 3; do
		mpi "$np" ${MPI_ONLY:-} "$@" >"$WORK/$name.$np" 2>"$WORK/$name.$np.err"
		expect_status "$want" $? "$name on $np ranks"
		sort "$WORK/$name.ref" >"$WORK/ref.sorted"
		sort "$WORK/$name.$np" >"$WORK/got.sorted"
		cmp -s "$WORK/ref.sorted" "$WORK/got.sorted" ||
			fail "$name on $np ranks: records differ from wiredup dedup's"
		cmp -s "$WORK/$name.ref" "$WORK/$name.$np" ||
			fail "$name on $np ranks: records not in input order"
		diff -u "$WORK/$name.referr" "$WORK/$name.$np.err" >&2 ||
			fail "$name on $np ranks: stderr differs from wiredup dedup's"
	done
	[ -s "$WORK/$name.ref" ] || fail "$name: wiredup dedup wrote nothing"
}

S="$WD_DATA_DIR/sample.jsonl"
same sample "$S"
[ -n "${WD_SANITIZED:-}" ] || same sample_params --shingle-words 4 --threshold 0.6 "$S"

# Hostile records; ids repeated further down (on other ranks), with the
# same content (kept once) and other content (rejected); a repeat of a
# rejected article; CRLF line ends; no newline at the end.
E="$WORK/edge.jsonl"
{
	head -n 3 "$S"
	echo 'not json'
	echo ''
	echo '{"id": "empty", "text": "!!!"}'
	sed -n 4,11p "$S"
	head -n 1 "$S"
	sed -n 2p "$S" | sed 's/"text": "/"text": "Changed. /'
	sed -n 2p "$S" | sed 's/"text": "/"text": "Changed. /'
	sed -n 6p "$S"
	echo '{"id": "empty", "text": "???"}'
	printf '{"id": "empty", "text": "!!!"}\r\n'
	printf '{"id": 5, "text": 7}'
} >"$E"
same edge "$E"

# several files: the ranks' shares cross file boundaries
head -n 5 "$S" >"$WORK/a.jsonl"
tail -n +6 "$S" >"$WORK/b.jsonl"
same files "$WORK/a.jsonl" "$E" "$WORK/b.jsonl"
same csv --format csv "$E"

# per-rank files: the parts in rank order are the output
"$WIREDUP" dedup --format csv "$S" >"$WORK/parts.ref"
mkdir "$WORK/parts"
mpi 3 --format csv --output-dir "$WORK/parts" "$S" >"$WORK/parts.stdout"
expect_status 0 $? "--output-dir"
[ -s "$WORK/parts.stdout" ] && fail "--output-dir: records on stdout too"
cat "$WORK/parts"/part-0000[0-2].csv | cmp -s - "$WORK/parts.ref" ||
	fail "--output-dir: the parts are not dedup's output"

# usage and failures
mpi 2 >/dev/null 2>"$WORK/err"; expect_status 2 $? "no files"
expect_grep "give the input FILEs" "$WORK/err" "no files"
mpi 2 - <"$S" >/dev/null 2>"$WORK/err"; expect_status 2 $? "standard input"
mpi 2 "$WORK/nope.jsonl" >/dev/null 2>"$WORK/err"; expect_status 3 $? "missing file"
expect_grep "nope.jsonl: cannot open" "$WORK/err" "missing file"
mpi 2 --round-mb 0 "$S" >/dev/null 2>"$WORK/err"; expect_status 2 $? "bad --round-mb"

# A generated corpus (needs the real data beside the repository), with
# exchange rounds of 1 MiB: many rounds of bands and of fetched docs.
if "$WD_GEN_CORPUS" --n 2000 --seed 5 --chrome heavy >"$WORK/g.jsonl" 2>"$WORK/gen.err"; then
	[ -n "${WD_SANITIZED:-}" ] || same generated "$WORK/g.jsonl" # slow there
	MPI_ONLY="--round-mb 1" same generated_rounds "$WORK/g.jsonl"
	mpi 2 -v "$WORK/g.jsonl" >/dev/null 2>"$WORK/v.err"
	expect_grep "candidate pairs" "$WORK/v.err" "--verbose"
	expect_grep "bytes sent" "$WORK/v.err" "--verbose"
else
	echo "note: no generated corpus (wd-gen-corpus: $(head -n 1 "$WORK/gen.err")); that part skipped"
fi
finish
