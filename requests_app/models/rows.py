"""Model instances built from values a statement already read."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, models

ModelT = TypeVar("ModelT", bound=models.Model)


def loaded(model: type[ModelT], values: dict[str, Any]) -> ModelT:
    """An instance as the ORM loads one with only these fields, the others deferred: for
    code that read the values itself (plain rows, a search's own statement) and must hand
    a model to what acts on one."""
    # from_db takes the columns in the model's order.
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(DEFAULT_DB_ALIAS, names, [values[name] for name in names])
