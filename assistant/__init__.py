"""HR roles assistant: answers questions about HR roles from cited article passages."""
