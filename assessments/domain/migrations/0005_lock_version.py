from django.db import migrations

TRACKED = [
    "assessment",
    "answer",
    "goal",
    "contribution",
    "risk",
    "measure",
    "proportionalityitem",
    "source",
    "serviceresponse",
]


class Migration(migrations.Migration):
    """``version`` was the lock counter; it is called ``lock_version`` now so that "version"
    can mean a document version (``Version``)."""

    dependencies = [("assessments", "0004_goal_order_slug_rule")]

    operations = [
        migrations.RenameField(model_name=name, old_name="version", new_name="lock_version")
        for name in TRACKED
    ]
