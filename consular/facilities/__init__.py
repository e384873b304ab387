"""The detention facilities a post's officers visit: one directory per post."""
