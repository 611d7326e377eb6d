import sys

from lsahard.cli import main

sys.exit(main())
