"""Deadline alerts by email: kinds, the sweep, delivery, rendering and the pages.

`notify_new_correspondence` is the entry point for the mail importer (the saved-search
matcher calls `services.notify_saved_search_matches`); it imports lazily so that this package can
be imported before Django's apps are ready.
"""

from __future__ import annotations


def notify_new_correspondence(*, message_id: int) -> int:
    from requests_app.alerts.services import notify_new_correspondence as notify

    return notify(message_id=message_id)
