"""Say loudly whether a service the test suite wants is reachable.

Exit status 0 when it is; 1 when it is not (the Makefile then skips that run, or fails
when FOI_REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import socket
import sys
from urllib.parse import urlsplit

DEFAULT_PORTS = {"postgres": 5432, "redis": 6379}


def reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 3
        ):
            return True
    except OSError:
        return False


def main() -> int:
    service, url = sys.argv[1], sys.argv[2]
    if reachable(url, DEFAULT_PORTS[service]):
        return 0
    banner = "!" * 78
    print(
        f"{banner}\n!! {service} is NOT reachable at {url}: skipping the {service} run.\n"
        f"!! Set FOI_REQUIRE_SERVICES=1 to make this a failure.\n{banner}",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
