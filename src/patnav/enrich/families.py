"""Patent families: the source's DOCDB family where it gives one, else shared priorities.

A document without a source family gets ``pri:`` + the smallest application number of its
**priority family**: documents are linked through every number they share — their own
application number, the numbers of the priorities they claim, their PCT application — and
each connected group is one family. So a Chinese first filing, the US application claiming
its priority and the EP application entering from the same PCT application form one family;
the A and B publications of one application always do. This is close to INPADOC's
extended family (linked through any shared priority), not DOCDB's simple family (exactly
the same priorities), which only the source can give.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from patnav.enrich.base import EnrichContext, StepReport, changed_rows
from patnav.enrich.clustering import components
from patnav.storage.store import PatentStore

PREFIX = "pri:"
_OURS = f"(family_id IS NULL OR family_id LIKE '{PREFIX}%')"


class Families:
    """Derive family ids from shared application and priority numbers."""

    name = "families"
    label = "同族归并"

    def run(self, store: PatentStore, ctx: EnrichContext) -> StepReport:
        """Link documents through shared numbers; write ``pri:`` family ids."""
        rows = store.rows(
            f"WITH docs AS (SELECT doc_id, app_number, pct_app_number FROM patents WHERE {_OURS}) "
            "SELECT doc_id, app_number FROM docs WHERE app_number IS NOT NULL "
            "UNION SELECT doc_id, pct_app_number FROM docs WHERE pct_app_number IS NOT NULL "
            "UNION SELECT r.doc_id, r.number FROM priorities r JOIN docs USING (doc_id) "
            "WHERE r.number IS NOT NULL"
        )
        docs = sorted({str(r[0]) for r in rows})
        numbers = sorted({str(r[1]) for r in rows})
        doc_index = {d: i for i, d in enumerate(docs)}
        num_index = {n: len(docs) + i for i, n in enumerate(numbers)}
        a = np.array([doc_index[str(r[0])] for r in rows], dtype=np.int64)
        b = np.array([num_index[str(r[1])] for r in rows], dtype=np.int64)
        label = components(len(docs) + len(numbers), a, b)
        smallest: dict[int, str] = {}
        # numbers are sorted, so the first one seen in a family is its smallest
        for number, node in num_index.items():
            smallest.setdefault(int(label[node]), number)
        family = [PREFIX + smallest[int(label[i])] for i in range(len(docs))]
        data = pa.table({"doc_id": docs, "family_id": family})
        with store.staged("enrich_families", data) as staged:
            changed = changed_rows(
                store.rows(
                    f"UPDATE patents SET family_id = s.family_id FROM {staged} s "
                    f"WHERE patents.doc_id = s.doc_id AND (patents.family_id IS NULL OR "
                    f"patents.family_id LIKE '{PREFIX}%') "
                    "AND patents.family_id IS DISTINCT FROM s.family_id"
                )
            )
            changed += changed_rows(
                store.rows(
                    f"UPDATE patents SET family_id = NULL WHERE family_id LIKE '{PREFIX}%' "
                    f"AND doc_id NOT IN (SELECT doc_id FROM {staged})"
                )
            )
        sizes = np.bincount(np.unique(label[: len(docs)], return_inverse=True)[1])
        summary = {
            "documents": len(docs),
            "families": len(sizes),
            "multi_document_families": int((sizes > 1).sum()),
            "largest_family": int(sizes.max()) if len(sizes) else 0,
            "source_families": int(
                store.scalar(
                    f"SELECT count(*) FROM patents WHERE family_id IS NOT NULL "
                    f"AND family_id NOT LIKE '{PREFIX}%'"
                )
            ),
        }
        examples = tuple(
            f"{fam}: {n} documents"
            for fam, n in store.rows(
                f"SELECT family_id, count(*) AS n FROM patents WHERE family_id LIKE '{PREFIX}%' "
                "GROUP BY 1 HAVING count(*) > 1 ORDER BY n DESC, 1 LIMIT 3"
            )
        )
        return StepReport(self.name, changed, summary, examples)
