"""Service levels: each priority's targets (first response, resolution), the business
hours they may count in, and how a ticket's two clocks run, pause and stop.

- models.py: the policies and the business hours, as stored; their defaults.
- calendar.py: time arithmetic in business hours (pure).
- clock.py: a ticket's clocks through its status changes (pure).
- service.py: reading and changing policies and hours; what a write needs to retime a
  ticket, in one statement.
What "breached" means is a column of the ticket (tickets/models.py), compared with
PostgreSQL's clock."""
