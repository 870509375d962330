"""Time, pinned or moved: every rule that reads "now" reads ``ledgerline.clock.now``."""

from datetime import datetime, timedelta

import pytest

from ledgerline import clock


def pin_clock(monkeypatch: pytest.MonkeyPatch, when: datetime) -> None:
    """ "Now" is ``when`` until the test ends."""
    monkeypatch.setattr(clock, "now", lambda: when)


def move_clock(monkeypatch: pytest.MonkeyPatch, by: timedelta) -> None:
    """ "Now" is ``by`` later than it is, and stays there."""
    later = clock.now() + by
    monkeypatch.setattr(clock, "now", lambda: later)
