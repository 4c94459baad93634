"""Rasa input/output channels of Manabi (see ``bot.channels.teams``)."""

WEBHOOK_ROUTE = "/webhook"  # where the Teams and the local REST channel take POSTs, within their blueprint


def webhook_path(channel_name: str) -> str:
    """The URL path of a channel's webhook on the Rasa server, which mounts each input channel's
    blueprint at ``/webhooks/<name>`` (``rasa.core.channels.channel.register``)."""
    return f"/webhooks/{channel_name}{WEBHOOK_ROUTE}"


REST_WEBHOOK = webhook_path("rest")  # bot.channels.local.LocalRestInput (the URL of Rasa's own REST channel)
TEAMS_WEBHOOK = webhook_path("teams")  # bot.channels.teams.channel.TeamsInput
