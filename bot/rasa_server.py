"""Entry point for the Rasa server: ``python -m bot.rasa_server run …`` = ``rasa run …`` with Manabi's
Rasa patches (bot.rasa_patches: faster Rasa internals, the 512 KB request limit; ``MANABI_PROFILE=<file>``
profiles the running server). Files are created owner-only (the tracker database holds what people
typed; bot.privacy.files). On a Rasa other than 3.6.x the server does not start: the patches refuse
it, with what to do.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from bot import rasa_patches
from bot.rasa_patches.patch import Patch


def main(extra_patches: Sequence[Patch] = ()) -> None:
    """``extra_patches``: installed after Manabi's own (the benchmark's stock baseline has two)."""
    from bot.privacy.files import restrict_new_files
    from bot.rasa_patches.server_profile import VARIABLE, profile_patch

    restrict_new_files()
    extra = list(extra_patches)
    if os.environ.get(VARIABLE):
        extra.append(profile_patch(os.environ[VARIABLE]))
    try:
        rasa_patches.apply(extra=extra)
    except (rasa_patches.RasaVersionError, ValueError) as error:  # another Rasa; a wrong MANABI_PATCHES_OFF
        sys.exit(f"manabi: {error}")
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
