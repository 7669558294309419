"""Operations in the project: backup and restore commands, data-request pages."""

from groupbuy.core.plugins import GroupbuyApp

app = GroupbuyApp(
    cli_commands={
        "backup": "groupbuy.ops.backup:backup_main",
        "restore": "groupbuy.ops.backup:restore_main",
    },
)
