"""One writer per output place, and what a dead writer left behind.

A command that writes to ``OUT`` first takes an exclusive lock (``fcntl.flock``) on the hidden file
``.OUT.lock`` beside it, which holds the writer's process id, and keeps it until its results are
in place or removed. A second writer to the same place is refused and told the first one's pid.
The kernel releases the lock when its holder dies, however it dies (``kill -9`` included), so a
lock that can be taken means that nobody is writing there: the hidden staging folders
``.OUT.partial-PID`` and set-aside runs ``.OUT.old-PID`` found beside ``OUT`` then belong to a
run that died, and are removed (a set-aside run whose replacement never arrived is put back).
The lock file is removed by its holder on the way out, while still locked; a process that
locked a file just removed this way notices (its inode is gone) and locks the new one.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
INDEX_TMP = re.compile(r"^\.index\.csv\.tmp-(\d+)$")  # a campaign's index being replaced (campaign.py)
LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?:partial|old)-\d+$")
LOCK = re.compile(r"^\.(?P<name>.+)\.lock$")


class OutputProblem(Exception):
    """An output place that cannot be used: the message says where and why (exit code 2)."""


class OutputBusy(OutputProblem):
    """Another process is writing to the same place (``holder``: "pid N")."""

    def __init__(self, out: Path, holder: str) -> None:
        super().__init__(
            f"{out}: another stocksim process ({holder}) is writing there; "
            "wait for it to finish or choose another --out"
        )
        self.holder = holder


class OutputUnusable(OutputProblem):
    """The place cannot be written: read-only, below a file, no permission, no space to start."""


class WriteFailed(Exception):
    """Writing failed part-way (a full disk, a lost mount): nothing was left behind (exit code 1)."""


def lock_path(out: Path) -> Path:
    out = Path(os.path.abspath(out))
    return out.parent / f".{out.name}.lock"


def staging_path(out: Path) -> Path:
    """This process's hidden staging folder for ``out``."""
    return out.parent / f".{out.name}.partial-{os.getpid()}"


def set_aside_path(out: Path) -> Path:
    """Where a replaced run (``--overwrite``) waits until the new one is in place."""
    return out.parent / f".{out.name}.old-{os.getpid()}"


def unusable(out: Path, exc: OSError) -> OutputUnusable:
    """The message for a place that cannot be written, naming the place and the reason."""
    reason = {
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "no permission to write there",
        errno.EPERM: "no permission to write there",
        errno.ENOTDIR: "a part of the path is a file, not a folder",
        errno.EEXIST: "a part of the path is a file, not a folder",
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
    }.get(exc.errno or 0, exc.strerror or str(exc))
    where = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(out) else ""
    return OutputUnusable(f"{out}: cannot write the results there: {reason}{where}; choose another --out")


PID_WAITS, PID_WAIT_S = 40, 0.025  # up to 1 s for a writer that has just locked to write its pid
_HELD: dict[Path, int] = {}  # lock file -> depth: a command and the writer it calls share one lock


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold the exclusive lock on ``out`` (reentrant within this process); on taking it, remove
    what a dead writer left beside ``out``. Raises OutputBusy naming the holder's pid."""
    path = lock_path(out)
    if path in _HELD:
        _HELD[path] += 1
        try:
            yield
        finally:
            _HELD[path] -= 1
        return
    fd = acquire(out)
    _HELD[path] = 1
    try:
        for p in remove_stale(out):
            what = "put back the run set aside by" if p == Path(os.path.abspath(out)) else "removed what was left by"
            logger.warning("%s: %s an earlier run into the same place that did not finish", p, what)
        yield
    finally:
        del _HELD[path]
        release(fd, path)


