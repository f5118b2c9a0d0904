"""Which columns a table needs: a column empty in every row says nothing and is left out, and a value every row
shares is said once, above the table, rather than in each row (issue 16: 42 rows of "Not recorded")."""

EMPTY = (None, "", [], ())


def filled_columns(rows, **cells) -> set[str]:
    """The names of the `cells` (name -> what a row shows in that column) that show something in at least one row."""
    return {name for name, cell in cells.items() if any(cell(row) not in EMPTY for row in rows)}


def shared_value(rows, cell):
    """The value `cell` shows in every one of two or more rows, or None when the rows differ (or are too few to share).

    A lone row is not collapsed: a sentence saying "all 1 are…" would be stranger than the column.
    """
    values = {cell(row) for row in rows}
    if len(rows) < 2 or len(values) != 1:
        return None
    (value,) = values
    return None if value in EMPTY else value
