"""Task functions: the same functions run from the CLI, the API and (later) the job runners."""
