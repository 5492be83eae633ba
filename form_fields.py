"""Form fields shared by several blueprints."""

from wtforms import SelectMultipleField, widgets


class MultiCheckboxField(SelectMultipleField):
    """Several choices as check boxes (rendered as a fieldset by the ``field`` macro)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()
