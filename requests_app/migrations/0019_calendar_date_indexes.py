"""Indexes for the calendar's dates: a month is read as a range of each date."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('requests_app', '0018_counts_version'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='foirequest',
            index=models.Index(condition=models.Q(('due_on__isnull', False)), fields=['due_on', 'status'], include=('id', 'reference', 'owner', 'campaign', 'visibility', 'extended_due_on'), name='request_due_on'),
        ),
        migrations.AddIndex(
            model_name='foirequest',
            index=models.Index(condition=models.Q(('extended_due_on__isnull', False)), fields=['extended_due_on', 'status'], include=('id', 'reference', 'owner', 'campaign', 'visibility'), name='request_extended_due_on'),
        ),
        migrations.AddIndex(
            model_name='foirequest',
            index=models.Index(condition=models.Q(('review_due_on__isnull', False)), fields=['review_due_on', 'status'], include=('id', 'reference', 'owner', 'campaign', 'visibility'), name='request_review_due_on'),
        ),
        migrations.AddIndex(
            model_name='foirequest',
            index=models.Index(condition=models.Q(('review_request_closes_on__isnull', False)), fields=['review_request_closes_on', 'status'], include=('id', 'reference', 'owner', 'campaign', 'visibility'), name='request_review_request_closes'),
        ),
        migrations.AddIndex(
            model_name='foirequest',
            index=models.Index(condition=models.Q(('escalation_closes_on__isnull', False)), fields=['escalation_closes_on', 'status'], include=('id', 'reference', 'owner', 'campaign', 'visibility'), name='request_escalation_closes'),
        ),
    ]
