"""Entry point for ``python -m kube_devops``."""

from kube_devops.cli.main import main

raise SystemExit(main())
