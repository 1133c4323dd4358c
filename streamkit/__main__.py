"""``python -m streamkit`` runs the command line."""

from __future__ import annotations

from streamkit.cli import main

raise SystemExit(main())
