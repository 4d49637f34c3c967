"""The committed Spanish catalogue: complete, none fuzzy, the .mo compiled from the .po."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES"


# --- The catalogue ---------------------------------------------------------------------------------


def test_every_msgid_has_a_spanish_translation_none_fuzzy():
    po = polib.pofile(str(LOCALE / "django.po"))
    assert len(po) > 500
    assert po.metadata["Language"] == "es"
    assert not po.metadata_is_fuzzy
    assert [entry.msgid for entry in po if "fuzzy" in entry.flags] == []
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.obsolete_entries()] == []
    for entry in po:
        if entry.msgid_plural:
            assert all(entry.msgstr_plural.values()), entry.msgid
        # Every placeholder of the English survives into the Spanish (a lost one is a KeyError).
        for source, translated in [(entry.msgid, entry.msgstr)] if not entry.msgid_plural else []:
            assert sorted(re.findall(r"%\(\w+\)[sd]", source)) == sorted(re.findall(r"%\(\w+\)[sd]", translated))


def test_the_committed_mo_is_compiled_from_the_committed_po():
    """Nothing compiles at run or test time: the .mo in git must say exactly what the .po says."""
    po = polib.pofile(str(LOCALE / "django.po"))
    mo = polib.mofile(str(LOCALE / "django.mo"))

    def messages(catalog):
        return {
            (entry.msgctxt, entry.msgid): (
                entry.msgstr if not entry.msgid_plural else tuple(sorted(entry.msgstr_plural.items()))
            )
            for entry in catalog
            if entry.msgid and not entry.obsolete and "fuzzy" not in entry.flags
        }

    assert messages(mo) == messages(po)


def test_django_reads_the_committed_catalogue():
    with translation.override("es"):
        assert translation.gettext("No goods or services were provided in exchange for this contribution.") == (
            "No se proporcionaron bienes ni servicios a cambio de esta contribución."
        )
        assert translation.ngettext("day left", "days left", 3) == "días restantes"
