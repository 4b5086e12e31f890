/* reader.c - articles from JSON Lines files or directories of text files. */
#include "reader.h"

#include "error.h"
#include "json_fields.h"
#include "vec.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct wd_reader {
	char *name;      /* file or directory name, for messages */
	FILE *fp;        /* JSONL input (NULL for a directory) */
	int owns_fp;
	char *line;      /* getline buffer */
	size_t line_cap;
	size_t line_no;
	json_t *current; /* the object the last article points into */
	char id_buf[32]; /* integer ids as text */
	/* directory input */
	char **paths;    /* relative paths, sorted */
	size_t n_paths, cap_paths, next_path;
	char *file_buf;  /* contents of the current file */
	char *file_path; /* its full path, for messages */
	size_t max_bytes; /* larger records are rejected */
	/* a JSON document in memory: one article or an array of them */
	json_t *doc;
	size_t doc_next;
	int ranged;      /* only lines starting before `end` */
	uint64_t pos, end;
};

static wd_reader *reader_new(const char *name)
{
	wd_reader *r = calloc(1, sizeof *r);
	if (r && !(r->name = strdup(name))) {
		free(r);
		r = NULL;
	}
	if (r)
		r->max_bytes = WD_DEFAULT_MAX_BYTES;
	return r;
}

int wd_reader_open_jsonl(wd_reader **out, const char *path)
{
	int use_stdin = path == NULL || strcmp(path, "-") == 0;
	wd_reader *r = reader_new(use_stdin ? "<stdin>" : path);
	struct stat sb;
	*out = NULL;
	if (!r)
		return wd_fail_oom();
	if (use_stdin) {
		r->fp = stdin;
	} else if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		wd_reader_close(r);
		return wd_fail(WD_EIO, "%s: is a directory (use --text-dir for a "
		               "directory of text files)", path);
	} else if (!(r->fp = fopen(path, "rb"))) {
		int e = errno;
		wd_reader_close(r);
		return wd_fail(WD_EIO, "%s: cannot open: %s", path, strerror(e));
	} else {
		r->owns_fp = 1;
	}
	*out = r;
	return WD_OK;
}

int reader_open_jsonl_range(wd_reader **out, const char *path, uint64_t begin,
                            uint64_t end, size_t first_line)
{
	int err = wd_reader_open_jsonl(out, path);
	if (err < 0)
		return err;
	wd_reader *r = *out;
	r->ranged = 1;
	r->pos = begin;
	r->end = end;
	r->line_no = first_line ? first_line - 1 : 0;
	if (begin && fseeko(r->fp, (off_t)begin, SEEK_SET) != 0) {
		err = wd_fail(WD_EIO, "%s: cannot seek to byte %llu: %s", path,
		              (unsigned long long)begin, strerror(errno));
		wd_reader_close(r);
		*out = NULL;
	}
	return err;
}

/* Fails a record with "NAME:LINE: reason". */
__attribute__((format(printf, 2, 3)))
static int record_fail(wd_reader *r, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (r->doc && json_is_array(r->doc))
		return wd_fail(WD_EINPUT, "%s[%zu]: %s", r->name, r->doc_next - 1, msg);
	if (r->line_no)
		return wd_fail(WD_EINPUT, "%s:%zu: %s", r->name, r->line_no, msg);
	return wd_fail(WD_EINPUT, "%s: %s", r->name, msg);
}

/* Parses JSON text; NULL (and the record failed) if it is not JSON. */
static json_t *load_json(wd_reader *r, const char *text, size_t len)
{
	json_error_t jerr;
	json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!v && strstr(jerr.text, "JSON_ALLOW_NUL"))
		record_fail(r, "a string holds a NUL character (\\u0000) (column %d)",
		            jerr.column);
	else if (!v && jerr.line > 1) /* a document of several lines */
		record_fail(r, "invalid JSON: %s (line %d, column %d)", jerr.text, jerr.line,
		            jerr.column);
	else if (!v)
		record_fail(r, "invalid JSON: %s (column %d)", jerr.text, jerr.column);
	return v;
}

