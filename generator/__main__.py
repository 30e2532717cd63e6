"""`python -m mzkb`: the command line."""

from mzkb.cli import main

if __name__ == "__main__":
    main()
