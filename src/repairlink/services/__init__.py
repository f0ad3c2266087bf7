"""Use cases: each public function is one transaction on a unit of work."""
