"""The correctness suite: what a report states, recomputed from the raw files.

For every shipped navigation spec (``specs/*.yaml``) and a test spec of every report type
(``tests/correctness/specs``: Tai'an region, R&D, talent and micro over the city corpus;
DJI against its competitors over the Lens and Derwent drone exports), the report is built
on the demo store (``scripts/demo.sh``'s corpora, imported and enriched once per run) and
its figures are recomputed with pandas and plain Python from the files in
``PATNAV_DATA_DIR`` — never from the store:

* ``raw.py``     loaders for the Tai'an xlsx, the CNIPA and CNKI exports, the CCF json,
                 the Lens CSV and the Derwent ``.ciw``, merged into one document per
                 publication;
* ``query.py``   the query language's rules the specs use (IPC/IPCM classes, TIAB terms,
                 PA names, AND/OR/NOT), evaluated over those documents;
* ``figures.py`` counting units, unit dates and origins, applicants, chain positions;
* ``test_reports.py`` the checks: scope counts (by the spec's unit), leading applicants,
                 chain positions, competitors, and that a Tai'an report shows nothing of
                 the drone exports — against the ``Report`` model and the DOCX text.

Every rule is restated where it is recomputed, with the reason; a figure that disagrees
is a defect of the program (or of a restated rule), never a number to copy into a test.

**Adding checks.** A check is a test function taking the session fixtures ``case`` (the
spec's path, ``NavigationSpec``, raw YAML, built ``Report`` and DOCX text) and
``raw_docs`` (the merged raw documents; ``figures.corpus_of(raw_docs, unit)`` gives the
units). Legal-status shares (from the sources' status fields) and 招商/引才 candidates
belong in modules of their own beside ``test_reports.py`` (``test_status.py``,
``test_candidates.py``), recomputed the same way.
"""
