from drivers.standin import main

raise SystemExit(main())
