"""The account page: who you are, where alerts go, how letters are signed, first steps."""
