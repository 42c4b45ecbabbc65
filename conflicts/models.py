"""conflicts models."""
