from __future__ import annotations

from foi_tracker.celery import app as celery_app

__all__ = ["celery_app"]
