"""Classes (开班): filing rules, the roster check and the class's transition table; no Django."""
