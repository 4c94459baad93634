"""The hand-written text code as it was before issue 15 adopted libraries (baselines, frozen)."""
