"""Load the real UK public bodies and the FOIA / EIR / FOISA exemptions."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from requests_app.seed_data import seed_exemptions, seed_public_bodies


def seed(apps: Any, schema_editor: Any) -> None:
    seed_public_bodies(
        apps.get_model("requests_app", "PublicBody"), apps.get_model("requests_app", "Tag")
    )
    seed_exemptions(apps.get_model("requests_app", "Exemption"))


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
