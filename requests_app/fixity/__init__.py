"""Fixity: every stored original re-hashed against the sha256 recorded when it arrived."""
