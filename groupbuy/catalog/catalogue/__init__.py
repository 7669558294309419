"""A shop's catalogue as a CSV file: the columns (``columns``), reading an
uploaded file (``reading``), what importing it would do row by row
(``planning``) and doing it in one transaction (``applying``). The services
in ``catalog.services.catalogue`` are the only callers."""
