"""One module per source. Parsing is a pure function on a saved response."""
