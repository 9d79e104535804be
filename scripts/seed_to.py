"""Top the `seed_bench` archive in DATABASE_URL up to N requests (nothing if it has them)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    wanted = int(sys.argv[1])
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foi_tracker.settings")
    import django

    django.setup()
    from requests_app.models import FoiRequest

    missing = wanted - FoiRequest.objects.count()
    if missing > 0:
        command = [sys.executable, "manage.py", "seed_bench", "--requests", str(missing)]
        subprocess.run(command, cwd=ROOT, check=True)  # noqa: S603
    return 0


if __name__ == "__main__":
    sys.exit(main())
