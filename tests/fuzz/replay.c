/*
 * replay.c - runs a fuzz harness on saved inputs without libFuzzer, so
 * crash inputs and seeds are ordinary tests (e.g. under gcc + ASan).
 * Link it with one harness (fuzz_*.c) and the library:
 *
 *   replay FILE|DIR...
 *
 * feeds every file (a directory: its non-hidden files, in byte order) to
 * LLVMFuzzerTestOneInput. A missing directory is skipped; a crash is the
 * harness's abort or the sanitizer's report.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0, got;
	if (!fp) {
		perror(path);
		return 1;
	}
	do {
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			uint8_t *b = realloc(buf, cap);
			if (!b) {
				fprintf(stderr, "%s: out of memory\n", path);
				free(buf);
				fclose(fp);
				return 1;
			}
			buf = b;
		}
		got = fread(buf + n, 1, cap - n, fp);
		n += got;
	} while (got);
	int failed = ferror(fp);
	fclose(fp);
	if (failed) {
		fprintf(stderr, "%s: read error\n", path);
		free(buf);
		return 1;
	}
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, n);
	/* an exact-size copy, so that ASan sees reads past the input's end */
	uint8_t *exact = malloc(n ? n : 1);
	if (exact && n)
		memcpy(exact, buf, n);
	free(buf);
	if (!exact)
		return 1;
	LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;
	int failed = 0;
	if (!d) {
		fprintf(stderr, "replay: %s: no such directory, skipped\n", dir);
		return 0;
	}
	while ((e = readdir(d))) {
		char **v;
		if (e->d_name[0] == '.' || !(v = realloc(names, (n + 1) * sizeof *v)))
			continue;
		names = v;
		if ((names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2)))
			sprintf(names[n++], "%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		struct stat sb;
		if (stat(names[i], &sb) == 0 && S_ISREG(sb.st_mode))
			failed |= run_file(names[i]);
		free(names[i]);
	}
	free(names);
	return failed;
}

int main(int argc, char **argv)
{
	int failed = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat sb;
		if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			failed |= run_dir(argv[i]);
		else
			failed |= run_file(argv[i]);
	}
	return failed;
}
