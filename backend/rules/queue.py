"""The hall's counter queues: the letter each queue's tickets carry on the calling display.

Appointment check-ins and walk-in tickets of a queue share its letter and one counter per hall
day (`ticket-<letter>-<day>`), so the display calls one series per queue (issue 20)."""

TICKET_PREFIX = {"PASSPORT": "A", "HK_MACAU_PERMIT": "B", "TAIWAN_PERMIT": "C", "ENDORSEMENT": "D", "OTHER": "E"}
