"""Exit-entry self-service kiosk. `python main.py --help` lists the commands."""

import sys

from terminal.cli import main

# The Kivy shell's own commands; the layers below contribute theirs in terminal/cli.py.
SHELL_COMMANDS = ("kiosk.commands", "kiosk.screenshots")

if __name__ == "__main__":
    sys.exit(main(shell_commands=SHELL_COMMANDS))
