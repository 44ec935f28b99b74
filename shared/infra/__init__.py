"""Infrastructure: settings, database, event bus, runtime, health, metrics, logging, tokens,
secrets and file storage. No product rules live here; it imports only the vocabulary at the
top of `shared` (`states`, `events`, `correlation`)."""
