"""The code every service imports: settings, database, events, bus, crypto, auth, logging.

Services import `shared`, never each other. Submodules are the public surface:
`shared.settings`, `shared.db`, `shared.events`, `shared.bus`, `shared.crypto`,
`shared.auth`, `shared.logging`, `shared.storage`, `shared.health`.
"""
