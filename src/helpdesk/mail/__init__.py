"""Email notifications: who is told what (rules.py), the messages (templates/, Jinja2: plain
text and HTML), and how the worker sends them (sender.py: SMTP, or files in development)."""
