"""Import and export pages: spreadsheets, WhatDoTheyKnow, public bodies, downloads."""

from __future__ import annotations

import secrets
import tempfile
from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from requests_app.dataio import alaveteli, export, spreadsheet_import, suggestions
from requests_app.dataio.bodies_import import import_bodies_csv
from requests_app.dataio.forms import (
    BodiesImportForm,
    MappingForm,
    SpreadsheetUploadForm,
    WhatDoTheyKnowForm,
)
from requests_app.dataio.spreadsheets import XLSX_CONTENT_TYPE
from requests_app.dataio.tables import Table, TableError, read_table
from requests_app.models import BodySuggestion, FoiRequest
from requests_app.redaction.checking import disclosure_gate
from requests_app.views.access import signed_in_user, visible_request_or_404
from requests_app.views.exports import hold_list_export
from requests_app.views.requests import filtered_requests, request_filterset

UPLOADS = "dataio-uploads"
PREVIEW_ROWS = 10
SPOOL_BYTES = 10 * 1024 * 1024


def posted(request: HttpRequest) -> tuple[Any, Any]:
    """The form data and files of a POST (even an empty one); nothing for a GET."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


# --- spreadsheet import --------------------------------------------------------------------


def upload_folder(user: User) -> str:
    return f"{UPLOADS}/{user.pk}"


def upload_name(user: User, token: str) -> str | None:
    """The stored upload behind a token, only ever in the user's own folder."""
    try:
        _, files = default_storage.listdir(upload_folder(user))
    except FileNotFoundError:
        return None
    found = [name for name in files if PurePath(name).stem == token]
    return f"{upload_folder(user)}/{found[0]}" if found else None


def forget_uploads(user: User) -> None:
    """One pending import per person: an upload replaces any earlier one."""
    try:
        _, files = default_storage.listdir(upload_folder(user))
    except FileNotFoundError:
        return
    for name in files:
        default_storage.delete(f"{upload_folder(user)}/{name}")