/* An optional string field: absent or null gives NULL, another type fails. */
static int optional_string(const char **out, const json_field_value *v)
{
	*out = v->kind == JK_STRING ? v->str : NULL;
	return v->kind == JK_STRING || v->kind == JK_NULL || v->kind == JK_ABSENT
	               ? WD_OK
	               : WD_EINPUT;
}

/* The article of a record's fields, from either decoder: every check on
 * a record's fields and its message is here, once. */
static int article_of_fields(wd_article *a, wd_reader *r, const json_field_value *f)
{
	const json_field_value *id = &f[JF_ID], *text = &f[JF_TEXT];
	memset(a, 0, sizeof *a);
	if (id->kind == JK_STRING) {
		a->id = id->str;
	} else if (id->kind == JK_INTEGER) {
		snprintf(r->id_buf, sizeof r->id_buf, "%" JSON_INTEGER_FORMAT,
		         (json_int_t)id->integer);
		a->id = r->id_buf;
	} else {
		return record_fail(r, id->kind == JK_ABSENT ? "missing \"id\""
		                         : "\"id\" must be a string or an integer");
	}
	if (!a->id[0])
		return record_fail(r, "\"id\" is empty");
	if (text->kind != JK_STRING)
		return record_fail(r, text->kind == JK_ABSENT ? "article '%s': missing \"text\""
		                         : "article '%s': \"text\" must be a string", a->id);
	a->text = text->str;
	a->text_len = text->len;

	static const enum json_field optional[] = {JF_TITLE, JF_SOURCE, JF_PUBLISHED, JF_URL};
	const char **slots[] = {&a->title, &a->source, &a->published, &a->url};
	for (size_t i = 0; i < 4; i++)
		if (optional_string(slots[i], &f[optional[i]]) < 0)
			return record_fail(r, "article '%s': \"%s\" must be a string or null",
			                   a->id, json_field_key[optional[i]]);
	if (!a->published && optional_string(&a->published, &f[JF_DATE]) < 0)
		return record_fail(r, "article '%s': \"date\" must be a string or null", a->id);
	return 1;
}

/* jansson's integers fit json_field_value's. */
_Static_assert(sizeof(json_int_t) <= sizeof(long long), "json_int_t is wider than long long");

/* The article of a JSON value (r->current, owned by the reader). */
static int parse_object(wd_article *a, wd_reader *r, json_t *obj)
{
	json_field_value f[JF_COUNT];
	if (!json_is_object(obj))
		return record_fail(r, "not a JSON object");
	for (int i = 0; i < JF_COUNT; i++) {
		json_t *v = json_object_get(obj, json_field_key[i]);
		memset(&f[i], 0, sizeof f[i]);
		if (!v) {
			f[i].kind = JK_ABSENT;
		} else if (json_is_null(v)) {
			f[i].kind = JK_NULL;
		} else if (json_is_string(v)) {
			f[i].kind = JK_STRING;
			f[i].str = json_string_value(v);
			f[i].len = json_string_length(v);
		} else if (json_is_integer(v)) {
			f[i].kind = JK_INTEGER;
			f[i].integer = json_integer_value(v);
		} else {
			f[i].kind = JK_OTHER;
		}
	}
	return article_of_fields(a, r, f);
}

/* A line of JSON Lines (len bytes in the reader's own buffer). Most lines
 * are flat objects that json_fields_scan decodes in place, into the
 * buffer that the article then points into; it defers anything else to
 * jansson, which then also gives the messages. */
static int parse_line(wd_article *a, wd_reader *r, char *line, size_t len)
{
	json_field_value f[JF_COUNT];
	if (json_fields_scan(f, line, len))
		return article_of_fields(a, r, f);
	if (!(r->current = load_json(r, line, len)))
		return WD_EINPUT;
	return parse_object(a, r, r->current);
}

