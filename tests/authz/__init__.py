"""The authorization matrix: every /api route x every kind of caller x the caller's relation
to the ticket. The callers, relations and shared machinery are in matrix.py."""
