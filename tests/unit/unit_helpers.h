/*
 * unit_helpers.h - small helpers shared by the cmocka unit tests:
 * temporary directories, whole-file I/O and a deterministic generator of
 * article-like text. Include after <cmocka.h>.
 */
#ifndef WD_UNIT_HELPERS_H
#define WD_UNIT_HELPERS_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* "dir/name" in a malloc'd string. */
static inline char *path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	assert_non_null(p);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* A new empty directory under $TMPDIR (or /tmp); free() the name. */
static inline char *make_temp_dir(void)
{
	const char *tmp = getenv("TMPDIR");
	char *tmpl = path_join(tmp && tmp[0] ? tmp : "/tmp", "wd-unit-XXXXXX");
	assert_non_null(mkdtemp(tmpl));
	return tmpl;
}

/* rm -r path (files, directories, nothing followed through symlinks). */
static inline void remove_tree(const char *path)
{
	struct stat sb;
	if (lstat(path, &sb) != 0)
		return;
	if (S_ISDIR(sb.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;
		assert_non_null(d);
		while ((e = readdir(d))) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char *child = path_join(path, e->d_name);
			remove_tree(child);
			free(child);
		}
		closedir(d);
		assert_int_equal(rmdir(path), 0);
	} else {
		assert_int_equal(unlink(path), 0);
	}
}

/* cmocka setup/teardown: a fresh temporary directory in *state. */
static inline int setup_dir(void **state)
{
	*state = make_temp_dir();
	return 0;
}

static inline int remove_dir(void **state)
{
	remove_tree(*state);
	free(*state);
	return 0;
}

static inline void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* The whole file in a malloc'd, NUL-terminated buffer. */
static inline char *read_whole_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0, got;
	char *buf = malloc(cap);
	assert_non_null(f);
	assert_non_null(buf);
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n + 1 == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/*
 * Deterministic article-like text of n_words pseudo-words, in sentences
 * and paragraphs. Every word of story s ends in "q" + ('a' + s) and no
 * syllable contains a 'q', so two stories never share a word (s < 26).
 * free() the result.
 */
static inline char *gen_story(unsigned story, size_t n_words)
{
	static const char consonants[] = "bdfghklmnprstvz";
	static const char vowels[] = "aeiou";
	uint64_t state = 0x9E3779B97F4A7C15ULL * (story + 1);
	char *out = malloc(n_words * 12 + 1), *p = out;
	assert_non_null(out);
	for (size_t i = 0; i < n_words; i++) {
		state = state * 6364136223846793005ULL + 1442695040888963407ULL;
		unsigned syllables = 2 + (unsigned)(state >> 62) % 2;
		for (unsigned k = 0; k < syllables; k++) {
			*p++ = consonants[(state >> (20 + 8 * k)) % (sizeof consonants - 1)];
			*p++ = vowels[(state >> (24 + 8 * k)) % (sizeof vowels - 1)];
		}
		*p++ = 'q';
		*p++ = (char)('a' + story % 26);
		if (i + 1 == n_words)
			*p++ = '.';
		else if (i % 48 == 47)
			p += sprintf(p, ".\n");
		else if (i % 12 == 11)
			p += sprintf(p, ". ");
		else
			*p++ = ' ';
	}
	*p = '\0';
	return out;
}

#endif