@login_required
@require_http_methods(["GET", "POST"])
def spreadsheet_upload(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = SpreadsheetUploadForm(*posted(request))
    if form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            read_table(content, upload.name or "")
        except TableError as error:
            form.add_error("file", str(error))
        else:
            token = secrets.token_urlsafe(12)
            suffix = ".xlsx" if (upload.name or "").lower().endswith(".xlsx") else ".csv"
            forget_uploads(user)
            default_storage.save(f"{upload_folder(user)}/{token}{suffix}", ContentFile(content))
            return redirect("spreadsheet_import_map", token=token)
    pending = BodySuggestion.objects.pending().filter(suggested_by=user)
    context = {"form": form, "pending": pending}
    return render(request, "requests_app/dataio/spreadsheet_upload.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def spreadsheet_map(request: HttpRequest, token: str) -> HttpResponse:
    user = signed_in_user(request)
    name = upload_name(user, token)
    if name is None:
        raise Http404("This upload has gone; upload the file again.")
    with default_storage.open(name, "rb") as stored:
        table = read_table(stored.read(), name)
    guessed = spreadsheet_import.guess_mapping(table.headers)
    form = MappingForm(*posted(request), headers=table.headers, guessed=guessed)
    context: dict[str, Any] = {"form": form, "table": table, "preview": preview(table)}
    if form.is_valid():
        context |= check_or_import(request, user, table, form, name)
    return render(request, "requests_app/dataio/spreadsheet_map.html", context)


def check_or_import(
    request: HttpRequest, user: User, table: Table, form: MappingForm, name: str
) -> dict[str, Any]:
    create_bodies = form.cleaned_data["create_bodies"]
    plan = spreadsheet_import.plan_import(
        table, form.mapping(), user=user, create_bodies=create_bodies
    )
    context: dict[str, Any] = {"plan": plan, "checked": True}
    if request.POST.get("action") != "import":
        return context
    try:
        done = suggestions.import_rows(
            plan,
            table,
            form.mapping(),
            user=user,
            add_bodies=create_bodies,
            skip_invalid=form.cleaned_data["skip_invalid"],
        )
    except spreadsheet_import.ImportRefused as error:
        return context | {"refused": str(error)}
    default_storage.delete(name)
    messages.success(request, f"Imported {len(done.result.imported)} requests.")
    return context | {"result": done.result, "suggested": done.suggested}


def preview(table: Table) -> list[tuple[int, list[str]]]:
    from requests_app.dataio.tables import cell_text

    return [
        (number, [cell_text(cell) for cell in cells])
        for number, cells in list(table.numbered_rows())[:PREVIEW_ROWS]
    ]


@login_required
def spreadsheet_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(spreadsheet_import.template_workbook(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="foi-requests-template.xlsx"'
    return response


# --- WhatDoTheyKnow ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def whatdotheyknow_import(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = WhatDoTheyKnowForm(*posted(request), user=user)
    if form.is_valid():
        try:
            imported = import_from_form(form, user)
        except alaveteli.AlaveteliError as error:
            form.add_error(None, str(error))
        else:
            report = f"Imported {imported.foi_request.reference} with {imported.messages} letters."
            if imported.unmapped_states:
                report += " Not carried over: " + ", ".join(imported.unmapped_states) + "."
            messages.success(request, report)
            return redirect(imported.foi_request)
    return render(request, "requests_app/dataio/whatdotheyknow.html", {"form": form})


def import_from_form(form: WhatDoTheyKnowForm, user: User) -> alaveteli.AlaveteliImport:
    data = form.cleaned_data
    if data["url"]:
        source_url, content = alaveteli.fetch_request_json(data["url"])
    else:
        source_url, content = "", data["file"].read()
    payload = alaveteli.parse_request_json(content)
    return alaveteli.import_request(
        payload=payload, owner=user, campaign=data["campaign"], source_url=source_url
    )


# --- public bodies -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def bodies_import(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied("Only staff import public bodies.")
    form = BodiesImportForm(*posted(request))
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        result = import_bodies_csv(
            form.cleaned_data["file"].read(), dry_run=form.cleaned_data["dry_run"]
        )
        context["result"] = result
        if not result.errors and not result.dry_run:
            messages.success(
                request,
                f"{len(result.created)} bodies added, {len(result.updated)} updated.",
            )
    return render(request, "requests_app/dataio/bodies_import.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def body_suggestions(request: HttpRequest) -> HttpResponse:
    """Staff accept or reject the bodies members' imports named; the page lists them."""
    if not request.user.is_staff:
        raise PermissionDenied("Only staff decide on suggested public bodies.")
    if request.method == "POST":
        decide_suggestion(request)
        return redirect("body_suggestions")
    pending = BodySuggestion.objects.pending().select_related("suggested_by")
    return render(request, "requests_app/dataio/body_suggestions.html", {"pending": pending})


def decide_suggestion(request: HttpRequest) -> None:
    staff = signed_in_user(request)
    suggestion = get_object_or_404(BodySuggestion, pk=request.POST.get("suggestion") or 0)
    action = request.POST.get("action")
    if action == "accept":
        result = suggestions.accept_suggestion(suggestion, by=staff)
        if result is not None:
            messages.success(
                request,
                f"“{suggestion.name}” added; {len(result.imported)} of "
                f"{suggestion.suggested_by.get_username()}'s requests logged to it.",
            )
    elif action == "reject":
        if suggestions.reject_suggestion(suggestion, by=staff):
            messages.success(request, f"“{suggestion.name}” rejected; its rows were dropped.")
    else:
        messages.error(request, "Choose whether to accept or reject the body.")


# --- exports -----------------------------------------------------------------------------------


@login_required
def requests_export_xlsx(request: HttpRequest) -> HttpResponseBase:
    filterset = request_filterset(request)
    if (held := hold_list_export(request, filterset)) is not None:
        return held
    rows = filtered_requests(request, filterset).defer(None)
    rows = rows.select_related("public_body", "campaign", "owner")
    rows = rows.prefetch_related("tags", "events", "exemptions")
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - the response closes it
    export.write_requests_xlsx(rows.iterator(chunk_size=500), spool)
    spool.seek(0)
    filename = f"foi-requests-{timezone.localdate().isoformat()}.xlsx"
    return FileResponse(
        spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


@login_required
def request_export_zip(request: HttpRequest, reference: str) -> HttpResponseBase:
    foi_request = visible_request_or_404(request, reference)
    held = disclosure_gate(
        request,
        requests=FoiRequest.objects.filter(pk=foi_request.pk),
        output="export",
        subject=foi_request,
        come_back_to=foi_request.get_absolute_url(),
    )
    if held is not None:
        return held
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - the response closes it
    export.write_request_zip(foi_request, spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=export.zip_filename(foi_request),
        content_type="application/zip",
    )
