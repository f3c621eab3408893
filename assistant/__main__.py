"""``python -m assistant`` runs the ``hr-assistant`` command."""

from assistant.cli import main

if __name__ == "__main__":
    main()
