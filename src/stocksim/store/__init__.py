"""The run directory: written whole or not at all (a staging directory and one rename), its
manifest, and reading it back."""
