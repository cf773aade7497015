"""Failed passphrase and recovery-key attempts, remembered beside the office file.

After `FREE_FAILURES` wrong secrets in a row, every further try must wait: 30 s,
then 1, 2, 5, 10 and at most 15 minutes. While the wait runs the secret is not
even stretched (no scrypt), so guessing at the desk becomes slow. A correct
secret clears the count.

The state file `<office file>.attempts` holds only the count and the time of the
last failure (JSON, written atomically); it is no secret. It slows guessing
through this program and across its runs; it is no defence against someone who
copies the files away, which is what the scrypt cost in the key file is for. A
folder where it cannot be written (read-only) only loses the slowing down.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wuyedesk.domain.errors import UserError
from wuyedesk.i18n import tr
from wuyedesk.paths import user_data_dir
from wuyedesk.store.location import Location, ServerDb

FREE_FAILURES = 3
# Wait after the 3rd, 4th, 5th... failure in a row; the last one repeats.
WAITS_SECONDS = (30, 60, 120, 300, 600, 900)

Clock = Callable[[], float]


class TooManyAttempts(UserError):
    """Unlocking is refused for a while after repeated wrong secrets."""

    def __init__(self, failures: int, seconds: int) -> None:
        super().__init__(
            tr("密码连续输错 {failures} 次，请 {seconds} 秒后再试").format(
                failures=failures, seconds=seconds
            )
        )
        self.failures = failures
        self.seconds = seconds


@dataclass(frozen=True)
class AttemptState:
    """Wrong secrets in a row and when the last one was tried (seconds since the epoch)."""

    failures: int = 0
    last_failure: float = 0.0


def attempts_path(db_path: Location) -> Path:
    """Return the state file's path for an office file (for a server database: in this
    PC's user data folder, named after the database without its password)."""
    if isinstance(db_path, ServerDb):
        return user_data_dir() / "servers" / f"{db_path.local_name}.attempts"
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".attempts")


def wait_after(failures: int) -> int:
    """Return how many seconds must pass after this many failures in a row."""
    if failures < FREE_FAILURES:
        return 0
    return WAITS_SECONDS[min(failures - FREE_FAILURES, len(WAITS_SECONDS) - 1)]


def read_state(db_path: Location) -> AttemptState:
    """Return the recorded failures; a missing or unreadable file counts as none."""
    try:
        data = json.loads(attempts_path(db_path).read_text(encoding="utf-8"))
        return AttemptState(int(data["failures"]), float(data["last_failure"]))
    except (OSError, ValueError, TypeError, KeyError):
        return AttemptState()


def seconds_to_wait(db_path: Location, *, clock: Clock = time.time) -> int:
    """Return how long unlocking must still wait (0: a try is allowed now)."""
    state = read_state(db_path)
    wait = wait_after(state.failures)
    if not wait:
        return 0
    # A clock set back must not stretch the wait beyond its length.
    since = max(0.0, clock() - state.last_failure)
    return max(0, math.ceil(wait - since))


def check_allowed(db_path: Location, *, clock: Clock = time.time) -> None:
    """Raise TooManyAttempts while the wait after repeated failures runs."""
    seconds = seconds_to_wait(db_path, clock=clock)
    if seconds:
        raise TooManyAttempts(read_state(db_path).failures, seconds)


def record_failure(db_path: Location, *, clock: Clock = time.time) -> AttemptState:
    """Count one more wrong secret; return the new state."""
    state = AttemptState(read_state(db_path).failures + 1, clock())
    _write(db_path, state)
    return state


def record_success(db_path: Location) -> None:
    """Forget the failures after a correct secret."""
    with contextlib.suppress(OSError):
        attempts_path(db_path).unlink(missing_ok=True)


def _write(db_path: Location, state: AttemptState) -> None:
    path = attempts_path(db_path)
    tmp = path.with_name(path.name + ".tmp")
    body = json.dumps({"failures": state.failures, "last_failure": state.last_failure})
    try:
        if isinstance(db_path, ServerDb):
            path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError:  # a read-only folder: the office file cannot be used there anyway
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
