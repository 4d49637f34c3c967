"""seed_demo gives the demo campaign its Spanish versions, once, without touching staff edits."""

import io
import re

import pytest
from django.core.management import call_command

from campaign import demo
from campaign.models import Campaign, Update

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=io.StringIO())
    return Campaign.objects.get(slug=demo.CAMPAIGN_SLUG)


def test_the_demo_campaign_has_its_spanish_versions(seeded):
    assert seeded.title_es == "Centros de Infusión y de Diálisis Ambulatoria"
    assert seeded.tagline_es.startswith("Un Centro de Infusión más amplio")
    assert seeded.story_es.startswith("**Cada año se realizan más de 3,000 infusiones")
    assert "## Una sala que a nuestros pacientes ya les queda chica" in seeded.story_es
    assert [(f.value_es, f.label_es) for f in seeded.figures.order_by("position")] == demo.FIGURES_ES
    assert [d.name_es for d in seeded.divisions.order_by("position")] == demo.DIVISIONS_ES
    assert {d.slug: d.name_es for d in seeded.designations.all()} == {
        "infusion-center": "Centro de Infusión",
        "dialysis-center": "Centro de Diálisis",
        "greatest-need": "Donde más se necesite",
    }
    assert [m.label_es for m in seeded.milestones.order_by("amount_cents")] == demo.MILESTONES_ES
    assert Update.objects.get(slug="campaign-launch").title_es == "La campaña está en marcha"
    assert Update.objects.get(slug="thank-you-donors-draft").title_es == ""  # drafts are left to staff


def test_a_second_run_changes_nothing_and_keeps_staff_edits(seeded):
    seeded.tagline = "A new tagline from staff"
    seeded.tagline_es = ""
    seeded.title_es = "Título de staff"
    seeded.save()
    figure = seeded.figures.order_by("position").first()
    figure.label_es = ""
    figure.save()

    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    seeded.refresh_from_db()
    assert seeded.tagline_es == ""  # the English changed: the seed's Spanish would be wrong
    assert seeded.title_es == "Título de staff"
    figure.refresh_from_db()
    assert figure.label_es == "infusiones al año"  # still the seed's English, blank Spanish: filled
    assert "Spanish versions added to 1 demo items (blank ones only)." in out.getvalue()
    again = io.StringIO()
    call_command("seed_demo", stdout=again)
    assert "Spanish versions added to 0 demo items (blank ones only)." in again.getvalue()


def test_the_story_has_the_seed_brochures_full_text_in_both_languages(seeded, client):
    for english, spanish in (
        ("Since opening in Hartford in 1996", "Desde su apertura en Hartford en 1996"),
        ("nationally renowned medical center", "de renombre nacional"),
        ("ulcerative colitis", "colitis ulcerosa"),
        ("kidney disease", "enfermedad renal"),
        ("highest quality of care available in the region", "atención de más alta calidad\ndisponible en la región"),
        ("isn’t enough space for families to stay", "no hay espacio suficiente para que la familia"),
        ("precious and unique resource", "recurso valioso y único"),
    ):
        assert english in seeded.story, english
        assert spanish in seeded.story_es, spanish
    page = client.get(seeded.get_absolute_url())
    assert "nationally renowned" in page.content.decode()
    assert re.search(r'<a href="/updates/"[^>]*>read the latest update on our blog</a>', page.content.decode())
