"""Model instances built from values a statement already read."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, models
from django.db.models.base import ModelState

ModelT = TypeVar("ModelT", bound=models.Model)

_columns: dict[type[models.Model], frozenset[str]] = {}


def loaded(model: type[ModelT], values: dict[str, Any]) -> ModelT:
    """An instance as the ORM loads one with only these fields, the others deferred: for
    code that read the values itself (plain rows, a search's own statement) and must hand
    a model to what acts on one.

    Built as `Model.from_db` leaves one, without its `__init__` (which sets every field,
    a deferred one to a marker, and sends pre_init and post_init, which no model of ours
    listens for): a few microseconds instead of tens, for a search's dozens of hits.
    """
    columns = _columns.get(model)
    if columns is None:
        columns = _columns[model] = frozenset(f.attname for f in model._meta.concrete_fields)
    instance = model.__new__(model)
    state = instance._state = ModelState()
    state.adding = False
    state.db = DEFAULT_DB_ALIAS
    if columns.issuperset(values):
        instance.__dict__.update(values)
    else:  # a row of more than the model's columns (a LetterRow): those alone
        instance.__dict__.update((name, value) for name, value in values.items() if name in columns)
    return instance
