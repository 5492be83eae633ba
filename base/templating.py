"""The site's Jinja environment: Flask's, with template globals that list their names quickly."""

from collections import ChainMap

from flask.templating import Environment as FlaskEnvironment


class TemplateGlobals(ChainMap):
    """A template's globals (its own, then the environment's), as Jinja makes them, whose names
    are listed at C speed. Jinja compares them with the page's globals at every
    ``{% from … import … %}``; a card or a table row that imports its macros did it name by name
    through ``ChainMap``, hundreds of calls per import."""

    def keys(self):
        return dict.fromkeys(self).keys()


class Environment(FlaskEnvironment):
    def make_globals(self, d=None):
        return TemplateGlobals(d if d is not None else {}, self.globals)
