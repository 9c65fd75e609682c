"""Shipped data files (the residue classifier weights)."""
