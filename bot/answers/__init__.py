"""Answers: a structured question (bot.understanding) in, replies and what to remember out.

``route.answer`` decides which answer runs; the topic modules gather catalogue rows and let the pure
replies (bot.replies) speak.
"""
