"""Deadline alerts by email: kinds, the sweep, delivery, rendering and the pages.

`notify_new_correspondence` and `notify_saved_search_match` are the entry points for the
mail importer and the saved-search matcher; they import lazily so that this package can
be imported before Django's apps are ready.
"""

from __future__ import annotations


def notify_new_correspondence(*, message_id: int) -> int:
    from requests_app.alerts.services import notify_new_correspondence as notify

    return notify(message_id=message_id)


def notify_saved_search_match(*, user_id: int, request_id: int, search_name: str) -> bool:
    from requests_app.alerts.services import notify_saved_search_match as notify

    return notify(user_id=user_id, request_id=request_id, search_name=search_name)
