"""`python app.py` starts the web chat on the bundled FAQ at http://127.0.0.1:7860.

It is `faqbot serve`; its options work here too, e.g. `python app.py --port 8000`
or `python app.py --corpus my_faq.jsonl` (see `python app.py --help`).
"""

import sys

from faqbot.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["serve", *sys.argv[1:]]))
