"""Dead letters: why each message failed, and moving messages back to where they came from."""
