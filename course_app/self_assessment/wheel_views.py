"""Her wheel: the SVG, its table and text, and the wheel's private reflection prompts."""
