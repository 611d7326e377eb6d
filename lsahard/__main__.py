"""``python -m lsahard ...``: the same as the ``lsahard`` command."""
import sys

from lsahard.cli import main

sys.exit(main())
