"""
What every app uses and that belongs to none: money in integer cents (money), the two-language
content helpers (localization), the shared public page cache (cache), rate limiting (ratelimit),
Markdown rendering (markdown) and the Redis cache backend (cache_backends).

core imports no app of this project (a test checks it): apps depend on core, never the reverse.
"""