static int next_jsonl(wd_article *a, wd_reader *r)
{
	for (;;) {
		errno = 0;
		if (r->ranged && r->pos >= r->end)
			return 0;
		ssize_t n = getline(&r->line, &r->line_cap, r->fp);
		if (n < 0) {
			if (ferror(r->fp))
				return wd_fail(WD_EIO, "%s:%zu: read error: %s", r->name,
				               r->line_no + 1, strerror(errno));
			return 0;
		}
		r->line_no++;
		r->pos += (uint64_t)n;
		char *s = r->line;
		size_t len = (size_t)n;
		if (r->line_no == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
			s += 3; /* byte order mark */
			len -= 3;
		}
		while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
			len--;
		size_t blank = 0;
		while (blank < len && (s[blank] == ' ' || s[blank] == '\t'))
			blank++;
		if (blank == len)
			continue; /* blank lines hold no article */
		if (len > r->max_bytes)
			return record_fail(r, "record of %zu bytes is over the limit of %zu "
			                      "(--max-bytes)", len, r->max_bytes);
		return parse_line(a, r, s, len);
	}
}

/* ---- directories ---- */

static int push_path(wd_reader *r, const char *rel)
{
	if (wd_grow(&r->paths, &r->cap_paths, r->n_paths, sizeof *r->paths, 64) < 0)
		return wd_fail_oom();
	if (!(r->paths[r->n_paths] = strdup(rel)))
		return wd_fail_oom();
	r->n_paths++;
	return WD_OK;
}

/* Joins a and b with '/' into a malloc'd string ("" a gives b). */
static char *join_path(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = malloc(la + lb + 2);
	if (!p)
		return NULL;
	if (la) {
		memcpy(p, a, la);
		p[la++] = '/';
	}
	memcpy(p + la, b, lb + 1);
	return p;
}

