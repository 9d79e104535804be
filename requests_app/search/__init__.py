"""Full-text search over requests, correspondence and attachment pages.

`search(user, query, **filters)` returns a page of `SearchHit`s the user may see, with
the total and facet counts (see engine.py). The index lives in the database — PostgreSQL
full-text search or SQLite FTS5 — and triggers keep it current; `manage.py
search_reindex` rebuilds it.
"""

from __future__ import annotations

from requests_app.search.engine import FacetCount, SearchHit, SearchResults, search

__all__ = ["FacetCount", "SearchHit", "SearchResults", "search"]
