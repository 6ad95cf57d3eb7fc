"""What the Python tests of the command share: a scratch folder that is removed at exit, and aegrad run as
a user runs it, a failure ending the test with the command and everything it printed."""
import atexit
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def scratch(prefix):
    work = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    return work


def runner(aegrad):
    """run(*args) -> what `aegrad args...` printed on standard output; exits the test when it fails."""
    def run(*args):
        done = subprocess.run([aegrad, *map(str, args)], capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"FAILED: aegrad {' '.join(map(str, args))} exited {done.returncode}:\n{done.stdout}{done.stderr}")
        return done.stdout
    return run
