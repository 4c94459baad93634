"""Builds the Teams app package: ``teams/manifest.json`` with our app id, plus the two icons, zipped.

The CLI calls ``build_package`` (``python -m bot teams-package --app-id … [--out …] [--bot-domain …]``);
``python -m bot.channels.teams.package`` does the same on its own. Upload the zip in Teams
(Apps → Manage your apps → Upload an app) or in the Teams admin centre; see docs/teams.md.
"""

from __future__ import annotations

import json
import re
import struct
import zipfile
from pathlib import Path
from typing import Any

from bot.channels.teams.config import is_guid

TEAMS_DIR = Path(__file__).resolve().parents[3] / "teams"
DEFAULT_OUT = TEAMS_DIR / "build" / "manabi-teams.zip"
ICON_SIZES = {"color.png": (192, 192), "outline.png": (32, 32)}
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)  # fixed, so the same inputs give the same zip


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG header; ValueError if ``data`` is not a PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def build_manifest(app_id: str, bot_domain: str | None = None, source: Path | None = None) -> dict[str, Any]:
    """The manifest template with our app id as app and bot id (and the bot's domain, if given)."""
    if not is_guid(app_id):
        raise ValueError(f"app id must be the bot's Microsoft App ID (a GUID), got {app_id!r}")
    manifest = json.loads((source or TEAMS_DIR / "manifest.json").read_text(encoding="utf-8"))
    manifest["id"] = app_id.lower()
    for bot in manifest.get("bots", []):
        bot["botId"] = app_id.lower()
    if bot_domain:
        if not _HOSTNAME.match(bot_domain):
            raise ValueError(f"bot domain must be a host name such as manabi.example.jp, got {bot_domain!r}")
        manifest["validDomains"] = [bot_domain.lower()]
    return dict(manifest)


def build_package(app_id: str, out_path: Path | None = None, bot_domain: str | None = None) -> Path:
    """Writes the app package zip (default ``teams/build/manabi-teams.zip``) and returns its path."""
    manifest = build_manifest(app_id, bot_domain)
    icons = {name: (TEAMS_DIR / name).read_bytes() for name in ICON_SIZES}
    for name, data in icons.items():
        if png_size(data) != ICON_SIZES[name]:
            raise ValueError(f"teams/{name} must be {ICON_SIZES[name]} pixels (run teams/make_icons.py)")
    out = Path(out_path) if out_path else DEFAULT_OUT
    if out.is_dir() or out.suffix.lower() != ".zip":
        out = out / DEFAULT_OUT.name
    out.parent.mkdir(parents=True, exist_ok=True)
    files = {"manifest.json": json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"), **icons}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():  # Teams wants the files at the root of the zip
            archive.writestr(zipfile.ZipInfo(name, date_time=_ZIP_TIME), data)
    return out
