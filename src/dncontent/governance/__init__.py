"""Governance: what was approved (clinical sign-off), what each translation was made from, and accepted warnings.

Units are the pieces of text a clinician approves and a translator translates; `units.py` names them.
`checks.py` holds what `dncontent validate` reports about them; `signoff.py` and `po.py` write content
(with ruamel.yaml and polib, which `validate` never imports) through `yamledit.py`, the one writer of content
files; `pofile.py` reads a translator's PO file.
"""
