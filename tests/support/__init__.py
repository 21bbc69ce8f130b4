"""Helpers the tests share, one place each: accounts and tokens (accounts), tickets and
comments (tickets), the error format and a ticket's fields (responses), row counts and
row locks (db), cursors a client could craft (cursors), in-process clients (apps), a running
server (server), an SMTP server (smtp) and what the fault tests break (faults). Fixtures
stay in the conftest files."""
