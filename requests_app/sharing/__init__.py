"""Share links: a secret, revocable, read-only address that shows one request, masked."""
