"""Final and published assessments get their version 1: their content as it is now.

The snapshot is the exchange document, made by the app's own export (the same code that
records every later version), so it runs on the current models. If a later migration has
changed those models so that this cannot run, it is skipped: the app records the same
version 1 the first time the assessment's versions, PDF or public page are asked for
(``versions.published_version``).
"""

from django.db import DatabaseError, migrations, transaction


def record_initial_versions(apps, schema_editor):
    from assessments.domain import versions  # noqa: PLC0415 -- migration
    from assessments.domain.models import Assessment  # noqa: PLC0415 -- migration

    # Columns that later migrations add to the assessment (e.g. ``predecessor``) are not
    # there yet; the export does not read them, so they are left out of the query.
    with schema_editor.connection.cursor() as cursor:
        table = Assessment._meta.db_table
        description = schema_editor.connection.introspection.get_table_description(cursor, table)
    present = {column.name for column in description}
    later = [f.name for f in Assessment._meta.concrete_fields if f.column not in present]
    try:
        with transaction.atomic():
            settled = Assessment.objects.defer(*later).filter(status__in=["final", "published"])
            for assessment in settled:
                versions.published_version(assessment)
    except DatabaseError:
        pass  # recorded on first use instead (see the module's docstring)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0010_report_options")]

    operations = [migrations.RunPython(record_initial_versions, migrations.RunPython.noop)]
