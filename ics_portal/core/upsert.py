"""Idempotent writes for reference-data loaders."""


def upsert(model, lookup: dict, values: dict):
    """Create the row matching `lookup`, or bring it up to date with `values`.

    Saves only when something differs, so loading the same data twice neither
    duplicates rows nor adds history entries or bumps `modified_at`.
    """
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
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
