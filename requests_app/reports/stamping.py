"""Stamping bundle page numbers onto pages of any origin, without rewriting their content.

Each stamp is a page of a small WeasyPrint document (fonts embedded), turned into a form
XObject and drawn in the top right corner of the visible area. The page's own content is
wrapped in q/Q so that whatever graphics state it leaves behind cannot move or hide the
stamp; its content streams are never parsed, which keeps a 500-page bundle fast.
"""

from __future__ import annotations

from pypdf import PageObject, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
)

STAMP_NAME = NameObject("/FoiBundleStamp")
MARGIN = 8.0  # points from the top and right edges of the visible page


def stamp_form(writer: PdfWriter, stamp_page: PageObject) -> IndirectObject:
    """A form XObject in `writer` that draws `stamp_page` (its resources are shared)."""
    contents = stamp_page.get_contents()
    form = DecodedStreamObject()
    form.set_data(contents.get_data() if contents is not None else b"")
    box = stamp_page.mediabox
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(
                FloatObject(value) for value in (box.left, box.bottom, box.right, box.top)
            ),
            NameObject("/Resources"): stamp_page["/Resources"].clone(writer),
        }
    )
    # pypdf has no public call that registers a new stream object in a writer.
    return writer._add_object(form)


class PageStamper:
    """Draws one form per page; shares the "q" stream that opens every wrapped page."""

    def __init__(self, writer: PdfWriter) -> None:
        self.writer = writer
        opening = DecodedStreamObject()
        opening.set_data(b"q\n")
        self.opening = writer._add_object(opening)

    def stamp(self, page: PageObject, form: IndirectObject, width: float, height: float) -> None:
        if page.rotation % 360:
            # Draw in the page's displayed orientation, so the stamp reads upright.
            page.transfer_rotation_to_content()
        box = page.cropbox
        x = float(box.right) - width - MARGIN
        y = float(box.top) - height - MARGIN
        self._add_resource(page, form)
        closing = DecodedStreamObject()
        closing.set_data(f"\nQ\nq 1 0 0 1 {x:.2f} {y:.2f} cm {STAMP_NAME} Do Q\n".encode())
        contents = [self.opening, *self._content_refs(page), self.writer._add_object(closing)]
        page[NameObject("/Contents")] = ArrayObject(contents)

    @staticmethod
    def _add_resource(page: PageObject, form: IndirectObject) -> None:
        # Resources may be shared by several pages: give this page its own copies.
        resources = DictionaryObject(page.get("/Resources", DictionaryObject()).get_object())
        xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
        xobjects[STAMP_NAME] = form
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources

    def _content_refs(self, page: PageObject) -> list[IndirectObject]:
        raw = page.get("/Contents")
        if raw is None:
            return []
        resolved = raw.get_object()
        if isinstance(resolved, ArrayObject):
            return [item for item in resolved if isinstance(item, IndirectObject)]
        if isinstance(raw, IndirectObject):
            return [raw]
        return [self.writer._add_object(resolved)]  # a direct stream: malformed, but kept
