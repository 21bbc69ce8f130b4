"""Events out: every change the timeline records is also written as an event, in the same
transaction (an outbox), for the worker to deliver (webhooks/) and the live stream to
carry. This package knows no ticket: the services that change tickets hand it the payload."""
