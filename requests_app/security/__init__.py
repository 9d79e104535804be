"""Signing in safely: login throttling, the optional second factor, client addresses."""
