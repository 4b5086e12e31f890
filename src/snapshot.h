/* snapshot.h - one read snapshot around a reader's several statements, so
 * that a writer committing in between cannot show it half a change. */
#ifndef WD_SNAPSHOT_H
#define WD_SNAPSHOT_H

#include "index_internal.h"

/* Opens a read transaction unless one (or a batch) is open already;
 * *own says whether snapshot_end must close it. The handle then catches
 * up with what another handle changed (index_refresh), inside the
 * snapshot. */
static inline int snapshot_begin(wd_index *ix, int *own)
{
	*own = !ix->in_batch && sqlite3_get_autocommit(ix->store.db);
	int err = *own ? store_exec(&ix->store, "BEGIN") : WD_OK;
	if (err == WD_OK && (err = index_refresh(ix)) < 0 && *own) {
		store_exec(&ix->store, "ROLLBACK");
		*own = 0;
	}
	return err;
}

static inline void snapshot_end(wd_index *ix, int own, int err)
{
	if (own)
		store_exec(&ix->store, err == WD_OK ? "COMMIT" : "ROLLBACK");
}

#endif
