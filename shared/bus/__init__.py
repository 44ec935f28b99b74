"""The event bus: the outbox relay (PostgreSQL -> Redis Streams) and the stream consumer."""

from .consumer import StreamConsumer, Subscription
from .relay import OutboxRelay

__all__ = ["OutboxRelay", "StreamConsumer", "Subscription"]
