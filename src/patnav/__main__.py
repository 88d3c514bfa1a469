"""``python -m patnav`` runs the command line."""

from patnav.cli import main

main()
