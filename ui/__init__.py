"""The app's pages, one module each; app.py routes between them. UI only: rules live in kb/ and ingest/."""
