"""dncontent: keep patient-education material as one verified source and publish it to every channel.

    >>> import dncontent
    >>> content = dncontent.load_content("content")      # the validated model
    >>> problems = dncontent.validate("content")         # [] when clean
    >>> dncontent.build(dncontent.BuildOptions(formats=("json",)))
"""
from .errors import BuildError, ContentError, DncontentError, Problem, UsageError
from .options import BuildOptions

__all__ = ["BuildError", "BuildOptions", "BuildResult", "ContentError", "DncontentError", "Problem", "UsageError",
           "build", "load_content", "validate"]
__version__ = "0.1.0"

_PIPELINE = ("BuildResult", "build", "load_content", "validate")


def __getattr__(name: str):
    # The pipeline pulls in jsonschema; `dncontent --help` and `import dncontent.errors` should not pay for it.
    if name in _PIPELINE:
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'dncontent' has no attribute {name!r}")
