"""Report schedules: the rules a saved schedule must meet, its use cases, and its runs' history."""
