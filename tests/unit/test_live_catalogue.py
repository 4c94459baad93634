"""The live catalogue (data/catalogue/, edited by the office) builds and validates.

Every other test uses the frozen copy in tests/catalogue/, so the office's edits never break
them; this one makes sure an edit that breaks the catalogue itself is caught.
"""

from bot.catalogue.build import build
from bot.catalogue.queries import Catalogue
from bot.settings import PROJECT_ROOT


def test_the_live_catalogue_builds(tmp_path):
    counts = build(PROJECT_ROOT / "data" / "catalogue", tmp_path / "live.sqlite")
    assert counts["courses"] and counts["exams"] and counts["subsidy_rules"] and counts["question_words"]
    catalogue = Catalogue(tmp_path / "live.sqlite")
    assert catalogue.policy().contact.name
    catalogue.close()
