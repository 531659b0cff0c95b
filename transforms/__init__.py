"""Pure polars (and scikit-learn) transforms: frames in, frames out. No I/O here."""
