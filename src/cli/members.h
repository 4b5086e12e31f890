/* members.h - cluster members as records (`wiredup members`, and the
 * research fields of `wiredup clusters`). */
#ifndef WD_CLI_MEMBERS_H
#define WD_CLI_MEMBERS_H

#include "output.h"
#include "wiredup.h"

#include <jansson.h>

/* The columns of a member record, in order (NULL-terminated). */
extern const char *const MEMBER_COLUMNS[];

/* Is m an uncredited copy as the sums count it: no credit line and no
 * byline of its page names the cluster's agency? */
int members_uncredited(const wd_member *m);

/* Member i of cm as a record with MEMBER_COLUMNS. */
json_t *member_json(const wd_cluster_members *cm, size_t i);

/* Writes a record per member of the cluster named `cluster`. 0, or < 0
 * (wd_last_error() says why; WD_EIO: a write error). */
int members_write(FILE *fp, out_format fmt, wd_index *ix, const char *cluster);

/* Adds to a cluster record "agency", "uncredited_copies" (counted by
 * members_uncredited), "trimmed_copies" and "member_details" (every
 * member record). */
int members_add_to_cluster(json_t *rec, wd_index *ix, const char *cluster);

#endif
