"""Small, explicit factories for the domain models."""

from __future__ import annotations

import datetime as dt
import io

import factory
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from requests_app import models
from requests_app.models.documents import store_blob

TEST_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"campaigner{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(TEST_PASSWORD)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Tag {n}")
    slug = factory.LazyAttribute(lambda tag: slugify(tag.name))


class PublicBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PublicBody
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Test Authority {n}")
    short_name = factory.Sequence(lambda n: f"TA{n}")
    slug = factory.LazyAttribute(lambda body: slugify(body.name))
    nation = models.Nation.ENGLAND
    default_regime = "uk-foia"


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Campaign

    name = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.LazyAttribute(lambda campaign: slugify(campaign.name))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Membership

    campaign = factory.SubFactory(CampaignFactory)
    user = factory.SubFactory(UserFactory)
    role = models.Role.EDITOR


class FoiRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FoiRequest

    title = factory.Sequence(lambda n: f"Performance data request {n}")
    public_body = factory.SubFactory(PublicBodyFactory)
    owner = factory.SubFactory(UserFactory)
    regime = "uk-foia"
    text = "Please provide the information described below."
    status = models.Status.DRAFT

    @classmethod
    def sent(cls, on: dt.date, **kwargs: object) -> models.FoiRequest:
        """A request that has been sent, with its deadlines computed."""
        foi_request = cls(**kwargs)
        foi_request.mark_sent(on=on)
        return foi_request


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Message

    request = factory.SubFactory(FoiRequestFactory)
    direction = models.Direction.INCOMING
    channel = models.Channel.EMAIL
    sent_at = factory.LazyFunction(lambda: dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC))
    sender = "foi@body.example.gov.uk"
    subject = factory.Sequence(lambda n: f"Re: your request {n}")
    body_text = "Thank you for your request."


def make_attachment(
    message: models.Message, filename: str = "reply.pdf", content: bytes = b"%PDF-1.4 reply"
) -> models.Attachment:
    name, sha256, size = store_blob(io.BytesIO(content))
    return models.Attachment.objects.create(
        message=message,
        filename=filename,
        content_type="application/pdf",
        size=size,
        sha256=sha256,
        file=name,
    )


class BatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Batch

    title = factory.Sequence(lambda n: f"Talking therapies waiting lists {n}")
    text = (
        "{{ salutation }},\n\nHow many people waited over 18 weeks?\n\nOur ref {{ our_reference }}."
    )
    owner = factory.SubFactory(UserFactory)


class AnswerFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AnswerField

    batch = factory.SubFactory(BatchFactory)
    name = factory.Sequence(lambda n: f"Field {n}")
    kind = models.AnswerKind.NUMBER
    order = factory.Sequence(lambda n: n)


def make_batch(*, owner: object, bodies: list[models.PublicBody], **fields: object) -> models.Batch:
    """A batch created the way the app creates one: a draft member per body."""
    from requests_app.batches.services import create_batch

    return create_batch(
        title=str(fields.pop("title", "Talking therapies waiting lists")),
        text=str(fields.pop("text", BatchFactory.text)),
        owner=owner,  # type: ignore[arg-type]
        bodies=bodies,
        **fields,  # type: ignore[arg-type]
    )
