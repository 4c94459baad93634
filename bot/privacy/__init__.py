"""Personal data: owner-only files, retention (purge of old conversations and questions), and the
tracker-store access that deleting a person's or a cohort's data needs."""
