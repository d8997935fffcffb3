"""Monte Carlo runner, summaries, outputs and the command-line interface."""
