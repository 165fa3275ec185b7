"""The one-to-one service check ("En til en servicetjek"): supporters offer times, leaders book."""
