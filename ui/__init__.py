"""The browser chat: presents the assistant's answers and sources; holds none of their logic."""
