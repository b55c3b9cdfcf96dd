"""Run `dncontent build` with its file operations counted, to kill or fail it at any one of them (tests only).

    python tests/killing_build.py [--kill-at N | --fail-at N] [--no-exchange] [--busy] [--mount] [--trace]
                                  -- build ARGS...

Counts every call that changes the file system beside or inside the output folder (mkdir, rename, unlink,
rmdir, an open that may create or write, a file write, the folder exchange). With --kill-at N the process
dies (exit status 137) at the Nth of them, before it takes effect; a file write dies halfway, leaving half a
file. With --fail-at N that call raises OSError(ENOSPC) instead. Ends by printing "file operations: N" on
stderr; --trace also prints each operation as it happens.

--no-exchange: as on a system without renameat2(RENAME_EXCHANGE).
--busy: renaming or exchanging the output folder fails with EBUSY, as on a bind mount.
--mount: the output folder reports as a mount point.
"""

from __future__ import annotations

import argparse
import atexit
import errno
import os
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "src"))

import dncontent.write as write  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kill-at", type=int, default=0)
    parser.add_argument("--fail-at", type=int, default=0)
    parser.add_argument("--no-exchange", action="store_true")
    parser.add_argument("--busy", action="store_true")
    parser.add_argument("--mount", action="store_true")
    parser.add_argument("--trace", action="store_true")
    split = sys.argv.index("--")
    opts = parser.parse_args(sys.argv[1:split])
    build_args = sys.argv[split + 1 :]
    out = os.path.realpath(build_args[build_args.index("--out") + 1])
    watched = os.path.dirname(out) + os.sep
    count = 0

    def in_scope(*paths, dir_fd=None) -> bool:
        return dir_fd is not None or any(os.path.abspath(os.fspath(p)).startswith(watched) for p in paths)

    def step(name: str, *paths) -> str:
        """Count one operation; returns "kill" or "fail" when this is the one to stop at."""
        nonlocal count
        count += 1
        if opts.trace:
            os.write(2, f"op {count} {name} {' '.join(os.fspath(p) for p in paths)}\n".encode())
        if count == opts.kill_at:
            return "kill"
        if count == opts.fail_at:
            return "fail"
        return ""

    def act(outcome: str, *paths):
        if outcome == "kill":
            os._exit(137)
        if outcome == "fail":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), os.fspath(paths[0]))

    def counted(name, real, n_paths=1, creates=None):
        def wrapper(*args, **kwargs):
            paths = args[:n_paths]
            if creates is not None and not creates(*args, **kwargs):
                return real(*args, **kwargs)
            if not in_scope(*paths, dir_fd=kwargs.get("dir_fd") or kwargs.get("src_dir_fd")):
                return real(*args, **kwargs)
            act(step(name, *paths), *paths)
            return real(*args, **kwargs)

        return wrapper

    real_rename = os.rename

    def rename(src, dst, *args, **kwargs):
        if opts.busy and out in (os.path.realpath(src), os.path.realpath(dst)):
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), os.fspath(src), None, os.fspath(dst))
        return real_rename(src, dst, *args, **kwargs)

    def writes(path, flags, *args, **kwargs) -> bool:
        return bool(flags & (os.O_CREAT | os.O_WRONLY | os.O_RDWR | os.O_TRUNC))

    os.rename = counted("rename", rename, 2)
    os.replace = counted("replace", os.replace, 2)
    os.mkdir = counted("mkdir", os.mkdir)
    os.unlink = counted("unlink", os.unlink)
    os.remove = counted("remove", os.remove)
    os.rmdir = counted("rmdir", os.rmdir)
    os.open = counted("open", os.open, creates=writes)

    def file_write(name, real):
        def wrapper(self, data, *args, **kwargs):
            if not in_scope(self):
                return real(self, data, *args, **kwargs)
            outcome = step(name, self)
            if outcome == "kill":
                real(self, data[: len(data) // 2], *args, **kwargs)
            act(outcome, self)
            return real(self, data, *args, **kwargs)

        return wrapper

    pathlib.Path.write_bytes = file_write("write_bytes", pathlib.Path.write_bytes)
    pathlib.Path.write_text = file_write("write_text", pathlib.Path.write_text)

    real_exchange = write._exchange

    def exchange(a, b):
        act(step("exchange", a, b), a)
        if opts.busy:
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), os.fspath(b))
        return False if opts.no_exchange else real_exchange(a, b)

    write._exchange = exchange
    if opts.mount:
        real_ismount = os.path.ismount
        os.path.ismount = lambda path: os.path.realpath(path) == out or real_ismount(path)

    atexit.register(lambda: os.write(2, f"file operations: {count}\n".encode()))
    from dncontent.cli import main as cli

    cli(args=build_args, prog_name="dncontent")


if __name__ == "__main__":
    main()
