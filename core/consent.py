"""The words a donor agrees to for the newsletter: one text for the gift form and the donor's pages, kept as shown."""

from django.utils.translation import gettext_lazy as _

NEWSLETTER_WORDING = _(
    "Send me the foundation's newsletter by email (about once a month: stories and news of the campaigns). "
    "I can stop it at any time."
)
