"""``python -m lsahard.cli COMMAND [ARGS ...]``: the ``lsahard`` command line (:func:`lsahard.cli.main`)."""
import sys

from lsahard.cli import main

sys.exit(main())
