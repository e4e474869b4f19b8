"""`python -m ttpgrid_trainer`: see ttpgrid_trainer.cli for the commands."""

import sys

from .cli import main

sys.exit(main())
