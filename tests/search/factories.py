"""Attachments and their pages, for the search tests."""

from __future__ import annotations

import factory

from requests_app import models
from tests.factories import MessageFactory


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Attachment

    message = factory.SubFactory(MessageFactory)
    filename = "response.pdf"
    content_type = "application/pdf"
    size = 1024
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    file = factory.LazyAttribute(lambda attachment: f"blobs/{attachment.sha256}")
    status = models.ExtractionStatus.DONE


class DocumentPageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DocumentPage

    attachment = factory.SubFactory(AttachmentFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "The information you asked for is set out in the table below."
