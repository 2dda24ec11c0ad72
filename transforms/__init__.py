"""Pure transforms: text and frames in, frames out; no file, network or database access."""

# polars 2.1's streaming engine panics (`assertion failed: i < self.len()` in binview)
# on some of the when/then string chains used here; the in-memory engine is correct and,
# on batches that fit in memory by design, no slower.
ENGINE = "in-memory"
