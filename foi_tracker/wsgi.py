from __future__ import annotations

import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foi_tracker.settings")
application = get_wsgi_application()
# Import every view now, not on a worker's first request: the PDF and spreadsheet libraries
# take seconds to load. Under gunicorn's preload_app this happens once, in the master, and
# workers recycled after max_requests start warm.
import_module(settings.ROOT_URLCONF)
