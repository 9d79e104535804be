"""Batch pages: the list, creating a batch, its grid, sending, bulk actions, the answers
table and its exports, and the batch report.

Every page starts from `Batch.objects.visible_to(user)`: people who cannot see the batch
get 404; members who may only look (campaign viewers) get 403 on anything that changes it.
The grid shows only the members the user may see.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from requests_app.batches import placeholders, services
from requests_app.batches.answers import source_texts, suggestions
from requests_app.batches.export import answers_table, csv_lines, write_xlsx
from requests_app.batches.forms import (
    AnswerFieldForm,
    AnswersForm,
    BatchForm,
    BulkActionForm,
    SendForm,
)
from requests_app.batches.grid import (
    MEMBER_SORTS,
    grid_members,
    member_counts,
    member_rows,
    sort_members,
)
from requests_app.batches.selection import Selection, max_bodies, select_bodies
from requests_app.casework.filters import BatchMemberFilter
from requests_app.dataio.spreadsheets import XLSX_CONTENT_TYPE
from requests_app.models import (
    AnswerField,
    Batch,
    Direction,
    DocumentPage,
    FoiRequest,
    GeneratedReport,
    NonWorkingDay,
    PublicBody,
    ReportKind,
)
from requests_app.redaction.checking import disclosure_gate
from requests_app.reports import services as report_services
from requests_app.reports.charts import exemptions_cited_svg, response_time_histogram_svg
from requests_app.reports.statistics import insights
from requests_app.reports.views import finished_pdf, progress_response, report_page
from requests_app.views.access import editable_batch, signed_in_user, visible_batch_or_404


def visible_members(request: HttpRequest, batch: Batch) -> QuerySet[FoiRequest]:
    return FoiRequest.objects.visible_to(request.user).filter(batch=batch)


# --- the list ------------------------------------------------------------------------------


@login_required
@require_GET
def batch_list(request: HttpRequest) -> HttpResponse:
    batches = Batch.objects.visible_to(request.user).select_related("campaign")
    batches = batches.annotate(member_count=Count("members"))
    return render(request, "requests_app/batches/list.html", {"batches": batches})


# --- creating ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def batch_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if request.method != "POST":
        return render_create(request, BatchForm(user=user))
    form = BatchForm(request.POST, request.FILES, user=user)
    if not form.is_valid():
        return render_create(request, form, status=400)
    if request.POST.get("step") == "create":
        return create_from_ticked(request, form)
    if not form.chooses_bodies:
        form.add_error(None, "Choose some bodies: by tag, by name, from a list or a file.")
        return render_create(request, form, status=400)
    selection = select_bodies(
        user=user,
        tags=form.cleaned_data["tags"],
        search=form.cleaned_data["search"],
        batch=form.cleaned_data["from_batch"],
        campaign=form.cleaned_data["from_campaign"],
        names=form.cleaned_data["all_names"],
    )
    too_many = over_limit(len(selection.eligible))
    if too_many:
        form.add_error(None, too_many)
        return render_create(request, form, selection, status=400)
    return render_create(request, form, selection)


def over_limit(count: int) -> str:
    limit = max_bodies()
    if count <= limit:
        return ""
    return (
        f"This batch would ask {count:,} bodies; a batch may ask at most {limit:,}. "
        "Split it into smaller batches, for example by tag or by nation."
    )


def render_create(
    request: HttpRequest, form: BatchForm, selection: Selection | None = None, status: int = 200
) -> HttpResponse:
    text = form.cleaned_data.get("text", "") if form.is_bound and form.is_valid() else ""
    previews = []
    if selection is not None:
        previews = [
            (choice, placeholders.fill(text, placeholders.values_for(choice.body)))
            for choice in selection.choices
        ]
    context = {
        "form": form,
        "selection": selection,
        "previews": previews,
        "limit": max_bodies(),
        "placeholders": placeholders.PLACEHOLDERS,
    }
    return render(request, "requests_app/batches/create.html", context, status=status)


def create_from_ticked(request: HttpRequest, form: BatchForm) -> HttpResponse:
    """The second step: the bodies ticked in the preview become the members."""
    ids = {value for value in request.POST.getlist("body") if value.isdigit()}
    bodies = list(PublicBody.objects.active().filter(pk__in=ids).order_by("name"))
    problem = over_limit(len(bodies)) or ("" if bodies else "Tick at least one body.")
    if problem:
        form.add_error(None, problem)
        return render_create(request, form, status=400)
    data = form.cleaned_data
    batch = services.create_batch(
        title=data["title"],
        text=data["text"],
        owner=signed_in_user(request),
        bodies=bodies,
        campaign=data["campaign"],
        regime=data["regime"],
        http_request=request,
    )
    messages.success(request, f"Batch created with {len(bodies)} requests. Now send it.")
    return redirect(batch)


# --- the batch page ------------------------------------------------------------------------


@login_required
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = visible_batch_or_404(request, pk)
    visible = FoiRequest.objects.visible_to(request.user)
    filterset = BatchMemberFilter(request.GET, queryset=grid_members(batch, visible))
    sort = request.GET.get("sort") or "body"
    today = timezone.localdate()
    members = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    rows = member_rows(batch, sort_members(members, sort), today, NonWorkingDay.engine_days())
    can_edit = batch.owner_id == request.user.pk or batch.can_edit(request.user)
    context: dict[str, Any] = {
        "batch": batch,
        "filter": filterset,
        "rows": rows,
        "sort": sort if sort in MEMBER_SORTS else "body",
        "counts": member_counts(batch, visible),
        "can_edit": can_edit,
        "today": today,
    }
    context |= figures_context(visible.filter(batch=batch), today)
    if can_edit:
        context["action_form"] = BulkActionForm(initial={"on": today})
    return render(request, "requests_app/batches/detail.html", context)


def figures_context(members: QuerySet[FoiRequest], today: Any) -> dict[str, Any]:
    found = insights(members, today=today, with_bodies=False)
    return {
        "figures": found.statistics,
        "charts": [
            ("Working days to answer", response_time_histogram_svg(list(found.response_times))),
            ("Exemptions cited", exemptions_cited_svg(list(found.exemptions))),
        ],
    }


# --- sending -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def batch_send(request: HttpRequest, pk: int) -> HttpResponse:
    batch = editable_batch(request, pk)
    user = signed_in_user(request)
    form = SendForm(request.POST if request.method == "POST" else None)
    if batch.is_sent:
        messages.info(request, "This batch has already been sent.")
        return redirect(batch)
    if form.is_valid():
        if form.cleaned_data["mode"] == SendForm.APP:
            throttle = form.cleaned_data["throttle_per_minute"]
            services.start_sending(batch=batch, actor=user, throttle_per_minute=throttle)
            messages.success(request, f"Sending started: {throttle} letters a minute.")
        else:
            on = form.cleaned_data["sent_on"]
            done = services.record_sent_elsewhere(batch=batch, on=on, actor=user)
            messages.success(request, f"{len(done)} requests recorded as sent on {on:%-d %B %Y}.")
        return redirect(batch)
    context = {
        "batch": batch,
        "form": form,
        "counts": services.members_with_emails(batch),
        "without_email": services.bodies_without_email(batch).select_related("public_body"),
    }
    status = 400 if form.is_bound else 200
    return render(request, "requests_app/batches/send.html", context, status=status)


# --- bulk actions --------------------------------------------------------------------------


@login_required
@require_POST
def batch_action(request: HttpRequest, pk: int) -> HttpResponse:
    batch = editable_batch(request, pk)
    form = BulkActionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(batch)
    members = FoiRequest.objects.editable_by(request.user).filter(batch=batch)
    if request.POST.get("scope") != "all":
        ticked = [value for value in request.POST.getlist("member") if value.isdigit()]
        members = members.filter(pk__in=ticked)
    data = form.cleaned_data
    result = services.run_bulk_action(
        batch=batch,
        action=data["action"],
        members=members,
        actor=signed_in_user(request),
        today=timezone.localdate(),
        exemption=data["exemption"],
        on=data["on"],
        http_request=request,
    )
    label = dict(services.BulkAction.CHOICES)[data["action"]]
    messages.success(request, result.summary(label))
    for reference, why in result.skipped[:20]:
        messages.info(request, f"{reference}: {why}.")
    return redirect(batch)


# --- answers -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def batch_fields(request: HttpRequest, pk: int) -> HttpResponse:
    batch = editable_batch(request, pk)
    form = AnswerFieldForm(batch=batch)
    if request.method == "POST" and request.POST.get("action") == "delete":
        answer_field = get_object_or_404(batch.fields, pk=request.POST.get("field"))
        answer_field.delete()
        messages.success(request, f"Field “{answer_field.name}” and its answers deleted.")
        return redirect("batch_fields", pk=batch.pk)
    if request.method == "POST":
        form = AnswerFieldForm(request.POST, batch=batch)
        if form.is_valid():
            form.save()
            messages.success(request, f"Field “{form.instance.name}” added.")
            return redirect("batch_fields", pk=batch.pk)
    context = {"batch": batch, "form": form, "fields": batch.fields.all()}
    status = 400 if form.is_bound else 200
    return render(request, "requests_app/batches/fields.html", context, status=status)


@login_required
@require_GET
def batch_answers(request: HttpRequest, pk: int) -> HttpResponse:
    batch = visible_batch_or_404(request, pk)
    table = answers_table(batch, visible_members(request, batch))
    rows = [(row, [row.answer(field) for field in table.fields]) for row in table.rows]
    can_edit = batch.owner_id == request.user.pk or batch.can_edit(request.user)
    context = {"batch": batch, "fields": table.fields, "rows": rows, "can_edit": can_edit}
    return render(request, "requests_app/batches/answers.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def batch_answer(request: HttpRequest, pk: int, reference: str) -> HttpResponse:
    batch = editable_batch(request, pk)
    member = get_object_or_404(
        FoiRequest.objects.editable_by(request.user)
        .filter(batch=batch)
        .select_related("public_body"),
        reference=reference,
    )
    fields = list(batch.fields.all())
    replies = member.messages.filter(direction=Direction.INCOMING).order_by("-sent_at", "-pk")
    form = AnswersForm(
        request.POST if request.method == "POST" else None,
        fields=fields,
        messages=replies,
        initial=answer_initial(member, fields, replies),
    )
    if form.is_valid():
        errors = services.save_answers(
            member=member,
            values=form.values(),
            source=form.cleaned_data["source"],
            actor=signed_in_user(request),
            fields=fields,
            http_request=request,
        )
        for field_pk, error in errors.by_field.items():
            form.add_error(f"field_{field_pk}", error)
        if not errors.by_field:
            messages.success(request, f"Answers for {member.public_body.name} saved.")
            return redirect(next_member_url(batch, member, request))
    return render_answer_form(request, batch, member, form, fields, replies)


def answer_initial(member: FoiRequest, fields: list[AnswerField], replies: Any) -> dict[str, Any]:
    answers = {answer.field_id: answer for answer in member.answers.filter(field__in=fields)}
    initial: dict[str, Any] = {
        AnswersForm.key(field): answers[field.pk].value_text
        for field in fields
        if field.pk in answers
    }
    sources = [answer.source_id for answer in answers.values() if answer.source_id]
    latest = replies.first()
    initial["source"] = sources[0] if sources else (latest.pk if latest else None)
    return initial


def render_answer_form(
    request: HttpRequest,
    batch: Batch,
    member: FoiRequest,
    form: AnswersForm,
    fields: list[AnswerField],
    replies: Any,
) -> HttpResponse:
    reply_list = list(replies.prefetch_related("attachments"))
    pages = DocumentPage.objects.filter(attachment__message__in=[m.pk for m in reply_list])
    pages = pages.select_related("attachment__message").order_by("attachment_id", "number")
    page_list = list(pages[:200])
    texts = source_texts(reply_list, page_list)
    context = {
        "batch": batch,
        "member": member,
        "form": form,
        "replies": reply_list,
        "pages": page_list,
        "field_rows": [
            (form[AnswersForm.key(field)], suggestions(field, texts)) for field in fields
        ],
        "next_url": next_member_url(batch, member, request),
    }
    status = 400 if form.is_bound else 200
    return render(request, "requests_app/batches/answer_form.html", context, status=status)


def next_member_url(batch: Batch, member: FoiRequest, request: HttpRequest) -> str:
    """The next member (by body name) to fill in, or the answers table after the last."""
    following = (
        visible_members(request, batch)
        .filter(public_body__name__gt=member.public_body.name)
        .order_by("public_body__name")
        .values_list("reference", flat=True)
        .first()
    )
    if following is None:
        return reverse("batch_answers", kwargs={"pk": batch.pk})
    return reverse("batch_answer", kwargs={"pk": batch.pk, "reference": following})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def batch_answers_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    batch = visible_batch_or_404(request, pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format.")
    held = disclosure_gate(
        request,
        requests=visible_members(request, batch),
        output="export",
        subject=batch,
        come_back_to=reverse("batch_answers", kwargs={"pk": batch.pk}),
    )
    if held is not None:
        return held
    table = answers_table(batch, visible_members(request, batch))
    stem = f"{slugify(batch.title)[:60] or 'batch'}-answers-{timezone.localdate().isoformat()}"
    if fmt == "csv":
        response = HttpResponse(
            "".join(csv_lines(table, request.build_absolute_uri)),
            content_type="text/csv; charset=utf-8",
        )
    else:
        buffer = io.BytesIO()
        write_xlsx(table, request.build_absolute_uri, buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


# --- the batch report ----------------------------------------------------------------------


def _batch_reports(batch: Batch, request: HttpRequest) -> QuerySet[GeneratedReport]:
    return GeneratedReport.objects.filter(
        kind=ReportKind.BATCH_REPORT, batch=batch, requested_by=signed_in_user(request)
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def batch_report(request: HttpRequest, pk: int) -> HttpResponse:
    batch = visible_batch_or_404(request, pk)
    user, today = signed_in_user(request), timezone.localdate()
    return report_page(
        request,
        template="requests_app/batches/report.html",
        context={"batch": batch},
        reports=lambda: _batch_reports(batch, request),
        fingerprint=lambda: report_services.batch_fingerprint(batch, user, today),
        start=lambda: report_services.start_batch_report(batch=batch, user=user, today=today),
        hold=lambda: disclosure_gate(
            request,
            requests=visible_members(request, batch),
            output="batch_report",
            subject=batch,
            come_back_to=reverse("batch_report", kwargs={"pk": batch.pk}),
        ),
    )


def _batch_report(request: HttpRequest, pk: int, report_pk: int) -> GeneratedReport:
    batch = visible_batch_or_404(request, pk)
    return get_object_or_404(_batch_reports(batch, request), pk=report_pk)


@login_required
@require_GET
def batch_report_download(request: HttpRequest, pk: int, report_pk: int) -> FileResponse:
    return finished_pdf(_batch_report(request, pk, report_pk), f"batch-{pk}-report.pdf")


@login_required
@require_GET
def batch_report_progress(request: HttpRequest, pk: int, report_pk: int) -> HttpResponseBase:
    report = _batch_report(request, pk, report_pk)
    download = reverse("batch_report_download", kwargs={"pk": pk, "report_pk": report_pk})
    return progress_response(report, download)
