"""A private Dovecot IMAP server on loopback, and a TCP proxy that can drop connections."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

USERS = 20
DOVECOT = shutil.which("dovecot") or (
    "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
)

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:~/Maildir
first_valid_uid = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={base}/home/%u
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.02)
    raise TimeoutError(f"nothing listens on port {port}")


@dataclass(frozen=True)
class Dovecot:
    port: int
    user: str
    password: str

    def url(self, *, port: int | None = None, query: str = "") -> str:
        suffix = f"?{query}" if query else ""
        return f"imap://{self.user}:{self.password}@127.0.0.1:{port or self.port}/INBOX{suffix}"


@dataclass
class DovecotServer:
    """One server for many tests: each test takes a mail user of its own.

    The users are written before the server starts: Dovecot re-reads its passwd file only
    when the file's modification time moves on by a whole second.
    """

    port: int
    password: str = "s3cret"
    taken: int = 0

    def new_user(self) -> Dovecot:
        self.taken += 1
        if self.taken > USERS:
            raise RuntimeError(f"only {USERS} mail users were set up")
        return Dovecot(port=self.port, user=f"user{self.taken}", password=self.password)


@contextlib.contextmanager
def running_dovecot() -> Iterator[DovecotServer]:
    assert DOVECOT is not None
    # A short path: Dovecot's UNIX sockets live under base_dir (108 characters at most).
    base = Path(tempfile.mkdtemp(prefix="dc", dir="/tmp"))
    base.chmod(0o755)
    owner = pwd.getpwnam("nobody") if os.getuid() == 0 else pwd.getpwuid(os.getuid())
    server = DovecotServer(port=free_port())
    lines = []
    for number in range(1, USERS + 1):
        home = base / "home" / f"user{number}"
        home.mkdir(parents=True)
        os.chown(home, owner.pw_uid, owner.pw_gid)
        lines.append(f"user{number}:{{PLAIN}}{server.password}::::::\n")
    os.chown(base / "home", owner.pw_uid, owner.pw_gid)
    (base / "passwd").write_text("".join(lines))
    port = server.port
    config = CONFIG.format(base=base, port=port, uid=owner.pw_uid, gid=owner.pw_gid)
    (base / "dovecot.conf").write_text(config)
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(base / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(base, ignore_errors=True)


class DroppingProxy:
    """Forwards loopback TCP to a server; `drop()` cuts every open connection mid-stream."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.sockets: list[socket.socket] = []
        self.drops = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)

    def drop(self) -> None:
        self.drops += 1
        for open_socket in self.sockets:
            with contextlib.suppress(OSError):
                open_socket.shutdown(socket.SHUT_RDWR)
            open_socket.close()
        self.sockets = []

    def close(self) -> None:
        self.drop()
        self.listener.close()
