"""引文核验: a draft's quotations and cited documents checked against the knowledge base.

``drafts`` reads a draft, ``passages`` finds its quotations and references, ``library`` holds the
knowledge base's texts and titles in the form they are compared in, ``verdicts`` judges each one.
"""
