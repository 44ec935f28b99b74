"""The event bus: the outbox relay (PostgreSQL -> Redis Streams) and the stream consumer."""

from shared.infra.bus.consumer import StreamConsumer, Subscription
from shared.infra.bus.relay import OutboxRelay

__all__ = ["OutboxRelay", "StreamConsumer", "Subscription"]
