"""Check that the API keeps its own OpenAPI contract, with schemathesis against a live server.

Starts the web server on a throwaway SQLite database (migrated, with the demo campaign, a
user and an API token), runs schemathesis against `/api/v1/schema/` for a bounded time,
stops the server and exits with schemathesis's status: 0 when no response was a server
error, none broke the schema and every status code was documented.

    .venv/bin/python scripts/api_contract.py [--max-examples N] [--max-time SECONDS]

The run creates and changes data, which is why it never touches a real database.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_schema_conformance,response_headers_conformance"
)
SHELL_PRINTING_THE_KEY = """
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
user = get_user_model().objects.get(username="demo")
print(Token.objects.get_or_create(user=user)[0].key)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def throwaway_environment(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "FOI_VAR_DIR": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'contract.sqlite3'}",
        "FOI_TASKS_EAGER": "1",
        "REDIS_URL": "",
        "DEBUG": "0",
        # schemathesis sends thousands of requests: the throttle would answer 429.
        "FOI_API_USER_RATE": "1000000/hour",
        "FOI_API_ANON_RATE": "1000000/hour",
        "FOI_LOGIN_THROTTLING": "0",
    }


def manage(env: dict[str, str], *args: str) -> str:
    command = [PYTHON, "manage.py", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    return done.stdout


def prepare(env: dict[str, str]) -> str:
    """Migrate, load the demo campaign (it creates the user `demo`) and return a token."""
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    return manage(env, "shell", "-c", SHELL_PRINTING_THE_KEY).strip().splitlines()[-1]


def start_server(env: dict[str, str], port: int, log: IO[bytes]) -> subprocess.Popen[bytes]:
    """The development server (one thread): its log goes to a file, shown on failure."""
    command = [PYTHON, "manage.py", "runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("The web server stopped before it answered.") from None
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("The web server did not answer within 60 seconds.")


def run_schemathesis(port: int, token: str, args: argparse.Namespace, folder: Path) -> int:
    """Run in the throwaway folder, where schemathesis keeps its cache."""
    command = [
        str(Path(PYTHON).parent / "schemathesis"),
        "run",
        f"http://127.0.0.1:{port}/api/v1/schema/",
        "--header",
        f"Authorization: Token {token}",
        "--checks",
        CHECKS,
        "--max-examples",
        str(args.max_examples),
        "--max-time",
        str(args.max_time),
        "--workers",
        "1",
        "--phases",
        "examples,coverage,fuzzing",
        "--request-timeout",
        "20",
        "--seed",
        str(args.seed),
        "--generation-database",
        ":memory:",
    ]
    return subprocess.run(command, cwd=folder).returncode  # noqa: S603


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--max-time", type=int, default=120, help="seconds for schemathesis")
    parser.add_argument("--seed", type=int, default=20261207)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="foi-contract-") as folder:
        env = throwaway_environment(Path(folder))
        token = prepare(env)
        port = free_port()
        log_path = Path(folder) / "server.log"
        with log_path.open("wb") as log:
            server = start_server(env, port, log)
            try:
                status = run_schemathesis(port, token, args, Path(folder))
            finally:
                server.terminate()
                server.wait(timeout=30)
        if status:
            print(server_errors(log_path.read_text(errors="replace")))
        return status


def server_errors(log: str) -> str:
    """The server's tracebacks, if any: what a 500 looked like from the inside."""
    tracebacks = [part for part in log.split("Traceback") if "Error" in part][1:]
    if not tracebacks:
        return "The server logged no traceback."
    return "\n".join("Traceback" + part[:3000] for part in tracebacks[:5])


if __name__ == "__main__":
    sys.exit(main())
