"""
The donor's own corner: signed-link pages where a donor sees their gifts and monthly plans,
downloads a year-end statement, and manages tributes (in honour / in memory notices).

Reads gifts and plans only through donations.selectors, changes them only through
donations.services. Empty for now.
"""
