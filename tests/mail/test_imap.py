"""Mailbox polling against a real Dovecot on loopback."""

from __future__ import annotations

import imaplib
import os
from collections.abc import Iterator

import pytest

from requests_app import models
from requests_app.mail import imap
from requests_app.mail.imap import poll_mailbox
from tests.mail.conftest import CorpusWorld, corpus_bytes
from tests.mail.dovecot import DOVECOT, Dovecot, DovecotServer, DroppingProxy, running_dovecot

pytestmark = pytest.mark.django_db
REPLIES = ("02_gmail_alternative.eml", "15_out_of_office.eml", "19_unmatched.eml")


@pytest.fixture(scope="module")
def dovecot_server() -> Iterator[DovecotServer]:
    if DOVECOT is None:
        if os.environ.get("CI"):
            pytest.fail("dovecot is missing in CI (apt-get install dovecot-imapd)")
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")
    with running_dovecot() as server:
        yield server


@pytest.fixture
def dovecot(dovecot_server: DovecotServer) -> Dovecot:
    return dovecot_server.new_user()


def deliver(server: Dovecot, *names: str, folder: str = "INBOX") -> None:
    client = imaplib.IMAP4("127.0.0.1", server.port)
    client.login(server.user, server.password)
    for name in names:
        client.append(folder, None, None, corpus_bytes(name))
    client.logout()


def folder_contents(server: Dovecot, folder: str) -> tuple[int, int]:
    """(messages, unseen) in a folder."""
    client = imaplib.IMAP4("127.0.0.1", server.port)
    client.login(server.user, server.password)
    client.select(folder)
    _, everything = client.search(None, "ALL")
    _, unseen = client.search(None, "UNSEEN")
    client.logout()
    return len(everything[0].split()), len(unseen[0].split())


def test_new_mail_is_imported_once_and_marked_read(world: CorpusWorld, dovecot: Dovecot) -> None:
    deliver(dovecot, *REPLIES)
    first = poll_mailbox(url=dovecot.url())
    assert (first.imported, first.duplicates, first.error) == (3, 0, "")
    assert folder_contents(dovecot, "INBOX") == (3, 0)
    assert world.examples.messages.filter(source=models.MessageSource.IMAP).count() == 2
    again = poll_mailbox(url=dovecot.url())
    assert again.fetched == 0
    deliver(dovecot, "20_refusal_exemptions.eml")
    later = poll_mailbox(url=dovecot.url())
    assert (later.fetched, later.imported) == (1, 1)
    state = models.MailboxState.objects.get()
    assert state.last_uid == 4 and state.uidvalidity and state.last_error == ""
    assert "s3cret" not in state.mailbox


def test_imported_mail_can_be_moved_to_another_folder(world: CorpusWorld, dovecot: Dovecot) -> None:
    client = imaplib.IMAP4("127.0.0.1", dovecot.port)
    client.login(dovecot.user, dovecot.password)
    client.create("Imported")
    client.logout()
    deliver(dovecot, *REPLIES)
    result = poll_mailbox(url=dovecot.url(query="move_to=Imported"))
    assert result.imported == 3
    assert folder_contents(dovecot, "INBOX") == (0, 0)
    assert folder_contents(dovecot, "Imported")[0] == 3


def test_a_dropped_connection_is_survived_and_nothing_is_imported_twice(
    world: CorpusWorld, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    deliver(dovecot, *REPLIES)
    proxy = DroppingProxy(dovecot.port)
    real_import = imap.import_message

    def import_then_drop(**kwargs: object):
        result = real_import(**kwargs)  # type: ignore[arg-type]
        if proxy.drops == 0:
            proxy.drop()  # the line goes dead after the first message is imported
        return result

    monkeypatch.setattr(imap, "import_message", import_then_drop)
    try:
        result = poll_mailbox(url=dovecot.url(port=proxy.port))
    finally:
        proxy.close()
    assert result.reconnects == 1
    assert (result.imported, result.duplicates) == (3, 1)
    assert models.Message.objects.filter(source=models.MessageSource.IMAP).count() == 3
    assert folder_contents(dovecot, "INBOX") == (3, 0)


def test_a_renumbered_mailbox_is_read_again_without_duplicates(
    world: CorpusWorld, dovecot: Dovecot
) -> None:
    deliver(dovecot, *REPLIES)
    poll_mailbox(url=dovecot.url())
    models.MailboxState.objects.update(uidvalidity=1)  # as if the folder had been rebuilt
    again = poll_mailbox(url=dovecot.url())
    assert (again.imported, again.duplicates) == (0, 3)
    assert models.Message.objects.filter(source=models.MessageSource.IMAP).count() == 3


def test_a_refused_login_is_recorded_not_raised(world: CorpusWorld, dovecot: Dovecot) -> None:
    url = dovecot.url().replace(":s3cret@", ":wrong@")
    result = poll_mailbox(url=url)
    assert "refused the login" in result.error
    assert "refused the login" in models.MailboxState.objects.get().last_error


def test_an_unreachable_server_is_recorded_not_raised(world: CorpusWorld) -> None:
    from tests.mail.dovecot import free_port

    result = poll_mailbox(url=f"imap://a:b@127.0.0.1:{free_port()}/INBOX", reconnects=1)
    assert result.reconnects == 1
    assert "Connection lost" in result.error


def test_the_url_gives_the_folder_and_the_move_target() -> None:
    config = imap.parse_imap_url(
        "imaps://me%40example.org:p%40ss@mail.example.org/FOI%20replies?move_to=Done"
    )
    assert (config.user, config.password, config.folder) == (
        "me@example.org",
        "p@ss",
        "FOI replies",
    )
    assert (config.port, config.use_ssl, config.move_to) == (993, True, "Done")
