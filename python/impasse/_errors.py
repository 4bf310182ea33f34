"""The exceptions impasse raises, one for each way a command can fail at the terminal."""


class ImpasseError(Exception):
    """A command failed for a reason other than its input (exit code 1 at the terminal), for
    instance a result directory that cannot be written."""


class ScenarioError(ImpasseError, ValueError):
    """The scenario is not valid: the message names the file, line and field, as the command
    line's does (exit code 2 at the terminal)."""


class UsageError(ImpasseError, ValueError):
    """An argument is not valid (exit code 2 at the terminal)."""


def raise_for(kind, message):
    """Raise the exception for a command that ended as ``kind`` with ``message``."""
    if kind == "ok":
        return
    if kind == "scenario":
        raise ScenarioError(message)
    if kind == "usage":
        raise UsageError(message)
    raise ImpasseError(message)
