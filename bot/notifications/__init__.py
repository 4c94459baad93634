"""Messages Manabi sends first: waitlist promotions, office announcements, reminders (docs/notifications.md).

| module | one job |
| --- | --- |
| ``events``    | what queues a message, inside the transaction of its cause (a promotion), and forgetting a person |
| ``compose``   | the words of a queued message, made when it is sent (pure replies of bot/replies/notifications.py) |
| ``worker``    | the delivery worker: the lease, sending, retries, dead references, every attempt recorded |
| ``ratelimit`` | Teams' limits per conversation and per tenant |
| ``schedule``  | reminders over time: following the catalogue, falling due |
| ``timing``    | when a reminder is sent |
| ``announce``  | the office's announcements: who would get one, queuing them |
| ``report``    | what the office sees (``notifications status``, /office/notifications) |
| ``settings``  | ``MANABI_NOTIFY_*`` |
| ``cli``       | ``python -m bot announce …``, ``python -m bot notifications status|worker`` |

The SQL lives in bot/state/ (outbox.py, conversation_refs.py, reminders.py, leases.py); the Teams side
of sending in bot/channels/teams/proactive.py.
"""
