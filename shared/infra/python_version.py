"""The running Python against the releases that fixed the email header bug (CVE-2024-6923).

Before 3.11.10 and 3.12.5, the email package wrote a line break decoded from an RFC 2047
encoded word into the header raw, so a subject could add headers. The mail-service writes
the headers of user text itself and never lets the package decode them, so an older Python
is still safe here: every service warns at start-up (naming the version and the fix) rather
than refusing to run.
"""

from __future__ import annotations

import logging
import sys

# The first patched release of each affected minor version; 3.13 was released with the fix.
FIRST_PATCHED = {(3, 11): (3, 11, 10), (3, 12): (3, 12, 5)}

log = logging.getLogger(__name__)


def unpatched_python_warning(version: tuple[int, int, int]) -> str | None:
    """A warning naming the version and the fix, or None when `version` has the fix."""
    patched = FIRST_PATCHED.get(version[:2])
    if patched is None or version >= patched:
        return None
    running = ".".join(map(str, version))
    return (
        f"Python {running} predates the email header fix (CVE-2024-6923): upgrade to "
        f"{'.'.join(map(str, patched))} or later (or 3.13). LedgerPost writes the headers of "
        "user text itself, so mail stays safe meanwhile; other code using the email package "
        "would not be"
    )


def warn_if_python_unpatched() -> None:
    """Log the warning at start-up when this process runs an unpatched Python."""
    warning = unpatched_python_warning(
        (sys.version_info.major, sys.version_info.minor, sys.version_info.micro)
    )
    if warning is not None:
        log.warning("%s", warning)
