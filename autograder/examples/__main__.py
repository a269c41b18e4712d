import sys

from autograder.examples import main

sys.exit(main())
