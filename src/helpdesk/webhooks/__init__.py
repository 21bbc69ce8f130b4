"""Outbound webhooks: endpoints admins register, the deliveries of each event to them, and
how one is signed (Standard Webhooks) and sent (the worker sends; nothing here runs in a
request but the endpoints' administration)."""
