"""The campaign's figures as text: printed by the test module, quoted by the README."""

from __future__ import annotations

from collections import Counter

from .campaign import CONVERSATIONS, Outcome


def figures(outcome: Outcome) -> str:
    verdict, work, start = outcome.verdict, outcome.work, outcome.load_started
    emails = Counter(f"{fate.trigger} {fate.status}" for fate in verdict.emails)
    runs = Counter(status for _, status, _, _ in verdict.runs)
    failed_by = Counter(
        (fate.audits[-1][2] if fate.audits else "no attempt")
        for fate in verdict.emails
        if fate.status == "failed"
    )
    answers = Counter(status for _, status in work.answers)
    timeline = ", ".join(
        f"{what} at {begun - start:.1f}s ({end - begun:.1f}s)"
        for begun, end, what in outcome.faults.events
    )
    mail_kills = outcome.faults.count("kill mail-service")
    restarts = outcome.faults.count("restart postgres")
    lines = [
        f"fault campaign (CHAOS_SEED={outcome.seed}): {outcome.seconds:.0f} s in all, "
        f"settled {_seconds(outcome.settled_after)} after the load and the faults",
        f"  work: {len(work.email_ids)} manual emails, {len(work.job_ids)} exports, "
        f"{len(work.run_ids)} scheduled runs ({len(work.schedule_ids)} schedules)",
        f"  faults: {timeline}",
        f"  emails: {dict(sorted(emails.items()))}; failed by class: {dict(failed_by)}",
        f"  SMTP server: {sum(f.received for f in verdict.emails)} messages, "
        f"{sum(1 for f in verdict.emails if f.received)} distinct Message-IDs, "
        f"{verdict.duplicates} duplicates (bound: {mail_kills} mail-service kills + "
        f"{restarts} PostgreSQL restarts, x {CONVERSATIONS} conversations = "
        f"{(mail_kills + restarts) * CONVERSATIONS}), {verdict.strangers} unknown; "
        f"sent but never received: "
        f"{sum(1 for f in verdict.emails if f.status == 'sent' and not f.received)}",
        f"  export jobs: {dict(verdict.jobs)}; scheduled runs: {dict(runs)}",
        f"  failed yet received (the 250 lost, then the next attempt failed): "
        f"{verdict.failed_yet_received}",
        f"  gateway answers: {dict(sorted(answers.items()))}; "
        f"pool checkout timeouts in its log: {outcome.pool_timeouts}; "
        f"'taken over' sends: {outcome.taken_over}; workers that exited on their own "
        f"(restarted): {outcome.faults.exits}",
    ]
    return "\n".join(lines)


def _seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.1f} s"
