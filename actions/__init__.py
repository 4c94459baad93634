"""Manabi's custom actions, one module per capability (rasa-sdk imports every module here)."""

from actions import assistance, schedules, study_tips, subsidies  # noqa: F401
