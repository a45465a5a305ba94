"""`python -m toolkit` is `kb`."""

from toolkit.cli import main

raise SystemExit(main())
