"""``python -m hr_assistant`` runs the ``hr-assistant`` command."""

from hr_assistant.cli import main

if __name__ == "__main__":
    main()
