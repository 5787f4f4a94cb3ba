"""How the secretariat writes in each of the six UN languages, below every letter.

- words.py: Party names, dates, numbers, punctuation, the domain terms, salutations, bidi
- languages.py: choosing a recipient's language, directions, long dates
- collation.py: the order of Party names in each language
- form.py: the fixed parts of a letter (dateline, courtesy, salutation) as Jinja globals
- own_terms.py: the glossary's words a process names otherwise in its `roles:`

Used by notify (letters), the outbox (a mission's name in a header) and the portal. It
never imports notify or the outbox (import-linter contracts).
"""
