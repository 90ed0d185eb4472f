"""Text is stored with LF line ends only: rows saved through the browser before carry CR LF.

Every text field of every content model (the assessment and each kind of row in the
registry, ``rowkinds``) has its CR LF and lone CR replaced by LF, in the database, without
touching the rows' lock versions or history. Versions are left as recorded (their content
hash stays valid); the comparison of versions reads their text with LF line ends.
"""

from django.db import migrations, models
from django.db.models.functions import Replace


def to_lf(apps, schema_editor):
    from assessments.domain.rowkinds import CONTENT_MODELS  # noqa: PLC0415 -- migration

    for current in CONTENT_MODELS:
        try:  # a kind added by a later migration has no rows yet
            model = apps.get_model("assessments", current.__name__)
        except LookupError:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField):
                continue
            name = field.name
            lf = Replace(
                Replace(models.F(name), models.Value("\r\n"), models.Value("\n")),
                models.Value("\r"),
                models.Value("\n"),
            )
            model._base_manager.filter(**{f"{name}__contains": "\r"}).update(**{name: lf})


class Migration(migrations.Migration):
    dependencies = [("assessments", "0021_library")]

    operations = [migrations.RunPython(to_lf, migrations.RunPython.noop)]
