"""The editor's panel on a legal page: what publishing will do, before anything is pressed (R-L4)."""

from wagtail.admin.panels import Panel


class PublishingRulesPanel(Panel):
    """States the version in force, any version waiting for its date, and what Publish does now."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "legal/admin/publishing_rules_panel.html"

        def get_context_data(self, parent_context=None):
            from legal import scheduling

            context = super().get_context_data(parent_context)
            context["status"] = scheduling.editor_status(self.instance)
            return context
