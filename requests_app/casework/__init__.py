"""Requests core: logging, editing and sending requests, their events and stored deadlines,
the dates a request may carry, bodies' addresses and the non-working days staff add."""
