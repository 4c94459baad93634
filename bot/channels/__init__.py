"""Rasa input/output channels of Manabi (see ``bot.channels.teams``)."""
