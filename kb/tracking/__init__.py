"""What falls due: each deadline's status as of a day, and the filtered, sorted deadline list."""
