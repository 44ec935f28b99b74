"""The code every service imports (services import `shared`, never each other), by layer.

- the vocabulary: `shared.states` (statuses and their machines), `shared.events` (the event
  catalogue and stream names), `shared.correlation` (the correlation id);
- `shared.infra`: settings, database and models, the bus, runtime, logging, tokens, storage;
- `shared.domain`: the rules: reports, exports, emails, schedules, recipients, tenants;
- `shared.tools`: the CLI, migrations and the demo data.

Imports run downward only: tools -> domain -> infra -> the vocabulary.
"""
