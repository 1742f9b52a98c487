"""The viewer: a frame-accurate player at the centre of the window (canvas, scrubber, transport, full screen,
A/B compare)."""