def acquire(out: Path) -> int:
    """Lock ``out``'s lock file (created if need be, with its parent folders) without waiting and
    write this pid into it; the open descriptor, for ``release``."""
    path = lock_path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise unusable(out, exc) from None
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise unusable(out, exc) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            for _ in range(PID_WAITS):  # the holder writes its pid just after it locks: give it a moment
                if holder != "pid unknown":
                    break
                time.sleep(PID_WAIT_S)
                holder = _holder(fd)
            os.close(fd)
            raise OutputBusy(out, holder) from None
        if _still_linked(fd, path):
            break
        os.close(fd)  # the holder removed the file as it let go: lock the file that is there now
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
    except OSError as exc:
        release(fd, path)
        raise unusable(out, exc) from None
    return fd


def release(fd: int, path: Path) -> None:
    try:
        path.unlink(missing_ok=True)  # while still locked, see the module's docstring
    finally:
        os.close(fd)


def _still_linked(fd: int, path: Path) -> bool:
    try:
        here, there = os.fstat(fd), os.stat(path)
    except FileNotFoundError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 32, 0).decode().strip()
    except (OSError, UnicodeDecodeError):
        text = ""
    return f"pid {text}" if text.isdigit() else "pid unknown"


def remove_stale(out: Path) -> list[Path]:
    """With ``out``'s lock held: remove the staging folders of runs into ``out`` that died, and
    the runs set aside by an ``--overwrite`` that completed; put back a set-aside run whose
    replacement never arrived. The paths removed or put back, for the record."""
    out = Path(os.path.abspath(out))
    name = re.escape(out.name)
    staging, old = re.compile(rf"^\.{name}\.partial-\d+$"), re.compile(rf"^\.{name}\.old-\d+$")
    done: list[Path] = []
    try:
        entries = sorted(out.parent.iterdir())
    except OSError:
        return done
    for entry in entries:
        if old.match(entry.name) and not out.exists() and (entry / MANIFEST).is_file():
            entry.rename(out)  # killed in the middle of the swap: the previous run is the only one
            done.append(out)
        elif staging.match(entry.name) or old.match(entry.name):
            shutil.rmtree(entry, ignore_errors=True)
            done.append(entry)
    return done


@dataclass
class Cleaned:
    removed: list[Path] = field(default_factory=list)  # staging folders, set-aside runs, lock files
    restored: list[Path] = field(default_factory=list)  # runs put back in place
    busy: list[str] = field(default_factory=list)  # places a live process is writing to, with its pid


def clean(root: Path) -> Cleaned:
    """Every stale staging folder, set-aside run, campaign index copy and lock file under ``root``,
    removed (``stocksim clean``). A place whose lock a live process holds is left alone and listed
    as busy; a completed run (a folder with a manifest) is never removed."""
    result = Cleaned()
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        names = {m["name"] for n in dirs if (m := LEFTOVER.match(n))}
        names |= {m["name"] for n in files if (m := LOCK.match(n)) and _is_lock_file(here / n)}
        for name in sorted(names):
            _clean_place(here / name, result)
        for n in files:
            m = INDEX_TMP.match(n)
            if m and not _alive(int(m.group(1))) and (here / n).exists():
                (here / n).unlink()
                result.removed.append(here / n)
        # Nothing to clean inside a completed run or inside what was just removed.
        dirs[:] = [d for d in dirs if (here / d).is_dir() and not (here / d / MANIFEST).is_file()]
    return result


def _clean_place(out: Path, result: Cleaned) -> None:
    path = lock_path(out)
    had_lock = path.exists()
    try:
        fd = acquire(out)
    except OutputBusy as exc:
        result.busy.append(f"{out}: being written by {exc.holder}")
        return
    try:
        for p in remove_stale(out):
            (result.restored if p == Path(os.path.abspath(out)) else result.removed).append(p)
    finally:
        release(fd, path)
    if had_lock:
        result.removed.append(path)


def _is_lock_file(path: Path) -> bool:
    """A lock file of ours holds a pid and nothing else (or nothing yet)."""
    try:
        with open(path, "rb") as f:
            text = f.read(32)
    except OSError:
        return False
    return re.fullmatch(rb"\d*\n?", text) is not None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
