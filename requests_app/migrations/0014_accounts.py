"""Accounts: name, letter signature and confirmed email; one outbox for every alert.

Data: the addresses our own set-up commands used to invent (nobody reads them) are
cleared, so alerts wait for a real, confirmed address instead of going nowhere; and the
saved-search matches the old separate digest held back are released to the one outbox,
which sends them at once or in the user's daily digest, as their alert settings say.
"""

import datetime as dt

import django.db.models.deletion
from django.db import migrations, models

INVENTED_ADDRESSES = ("admin@localhost", "demo@localhost")
OLD_DIGEST_HOLD = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)


def clear_invented_addresses(apps, schema_editor):
    User = apps.get_model("auth", "User")
    User.objects.filter(email__in=INVENTED_ADDRESSES).update(email="")


def release_saved_search_matches(apps, schema_editor):
    Alert = apps.get_model("requests_app", "Alert")
    Alert.objects.filter(
        kind="saved_search_match", status="pending", next_attempt_at__gte=OLD_DIGEST_HOLD
    ).update(next_attempt_at=None)


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0013_work_leases"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="checklist_done_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="profile",
            name="display_name",
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AddField(
            model_name="profile",
            name="email_change_requested_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="profile",
            name="letter_signature",
            field=models.TextField(
                blank=True, help_text="How your letters end, after “Yours faithfully,”."
            ),
        ),
        migrations.AddField(
            model_name="profile",
            name="pending_email",
            field=models.EmailField(blank=True, max_length=254),
        ),
        migrations.AlterField(
            model_name="alert",
            name="request",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="alerts",
                to="requests_app.foirequest",
            ),
        ),
        migrations.RunPython(clear_invented_addresses, migrations.RunPython.noop),
        migrations.RunPython(release_saved_search_matches, migrations.RunPython.noop),
    ]
