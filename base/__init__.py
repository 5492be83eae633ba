"""Base modules: settings, database handle, languages, links, web helpers and the feature registry.

They import nothing of the features (an import-linter contract checks it)."""
