from qiqiao.cli import main

raise SystemExit(main())
