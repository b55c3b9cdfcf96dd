"""dncontent: keep patient-education material as one verified source and publish it to every channel.

>>> import dncontent
>>> content = dncontent.load_content("content")      # the validated model
>>> problems = dncontent.validate("content")         # [] when clean
>>> dncontent.build(dncontent.BuildOptions(formats=("json",)))
"""

from .errors import BuildError, ContentError, DncontentError, Problem, UsageError
from .options import BuildOptions
from .pipeline import BuildResult, build, load_content, validate
from .release import ReleaseRefused

__all__ = [
    "BuildError",
    "BuildOptions",
    "BuildResult",
    "ContentError",
    "DncontentError",
    "Problem",
    "ReleaseRefused",
    "UsageError",
    "build",
    "load_content",
    "validate",
]
__version__ = "0.1.0"
