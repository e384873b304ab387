"""Benchmarks of the matching engine against a plain baseline and Splink, with ground truth.

``synth`` draws a registry and host-authority lists whose true links are known;
``compare`` runs the methods side by side on the same data and prints the figures.
"""
