from io import StringIO

import pytest

from destination.models import Airport, DestinationPage, PatientStory, ProcessStep, TeamRole
from destination.seed import seed_destination_content

pytestmark = pytest.mark.django_db


def _counts():
    return [model.objects.count() for model in (DestinationPage, PatientStory, TeamRole, ProcessStep, Airport)]


def test_seed_loads_the_source_text():
    out = StringIO()
    seed_destination_content(stdout=out)
    assert _counts() == [1, 3, 3, 5, 3]
    page = DestinationPage.objects.get()
    assert page.research_count == 465
    assert page.address == "282 Washington St., Hartford, CT"
    assert "does not guarantee care" in page.form_notice
    assert list(PatientStory.objects.values_list("place", flat=True)) == [
        "Nigeria, West Africa",
        "Oregon, USA",
        "Virginia, USA",
    ]
    assert list(TeamRole.objects.values_list("title", flat=True)) == [
        "Coordinating Physician",
        "Care Coordinator",
        "Financial Coordinator",
    ]
    assert list(Airport.objects.values_list("name", "driving_time", "distance")) == [
        ("Bradley International Airport", "30 mins", "16 miles"),
        ("John F. Kennedy International Airport", "2 hours", "115 miles"),
        ("Boston Logan International Airport", "1 hour, 30 minutes", "106 miles"),
    ]
    assert "page created" in out.getvalue()


def test_seed_is_idempotent_and_keeps_staff_edits():
    seed_destination_content()
    page = DestinationPage.objects.get()
    page.hero_heading = "Edited by staff"
    page.save()
    PatientStory.objects.filter(position=1).update(title="Edited story")
    out = StringIO()
    seed_destination_content(stdout=out)
    assert _counts() == [1, 3, 3, 5, 3]
    assert DestinationPage.objects.get().hero_heading == "Edited by staff"
    assert PatientStory.objects.get(position=1).title == "Edited story"
    assert "0 stories, team roles, steps and airports added" in out.getvalue()


def test_seed_works_without_stdout():
    seed_destination_content()
    assert _counts() == [1, 3, 3, 5, 3]
