"""The replies waiting for review, oldest first, read from an index of their own."""

from django.conf import settings
from django.db import migrations, models


def refresh_sqlite_statistics(apps, schema_editor):
    # SQLite plans from the statistics ANALYZE last wrote: where there are some, without
    # the new index among them it goes on walking the recent replies' index instead.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE requests_app_message")


class Migration(migrations.Migration):

    dependencies = [
        ('requests_app', '0019_calendar_date_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='message',
            index=models.Index(condition=models.Q(('direction', 'in'), ('is_auto_reply', False), ('reviewed_at__isnull', True)), fields=['sent_at', 'id'], name='message_review_queue'),
        ),
        migrations.RunPython(refresh_sqlite_statistics, migrations.RunPython.noop),
    ]
