"""Request and response bodies (Pydantic v2): `XRead`, `XCreate`, `XUpdate` per resource."""
