"""
Writes for Destination Care. Nothing here logs a submitted detail: log lines carry ids and types.
"""

import datetime
import logging
import secrets
from collections import Counter
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from destination.models import PERSONAL_FIELDS, CareRequest, RequestCount

logger = logging.getLogger(__name__)

# Crockford's base32 without I, L, O, U: nothing to misread when a family reads it out on a call.
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_REFERENCE_LENGTH = 10  # 50 random bits: not guessable, still short enough to read aloud

# The fields a form may set; everything else is triage, set by coordinators.
SUBMITTED_FIELDS = frozenset({*PERSONAL_FIELDS, "specialty", "urgency"})


def care_request_reference_new() -> str:
    return "DC-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(_REFERENCE_LENGTH))


@sensitive_variables("data", "care_request")
def care_request_create(*, kind: str, data: dict, language: str = settings.LANGUAGE_CODE) -> CareRequest:
    """
    Store a validated inquiry or referral and, once committed, email the coordinators (a link, no
    detail) and the sender (a confirmation with the reference, no clinical detail, in `language`:
    the site's language when they sent it).
    """
    from destination import tasks  # tasks import services' models; keep the import graph one-way

    unknown = set(data) - SUBMITTED_FIELDS
    if unknown:
        raise ValueError(f"Not submittable: {sorted(unknown)}")
    for _attempt in range(3):
        care_request = CareRequest(
            kind=kind,
            reference=care_request_reference_new(),
            consented_at=timezone.now(),
            language=language[:8],
            **data,
        )
        try:
            with transaction.atomic():
                care_request.save()
            break
        except IntegrityError:  # a reference collision (1 in 2**50): draw again
            continue
    else:
        raise RuntimeError("Could not draw a unique Destination Care reference")

    logger.info("destination request stored id=%s kind=%s", care_request.pk, kind)
    request_id = care_request.pk
    transaction.on_commit(lambda: tasks.care_request_notify_coordinators.enqueue(request_id))
    transaction.on_commit(lambda: tasks.care_request_confirm_to_sender.enqueue(request_id))
    return care_request


def care_request_triage_save(*, care_request: CareRequest) -> CareRequest:
    """Save a coordinator's triage change; closing or declining starts the retention clock."""
    if care_request.status in CareRequest.RESOLVED_STATUSES:
        if care_request.resolved_at is None:
            care_request.resolved_at = timezone.now()
    else:
        care_request.resolved_at = None  # reopened: the clock starts again when it is resolved again
    care_request.save()
    return care_request


def _month(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date().replace(day=1)


def _region(country) -> str:
    return RequestCount.Region.DOMESTIC if country == "US" else RequestCount.Region.INTERNATIONAL


def care_requests_erase(
    *,
    queryset: QuerySet[CareRequest],
    batch_size: int = 200,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """
    Erase requests for good: the row, every history row (simple_history also writes one on
    delete) and so every personal detail and internal note. Each batch adds to the anonymous
    RequestCount in the same transaction, so a count is never lost nor doubled, and a request that
    another process erased meanwhile is skipped. Returns how many were erased; `progress(done,
    total)` is called after each batch.
    """
    history = CareRequest.history.model
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            batch = list(
                CareRequest.objects.select_for_update()
                .filter(pk__in=ids[start : start + batch_size])
                .only("pk", "kind", "status", "country", "created_at")
            )
            counts = Counter((item.kind, _month(item.created_at), item.status, _region(item.country)) for item in batch)
            batch_ids = [item.pk for item in batch]
            CareRequest.objects.filter(pk__in=batch_ids).delete()
            history.objects.filter(id__in=batch_ids).delete()
            for (kind, month, outcome, region), count in sorted(counts.items()):
                RequestCount.objects.get_or_create(kind=kind, month=month, outcome=outcome, region=region)
                RequestCount.objects.filter(kind=kind, month=month, outcome=outcome, region=region).update(
                    count=F("count") + count
                )
        done += len(batch_ids)
        if progress:
            progress(done, len(ids))
    logger.info("destination requests erased count=%s", done)
    return done
