"""Exports every app shares: a text cell a spreadsheet would run as a formula is shown as text."""

# Characters that make Excel, LibreOffice or Google Sheets evaluate a cell (OWASP: CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe, shown as text."""
    if value and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def dollars(cents: int) -> str:
    """Plain decimal dollars ("1234.50"): a number for spreadsheets, never a float on the way."""
    return f"{'-' if cents < 0 else ''}{abs(cents) // 100}.{abs(cents) % 100:02d}"
