"""Helpers the tests share: one place each (a running server, ...)."""
