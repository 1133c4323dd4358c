"""``python -m streamkit.mockserver``: serve recordings until interrupted (see ``--help``)."""

from __future__ import annotations

from streamkit.mockserver._cli import main

if __name__ == "__main__":
    raise SystemExit(main())
