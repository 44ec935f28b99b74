"""scheduler-service: finds due schedules and drives each run (export, then email)."""
