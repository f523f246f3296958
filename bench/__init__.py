"""segdsl's benchmark suite (issue 7). Run it with ``.venv/bin/python -m bench``; see run.py."""