/* Collects the regular files under root/rel. */
static int walk(wd_reader *r, const char *root, const char *rel)
{
	char *dir_path = join_path(root, rel);
	DIR *d;
	struct dirent *e;
	int err = WD_OK;
	if (!dir_path)
		return wd_fail_oom();
	if (!(d = opendir(dir_path))) {
		err = wd_fail(WD_EIO, "%s: cannot open directory: %s", dir_path, strerror(errno));
		free(dir_path);
		return err;
	}
	while (err == WD_OK && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *child = join_path(rel, e->d_name), *full;
		struct stat sb;
		if (!child || !(full = join_path(root, child))) {
			free(child);
			err = wd_fail_oom();
			break;
		}
		if (stat(full, &sb) != 0)
			err = wd_fail(WD_EIO, "%s: %s", full, strerror(errno));
		else if (S_ISDIR(sb.st_mode))
			err = walk(r, root, child);
		else if (S_ISREG(sb.st_mode))
			err = push_path(r, child);
		free(full);
		free(child);
	}
	closedir(d);
	free(dir_path);
	return err;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int wd_reader_open_dir(wd_reader **out, const char *dir)
{
	wd_reader *r = reader_new(dir);
	int err;
	*out = NULL;
	if (!r)
		return wd_fail_oom();
	if ((err = walk(r, dir, "")) < 0) {
		wd_reader_close(r);
		return err;
	}
	if (r->n_paths > 1)
		qsort(r->paths, r->n_paths, sizeof *r->paths, cmp_path);
	*out = r;
	return WD_OK;
}

/* Reads a whole file into a malloc'd, NUL-terminated buffer. */
static int read_file(char **buf, size_t *len, const char *path, size_t max_bytes)
{
	struct stat sb;
	if (stat(path, &sb) == 0 && (size_t)sb.st_size > max_bytes)
		return wd_fail(WD_EINPUT, "%s: file of %lld bytes is over the limit of %zu "
		               "(--max-bytes)", path, (long long)sb.st_size, max_bytes);
	FILE *fp = fopen(path, "rb");
	size_t cap = 65536, n = 0, got;
	char *b;
	if (!fp)
		return wd_fail(WD_EINPUT, "%s: cannot open: %s", path, strerror(errno));
	if (!(b = malloc(cap))) {
		fclose(fp);
		return wd_fail_oom();
	}
	while ((got = fread(b + n, 1, cap - n - 1, fp)) > 0) {
		n += got;
		if (cap - n - 1 == 0) {
			char *nb = realloc(b, cap * 2);
			if (!nb) {
				free(b);
				fclose(fp);
				return wd_fail_oom();
			}
			b = nb;
			cap *= 2;
		}
	}
	int failed = ferror(fp);
	fclose(fp);
	if (failed) {
		free(b);
		return wd_fail(WD_EINPUT, "%s: read error", path);
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return WD_OK;
}

static int next_file(wd_article *a, wd_reader *r)
{
	size_t len = 0;
	char *full;
	int err;
	if (r->next_path == r->n_paths)
		return 0;
	const char *rel = r->paths[r->next_path++];
	free(r->file_buf);
	free(r->file_path);
	r->file_buf = NULL;
	if (!(r->file_path = full = join_path(r->name, rel)))
		return wd_fail_oom();
	if ((err = read_file(&r->file_buf, &len, full, r->max_bytes)) < 0)
		return err;
	memset(a, 0, sizeof *a);
	a->id = rel;
	a->text = r->file_buf;
	a->text_len = len;
	if (len == 0)
		return wd_fail(WD_EINPUT, "%s: empty file", full);
	return 1;
}

int wd_reader_open_json(wd_reader **out, const char *name, const char *data, size_t len)
{
	wd_reader *r = reader_new(name ? name : "<json>");
	*out = NULL;
	if (!r)
		return wd_fail_oom();
	if (len > r->max_bytes) {
		wd_reader_close(r);
		return wd_fail(WD_EINPUT, "%s: %zu bytes is over the limit of %zu", r->name, len,
		               WD_DEFAULT_MAX_BYTES);
	}
	if (!(r->doc = load_json(r, data, len))) {
		wd_reader_close(r);
		return WD_EINPUT;
	}
	/* jansson takes only an object or an array at the top */
	*out = r;
	return WD_OK;
}

/* The next article of an in-memory document. */
static int next_doc(wd_article *a, wd_reader *r)
{
	size_t n = json_is_array(r->doc) ? json_array_size(r->doc) : 1;
	if (r->doc_next == n)
		return 0;
	json_t *v = json_is_array(r->doc) ? json_array_get(r->doc, r->doc_next) : r->doc;
	r->doc_next++;
	r->current = json_incref(v);
	return parse_object(a, r, v);
}

int wd_reader_count(const wd_reader *r)
{
	return r->doc && json_is_array(r->doc) ? (int)json_array_size(r->doc) : -1;
}

int wd_reader_next(wd_article *a, wd_reader *r)
{
	json_decref(r->current);
	r->current = NULL;
	if (r->doc)
		return next_doc(a, r);
	return r->fp ? next_jsonl(a, r) : next_file(a, r);
}

void wd_reader_set_max_bytes(wd_reader *r, size_t max_bytes)
{
	r->max_bytes = max_bytes;
}

const char *wd_reader_name(const wd_reader *r)
{
	return !r->fp && r->file_path ? r->file_path : r->name;
}

size_t wd_reader_line(const wd_reader *r)
{
	if (r->doc)
		return json_is_array(r->doc) ? r->doc_next : 0;
	return r->fp ? r->line_no : 0;
}

void wd_reader_close(wd_reader *r)
{
	if (!r)
		return;
	if (r->owns_fp)
		fclose(r->fp);
	json_decref(r->current);
	json_decref(r->doc);
	for (size_t i = 0; i < r->n_paths; i++)
		free(r->paths[i]);
	free(r->paths);
	free(r->file_buf);
	free(r->file_path);
	free(r->line);
	free(r->name);
	free(r);
}
