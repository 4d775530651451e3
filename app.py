"""`python app.py` starts the web chat on the bundled FAQ at http://127.0.0.1:7860."""

from faqbot.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["serve"]))
