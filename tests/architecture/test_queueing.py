"""Work is queued one way: `queueing.enqueue_on_commit`, with one broker-error policy."""

from __future__ import annotations

from tests.architecture.source import calls

QUEUEING = "requests_app/queueing.py"

# The letters' stranded sweep runs outside any transaction and reports how many letters the
# broker took, so it publishes at once through `enqueue` (the same policy, without waiting
# for a commit).
PUBLISHES_AT_ONCE = {("requests_app/mail/sending.py", "queue_stranded_letters")}


def test_only_the_queueing_module_publishes_tasks_or_waits_for_a_commit() -> None:
    publishing = calls({"apply_async", "delay", "send_task", "on_commit"})
    elsewhere = [call for call in publishing if call.module != QUEUEING]
    assert elsewhere == []


def test_work_is_queued_at_commit_except_by_the_sweep_that_counts_what_the_broker_took() -> None:
    immediate = calls({"enqueue"})
    elsewhere = {(call.module, call.function) for call in immediate if call.module != QUEUEING}
    assert elsewhere == PUBLISHES_AT_ONCE
