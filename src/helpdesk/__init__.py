"""Helpdesk: a ticket-management API on FastAPI and PostgreSQL."""
