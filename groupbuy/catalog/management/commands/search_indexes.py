"""Build the product search's trigram indexes (PostgreSQL with pg_trgm)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from groupbuy.catalog import trigram


class Command(BaseCommand):
    help = (
        "Build the product search's trigram indexes on PostgreSQL, once pg_trgm "
        "is in the database (the migration does when it may create the "
        "extension). Does nothing on SQLite."
    )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("SQLite: no trigram indexes to build.")
            return
        try:
            built = trigram.indexes_create(connection)
        except trigram.TrigramUnavailable as unavailable:
            raise CommandError(str(unavailable)) from unavailable
        if built:
            self.stdout.write("Built " + ", ".join(built) + ".")
        else:
            self.stdout.write("The trigram indexes are all there.")
