"""Batch requests: one question to many bodies, tracked as a set, answers side by side."""
