"""Real services for the trust tests: a private Redis that a test may stop and start."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import kombu.pools
import pytest

from foi_tracker.celery import app

REQUIRE_SERVICES = os.environ.get("FOI_REQUIRE_SERVICES") == "1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(condition: object, timeout: float = 10.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what or condition}")


class PrivateRedis:
    """A redis-server of our own on a free loopback port: stopping it harms no one else."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        argv = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", str(self.folder),
        ]  # fmt: skip
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        wait_until(self.answers, what="redis-server to start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping())
        except redis.RedisError:
            return False

    def client(self) -> object:
        import redis

        return redis.Redis.from_url(self.url)


def start_private_redis(folder: Path) -> PrivateRedis:
    if shutil.which("redis-server") is None:
        if REQUIRE_SERVICES:
            pytest.fail("redis-server is not installed")
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    server = PrivateRedis(folder)
    server.start()
    return server


def reset_broker_connections() -> None:
    """Forget pooled broker connections, so the next publish connects to the new broker.

    kombu keeps its pools in process-wide registries keyed by broker URL, which the app's
    pools are taken from: closing only the app's would leave a closed pool to be handed
    back the next time that URL is used.
    """
    kombu.pools.reset()
    state = vars(app)  # Celery keeps its pools in private attributes, as after a fork
    state["_pool"] = None
    amqp = state.get("amqp")
    if amqp is not None:
        vars(amqp)["_producer_pool"] = None


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Publish the project's tasks to `url` for real (not inline) inside the block."""
    saved = (
        app.conf.broker_url,
        app.conf.broker_transport_options,
        app.conf.task_always_eager,
    )
    app.conf.update(
        broker_url=url,
        broker_transport_options={"visibility_timeout": 3600},
        task_always_eager=False,
    )
    reset_broker_connections()
    try:
        yield
    finally:
        reset_broker_connections()
        app.conf.update(
            broker_url=saved[0], broker_transport_options=saved[1], task_always_eager=saved[2]
        )
