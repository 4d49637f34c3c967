"""Issue 17: each patient story on the Destination Care page opens its own page on this site."""

import pytest
from django.urls import reverse

from destination.models import PatientStory
from destination.seed import STORIES

pytestmark = pytest.mark.django_db

PAGE = "/destination-care/"
KIKI = "/destination-care/stories/beyond-ventricular-septal-defect-vsd-kikis-story/"


@pytest.fixture
def kiki(seeded):
    return PatientStory.objects.get(title=STORIES[0]["title"])


def test_each_seeded_story_has_a_slug_and_a_public_url(seeded):
    stories = list(PatientStory.objects.order_by("position"))
    assert [s.slug for s in stories] == [
        "beyond-ventricular-septal-defect-vsd-kikis-story",
        "beyond-open-fetal-surgery-a-spina-bifida-success-story",
        "beyond-spinal-muscular-atrophy-fifis-story",
    ]
    assert stories[0].get_absolute_url() == KIKI
    assert reverse("destination:story", kwargs={"slug": stories[2].slug}) == (
        "/destination-care/stories/beyond-spinal-muscular-atrophy-fifis-story/"
    )


def test_story_page_shows_title_origin_body_and_the_way_back(client, kiki):
    response = client.get(KIKI)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Beyond Ventricular Septal Defect (VSD): Kiki’s Story" in html
    assert "Nigeria, West Africa" in html
    assert "ventricular septal defect" in html  # the seeded body, from the seed's facts only
    assert "with their consent" in html
    assert 'href="/destination-care/#stories"' in html
    assert 'href="/destination-care/?form=inquiry#form"' in html


def test_seeded_bodies_hold_only_the_seed_facts(seeded):
    for story in PatientStory.objects.all():
        assert story.body and story.body_es
        assert "consent" in story.body and "consentimiento" in story.body_es


def test_the_body_is_sanitised_markdown(client, kiki):
    kiki.body = "**Brave** girl <script>alert(1)</script> [x](javascript:alert(1))"
    kiki.save()
    html = client.get(KIKI).content.decode()
    assert "<strong>Brave</strong>" in html
    assert "<script>alert(1)" not in html and "javascript:alert" not in html


def test_an_unknown_slug_is_404(client, seeded):
    assert client.get("/destination-care/stories/no-such-story/").status_code == 404
    assert client.get("/destination-care/stories/%E2%80%99/").status_code == 404


def test_the_listing_links_each_story_to_its_page_and_keeps_the_outbound_link(client, kiki):
    kiki.url = "https://www.connecticutchildrens.org/stories/kiki"
    kiki.save()
    html = client.get(PAGE).content.decode()
    assert f'href="{KIKI}"' in html
    for story in PatientStory.objects.all():
        assert f'href="{story.get_absolute_url()}"' in html
    story_html = client.get(KIKI).content.decode()
    assert 'href="https://www.connecticutchildrens.org/stories/kiki"' in story_html
    assert "Read the full story on connecticutchildrens.org" in story_html


def test_story_page_queries_cold_then_none_warm(client, kiki, django_assert_num_queries):
    with django_assert_num_queries(1):  # the story with its page
        first = client.get(KIKI)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(KIKI)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_story_page_in_spanish(client, kiki, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    html = client.get(KIKI).content.decode()
    assert 'lang="es"' in html
    assert "Más allá de la comunicación interventricular (CIV): la historia de Kiki" in html
    assert "Nigeria, África Occidental" in html
    assert "con su consentimiento" in html
    assert "Volver a las historias de pacientes" in html
    assert "Pregunte por la atención para su hijo" in html


def _admin_post(admin_client, page, capture, **changes):
    change = reverse("admin:destination_destinationpage_change", args=[page.pk])
    data = _admin_form_data(admin_client.get(change))
    data.update(changes)
    with capture(execute=True):
        response = admin_client.post(change, data)
    errors = response.status_code != 302 and (
        response.context["adminform"].form.errors,
        [f.errors for inline in response.context["inline_admin_formsets"] for f in inline.formset.forms],
        [inline.formset.non_form_errors() for inline in response.context["inline_admin_formsets"]],
    )
    assert response.status_code == 302, errors


def test_a_change_in_the_admin_shows_at_once_on_the_cached_page(
    client, admin_client, kiki, django_capture_on_commit_callbacks
):
    assert client.get(KIKI)["X-Page-Cache"] == "miss"
    assert client.get(KIKI)["X-Page-Cache"] == "hit"
    _admin_post(
        admin_client,
        kiki.page,
        django_capture_on_commit_callbacks,
        **{"stories-0-body": "A new paragraph staff wrote."},
    )
    response = client.get(KIKI)
    assert response["X-Page-Cache"] == "miss"
    assert "A new paragraph staff wrote." in response.content.decode()


def test_a_story_deleted_in_the_admin_is_gone_from_the_cached_page(
    client, admin_client, kiki, django_capture_on_commit_callbacks
):
    assert client.get(KIKI).status_code == 200
    assert client.get(KIKI)["X-Page-Cache"] == "hit"
    _admin_post(admin_client, kiki.page, django_capture_on_commit_callbacks, **{"stories-0-DELETE": "on"})
    assert client.get(KIKI).status_code == 404


def test_a_new_story_gets_a_unique_slug_from_its_title(seeded):
    first = PatientStory.objects.order_by("position").first()
    twin = PatientStory.objects.create(page=first.page, position=9, place="Here", title=first.title)
    assert twin.slug == first.slug + "-2"


def _admin_form_data(response) -> dict:
    """Every field of the admin change form as the browser would send it unchanged."""
    form = response.context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name, field in management.fields.items():
            data[f"{formset.prefix}-{name}"] = management.initial.get(name, field.initial)
        for sub in formset.forms:
            for name in sub.fields:
                value = sub[name].value()
                if value is not None and value is not False:
                    data[sub.add_prefix(name)] = value.pk if hasattr(value, "pk") else value
    return {k: v for k, v in data.items() if v is not None and not isinstance(v, list)}


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_stories_unique_slugs_from_their_titles():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = (
        [("destination", "0005_request_counts_named_in_words")],
        [("destination", "0006_patient_story_pages")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    page = apps.get_model("destination", "DestinationPage").objects.create(
        hero_heading="h", why_heading="w", team_heading="t", process_heading="p", stay_heading="s",
        form_heading="f", form_notice="n",
    )  # fmt: skip
    Story = apps.get_model("destination", "PatientStory")
    for title in ("Kiki’s Story", "Kiki’s Story", "¡!"):
        Story.objects.create(page=page, place="x", title=title)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert list(PatientStory.objects.order_by("id").values_list("slug", flat=True)) == [
        "kikis-story",
        "kikis-story-2",
        "story",
    ]
