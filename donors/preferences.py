"""A donor's contact details and email preferences, with every newsletter consent recorded as given."""

from django.db import transaction
from django.utils.translation import get_language

from core import consent
from donations import services

from .models import ConsentRecord, ContactPreference


def preferences_for(*, email: str) -> ContactPreference:
    return ContactPreference.objects.filter(email=email).first() or ContactPreference(email=email)


@transaction.atomic
def preferences_save(*, email: str, receipt_name: str, mailing_address: str, newsletter: bool) -> ContactPreference:
    """Save what the donor chose; a change of newsletter consent is recorded with the words they saw."""
    preference = ContactPreference.objects.select_for_update().filter(email=email).first() or ContactPreference(
        email=email
    )
    if preference.newsletter != newsletter:
        ConsentRecord.objects.create(
            email=email,
            given=newsletter,
            wording=str(consent.NEWSLETTER_WORDING),
            language=(get_language() or "en")[:8],
            where=ConsentRecord.Where.DONOR_PAGES,
        )
    preference.receipt_name = receipt_name
    preference.mailing_address = mailing_address.strip()
    preference.newsletter = newsletter
    preference.save()
    if receipt_name:
        services.donor_receipt_name_set(email=email, name=receipt_name)
    return preference
