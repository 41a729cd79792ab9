"""One definition of a read-only admin screen, for both desks: records such as the audit trail, measures and
appeals are written only by the named functions that make them, never edited by hand."""


class ReadOnlyAdminMixin:
    """No add, change or delete in the admin; works for a ModelAdmin and an inline alike."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
