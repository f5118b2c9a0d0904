"""Idempotent writes for reference-data loaders."""


def upsert(model, lookup: dict, values: dict, create_only: dict | None = None):
    """Create the row matching `lookup`, or bring it up to date with `values`.

    Saves only when something differs, so loading the same data twice neither
    duplicates rows nor adds history entries or bumps `modified_at`.
    `create_only`: values for a new row that a later loader owns once the row exists (an end date
    set by a later reorganisation), so running the loaders again does not undo it.
    """
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values, **(create_only or {}))
        obj.full_clean()
        obj.save()
        return obj
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if changed:
        for field in changed:
            setattr(obj, field, values[field])
        obj.full_clean()
        obj.save()
    return obj
