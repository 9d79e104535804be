"""The calendar's date indexes in each day's reference order, with what filters them in
the key: a day's first few entries are read off the index and its count from the index
alone, on SQLite too (which has no INCLUDE), instead of ranking every date of the month."""

from django.conf import settings
from django.db import migrations, models

import requests_app.models.requests


def refresh_sqlite_statistics(apps, schema_editor):
    # SQLite plans from the statistics ANALYZE last wrote: where there are some, it knows
    # nothing of the new indexes until it is run again.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE requests_app_foirequest")


class Migration(migrations.Migration):

    dependencies = [
        ('requests_app', '0021_counts_version_figures'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='foirequest',
            name='request_due_on',
        ),
        migrations.RemoveIndex(
            model_name='foirequest',
            name='request_extended_due_on',
        ),
        migrations.RemoveIndex(
            model_name='foirequest',
            name='request_review_due_on',
        ),
        migrations.RemoveIndex(
            model_name='foirequest',
            name='request_review_request_closes',
        ),
        migrations.RemoveIndex(
            model_name='foirequest',
            name='request_escalation_closes',
        ),
        migrations.AddIndex(
            model_name='foirequest',
            index=models.Index(models.F('due_on'), requests_app.models.requests.CodePointOrder('reference'), models.F('status'), models.F('owner'), models.F('campaign'), models.F('visibility'), models.F('extended_due_on'), condition=models.Q(('due_on__isnull', False)), include=('id',), name='calendar_due_on'),
        ),
        migrations.AddIndex(
            model_name='foirequest',
            index=models.Index(models.F('extended_due_on'), requests_app.models.requests.CodePointOrder('reference'), models.F('status'), models.F('owner'), models.F('campaign'), models.F('visibility'), condition=models.Q(('extended_due_on__isnull', False)), include=('id',), name='calendar_extended_due_on'),
        ),
        migrations.AddIndex(
            model_name='foirequest',
            index=models.Index(models.F('review_due_on'), requests_app.models.requests.CodePointOrder('reference'), models.F('status'), models.F('owner'), models.F('campaign'), models.F('visibility'), condition=models.Q(('review_due_on__isnull', False)), include=('id',), name='calendar_review_due_on'),
        ),
        migrations.AddIndex(
            model_name='foirequest',
            index=models.Index(models.F('review_request_closes_on'), requests_app.models.requests.CodePointOrder('reference'), models.F('status'), models.F('owner'), models.F('campaign'), models.F('visibility'), condition=models.Q(('review_request_closes_on__isnull', False)), include=('id',), name='calendar_review_request_closes'),
        ),
        migrations.AddIndex(
            model_name='foirequest',
            index=models.Index(models.F('escalation_closes_on'), requests_app.models.requests.CodePointOrder('reference'), models.F('status'), models.F('owner'), models.F('campaign'), models.F('visibility'), condition=models.Q(('escalation_closes_on__isnull', False)), include=('id',), name='calendar_escalation_closes'),
        ),
        migrations.RunPython(refresh_sqlite_statistics, migrations.RunPython.noop),
    ]
