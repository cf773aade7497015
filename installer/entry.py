"""The frozen program's entry point (PyInstaller runs this script; see installer/wuyedesk.spec)."""

from wuyedesk.cli import main

raise SystemExit(main())
