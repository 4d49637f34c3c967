"""Reads for Destination Care."""

import datetime

from django.db.models import Prefetch, QuerySet

from destination.models import Airport, CareRequest, DestinationPage, PatientStory, ProcessStep, TeamRole


def destination_page_get() -> DestinationPage | None:
    """The page's content with its ordered items prefetched (five queries), or None before seeding."""
    return (
        DestinationPage.objects.order_by("pk")
        .prefetch_related(
            Prefetch("stories", queryset=PatientStory.objects.order_by("position", "id")),
            Prefetch("team_roles", queryset=TeamRole.objects.order_by("position", "id")),
            Prefetch("steps", queryset=ProcessStep.objects.order_by("position", "id")),
            Prefetch("airports", queryset=Airport.objects.order_by("position", "id")),
        )
        .first()
    )


def story_get(*, slug: str) -> PatientStory | None:
    """One patient story with its page (one query), or None."""
    return PatientStory.objects.select_related("page").filter(slug=slug).first()


def care_requests_due_for_purge(*, resolved_before: datetime.datetime) -> QuerySet[CareRequest]:
    """Closed or declined requests whose retention period ended before `resolved_before`."""
    return CareRequest.objects.filter(
        status__in=CareRequest.RESOLVED_STATUSES, resolved_at__lt=resolved_before
    ).order_by("pk")
