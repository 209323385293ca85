"""Errors shared across stages that have no better home. Standard library only: the CLI's last line
of defence imports this to map them to exit codes without loading the stages themselves."""


class ServiceUnavailable(RuntimeError):
    """A server the work needs (the Chroma index server) cannot be used; the message names the
    setting to check. Exit code 4, like a model that cannot be used; the web chat offers a retry."""
