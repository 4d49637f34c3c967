"""Destination Care demo content for `manage.py seed_demo` (the Destination Care issue fills it in)."""


def seed_destination_content(*, stdout=None) -> None:
    """Load the Destination Care page's content from the seed text; safe to run twice."""
