"""The Teams app package: manifest template, icons and the zip builder."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bot.channels.teams.package import DEFAULT_OUT, TEAMS_DIR, build_manifest, build_package, png_size
from bot.devtools.fake_botframework import APP_ID

ROOT = Path(__file__).resolve().parents[2]


def test_manifest_template_uses_the_current_schema() -> None:
    manifest = json.loads((TEAMS_DIR / "manifest.json").read_text(encoding="utf-8"))
    version = manifest["manifestVersion"]
    assert tuple(int(p) for p in version.split(".")) >= (1, 17)
    assert (
        manifest["$schema"]
        == f"https://developer.microsoft.com/json-schemas/teams/v{version}/MicrosoftTeams.schema.json"
    )
    for key in ("version", "id", "developer", "name", "description", "icons", "accentColor", "bots"):
        assert key in manifest
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    for command_list in manifest["bots"][0]["commandLists"]:
        for command in command_list["commands"]:
            assert len(command["title"]) <= 32 and len(command["description"]) <= 128


def test_icons_have_the_required_sizes() -> None:
    assert png_size((TEAMS_DIR / "color.png").read_bytes()) == (192, 192)
    assert png_size((TEAMS_DIR / "outline.png").read_bytes()) == (32, 32)


def test_outline_icon_is_white_on_transparent() -> None:
    from PIL import Image

    with Image.open(TEAMS_DIR / "outline.png") as image:
        pixels = image.convert("RGBA").load()
        colours = {pixels[x, y][:3] for x in range(32) for y in range(32) if pixels[x, y][3] > 0}
    assert colours == {(255, 255, 255)}


def test_package_holds_manifest_with_our_ids_and_icons(tmp_path: Path) -> None:
    path = build_package(APP_ID.upper(), tmp_path / "app.zip", "manabi.example.jp")
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        assert png_size(archive.read("color.png")) == (192, 192)
    assert manifest["id"] == APP_ID and manifest["bots"][0]["botId"] == APP_ID
    assert manifest["validDomains"] == ["manabi.example.jp"]


def test_package_is_reproducible(tmp_path: Path) -> None:
    first = build_package(APP_ID, tmp_path / "a.zip", None).read_bytes()
    assert build_package(APP_ID, tmp_path / "b.zip", None).read_bytes() == first


def test_directory_as_output(tmp_path: Path) -> None:
    assert build_package(APP_ID, tmp_path, None) == tmp_path / "manabi-teams.zip"


def test_default_output_is_the_ignored_build_folder() -> None:
    assert DEFAULT_OUT.parent == ROOT / "teams" / "build"
    assert "teams/build/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


@pytest.mark.parametrize("app_id, domain", [("not-a-guid", None), (APP_ID, "https://x.example/"), (APP_ID, "x")])
def test_invalid_input_is_refused(app_id: str, domain: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        build_package(app_id, tmp_path / "x.zip", domain)
    assert not (tmp_path / "x.zip").exists()


def test_manifest_without_domain_keeps_template_domains() -> None:
    assert build_manifest(APP_ID)["validDomains"] == []


def test_command_line(tmp_path: Path) -> None:
    """`python -m bot teams-package` builds the zip, refuses a bad id, and never loads Rasa."""
    code = (
        "import sys; from bot.cli import main; rc = main(['teams-package'] + sys.argv[1:]); "
        "assert 'rasa.core' not in sys.modules, 'packaging must not import rasa'; sys.exit(rc)"
    )

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, timeout=60)

    ok = run("--app-id", APP_ID, "--out", str(tmp_path / "cli.zip"))
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "cli.zip").exists()
    bad = run("--app-id", "nope", "--out", str(tmp_path / "bad.zip"))
    assert bad.returncode == 1 and "GUID" in bad.stderr
