"""Automatic chasers for overdue requests: opt-in, owed once per missed deadline."""
