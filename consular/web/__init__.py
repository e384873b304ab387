"""The web shell every page and API route shares: the unit of work and the caller as typed
dependencies (``deps``), the page renderer (``pages``), the sign-in and form checks
(``common``), the error page, the base template and the stylesheet. Each domain's pages
live in the domain (``consular/<domain>/pages.py``)."""
