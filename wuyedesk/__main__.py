from wuyedesk.cli import main

raise SystemExit(main())
